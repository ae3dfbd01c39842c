//! Regions: the decoded blocks the JIT compiles together with a hot one.
//!
//! A region is the hot block and the blocks of loops through it: blocks it
//! reaches by direct branches, jumps and fall-through that lead back to
//! it, all lying wholly in the hot block's first page, and the short blocks
//! ending in a computed jump (not a return) that those jump to. Jumps between them
//! stay inside one compiled function, so a loop of a few blocks never goes
//! through the pc table.
//!
//! Keeping them in that page keeps invalidation simple: whatever drops a
//! block of the page (a store to it, munmap, mprotect) drops the hot block
//! and with it the region's code, so no stale copy can run.

use super::block::{BlockCache, BlockId};
use crate::isa::{Inst, Op};
use crate::jit::Jit;
use crate::mem::Memory;

/// Most blocks in one region.
pub const MAX_BLOCKS: usize = 8;
/// Most instructions in one region: compile time grows with them.
pub const MAX_INSTS: usize = 160;
/// Most blocks looked at while searching for loops back to the head.
const MAX_SEARCH: usize = 16;
/// Most instructions of a block ending in a computed jump that a region
/// takes in although it does not lead back to the head.
const MAX_TAIL_INSTS: usize = 12;

/// The blocks to compile for hot block `head`: `head` first, then the
/// blocks of loops through it, all `Jit::translatable`.
pub fn pick(cache: &mut BlockCache, mem: &mut Memory, head: BlockId) -> Vec<BlockId> {
    let first = cache.get(head);
    // The head's guest page, and the pages (physical in system mode) its
    // bytes lie in: members share both.
    let (page, pages) = (first.start >> 12, first.pages);
    // Blocks reachable from the head, breadth first, with their successors
    // among them (indices into `found`).
    let mut found = vec![(head, first.start)];
    let mut edges: Vec<Vec<usize>> = Vec::new();
    let mut next = 0;
    while next < found.len() {
        let b = cache.get(found[next].0);
        let mut out = Vec::new();
        for pc in successors(b.start, &b.insts).into_iter().flatten() {
            if pc >> 12 != page {
                continue;
            }
            if let Some(k) = found.iter().position(|f| f.1 == pc) {
                out.push(k);
                continue;
            }
            if found.len() == MAX_SEARCH {
                continue;
            }
            // A block that cannot be fetched stays out (it faults when run;
            // a page the host must fill first is asked for then).
            let Ok(id) = cache.find_or_decode(mem, pc) else {
                mem.clear_host_request();
                continue;
            };
            let b = cache.get(id);
            // A breakpoint must start a block that runs on its own.
            if b.pages != pages || pages.0 != pages.1 || b.breakpoint || !Jit::translatable(&b.insts) {
                continue;
            }
            out.push(found.len());
            found.push((id, pc));
        }
        edges.push(out);
        next += 1;
    }
    // Keep the blocks on a loop back to the head. Measured: adding the
    // blocks it merely reaches cost several times the compile time and
    // won nothing, as each of them is compiled again as a head.
    let mut keep = vec![false; found.len()];
    keep[0] = true;
    let mut changed = true;
    while changed {
        changed = false;
        for k in 0..found.len() {
            if !keep[k] && edges[k].iter().any(|&t| keep[t]) {
                keep[k] = true;
                changed = true;
            }
        }
    }
    // A short block ending in a computed jump that the loop jumps to (an
    // interpreter's dispatch) joins too: the region then leaves through
    // that jump's own lookup instead of first chaining to the block
    // through the pc table, which halves a guest interpreter's trips
    // through the table. Returns (jumps through ra) stay out: nearly every
    // loop in a function reaches one, and taking them in made compiling a
    // fifth dearer for no measurable gain.
    let tails: Vec<usize> = (0..found.len())
        .filter(|&k| !keep[k] && (0..found.len()).any(|j| keep[j] && edges[j].contains(&k)))
        .filter(|&k| {
            let b = cache.get(found[k].0);
            b.insts.len() <= MAX_TAIL_INSTS && b.insts.last().is_some_and(|i| i.op == Op::Jalr && i.rs1 != 1)
        })
        .collect();
    for k in tails {
        keep[k] = true;
    }
    let mut insts = 0;
    let mut members = Vec::new();
    for (k, &(id, _)) in found.iter().enumerate() {
        let n = cache.get(id).insts.len();
        if keep[k] && members.len() < MAX_BLOCKS && (k == 0 || insts + n <= MAX_INSTS) {
            insts += n;
            members.push(id);
        }
    }
    members
}

/// Start pcs a block at `start` can go on to without computing an
/// address: branch and jump targets, and the fall-through.
fn successors(start: u64, insts: &[Inst]) -> [Option<u64>; 2] {
    let Some((last, body)) = insts.split_last() else { return [None, None] };
    let at = body.iter().fold(start, |pc, i| pc.wrapping_add(i.len as u64));
    let after = at.wrapping_add(last.len as u64);
    let target = at.wrapping_add(last.imm as i64 as u64);
    use Op::*;
    match last.op {
        Jal => [Some(target), None],
        Beq | Bne | Blt | Bge | Bltu | Bgeu => [Some(target), Some(after)],
        _ if last.ends_block() => [None, None],
        // Cut by the block size limit or before a CSR instruction.
        _ => [Some(after), None],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::Inst;
    use crate::mem::Perms;

    fn addi(rd: u32, rs1: u32, imm: i32) -> u32 {
        (imm as u32) << 20 | rs1 << 15 | rd << 7 | 0x13
    }

    fn bne(rs1: u32, rs2: u32, off: i32) -> u32 {
        let o = off as u32;
        (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12 | (o >> 1 & 0xf) << 8 | (o >> 11 & 1) << 7 | 0x63
    }

    fn jal(rd: u32, off: i32) -> u32 {
        let o = off as u32;
        (o >> 20 & 1) << 31 | (o >> 1 & 0x3ff) << 21 | (o >> 11 & 1) << 20 | (o >> 12 & 0xff) << 12 | rd << 7 | 0x6f
    }

    /// `jalr x0, 0(rs1)`.
    fn jr(rs1: u32) -> u32 {
        rs1 << 15 | 0x67
    }

    /// The region picked for the loop at 0x1000 when its exit branch goes
    /// to a block of `tail` instructions ending in `jalr x0, 0(rs1)`.
    fn pick_with_tail(tail: usize, rs1: u32) -> Vec<u64> {
        // 0x1000: addi x5, x5, 1; bne x5, x6, exit
        // 0x1008: jal x0, 0x1000
        // 0x100c (exit): `tail` - 1 times addi x7, x7, 1; jalr x0, 0(rs1)
        let mut code = vec![addi(5, 5, 1), bne(5, 6, 12 - 4), jal(0, -8)];
        code.extend(std::iter::repeat_n(addi(7, 7, 1), tail - 1));
        code.push(jr(rs1));
        let bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut mem = Memory::new();
        mem.map(0x1000, 0x1000, Perms::RX, "code").unwrap();
        mem.poke(0x1000, &bytes).unwrap();
        let mut cache = BlockCache::new();
        let head = cache.find_or_decode(&mut mem, 0x1000).unwrap();
        let mut starts: Vec<u64> = pick(&mut cache, &mut mem, head).into_iter().map(|id| cache.get(id).start).collect();
        starts.sort();
        starts
    }

    #[test]
    fn a_loop_takes_in_a_short_block_it_leaves_by_a_computed_jump() {
        assert_eq!(pick_with_tail(3, 15), [0x1000, 0x1008, 0x100c]);
        assert_eq!(pick_with_tail(MAX_TAIL_INSTS, 15), [0x1000, 0x1008, 0x100c]);
        assert_eq!(pick_with_tail(MAX_TAIL_INSTS + 1, 15), [0x1000, 0x1008], "too long to take in");
        assert_eq!(pick_with_tail(3, 1), [0x1000, 0x1008], "a return stays out");
    }

    fn inst(op: Op, imm: i32, len: u8) -> Inst {
        Inst { op, rd: 1, rs1: 1, rs2: 2, rs3: 0, rm: 0, len, imm }
    }

    #[test]
    fn successors_follow_the_last_instruction() {
        let add = inst(Op::Add, 0, 2);
        assert_eq!(successors(0x100, &[add, inst(Op::Beq, -8, 4)]), [Some(0xfa), Some(0x106)]);
        assert_eq!(successors(0x100, &[add, inst(Op::Jal, 0x40, 4)]), [Some(0x142), None]);
        assert_eq!(successors(0x100, &[add, inst(Op::Jalr, 0, 4)]), [None, None]);
        assert_eq!(successors(0x100, &[add, inst(Op::Ecall, 0, 4)]), [None, None]);
        assert_eq!(successors(0x100, &[add, add]), [Some(0x104), None]);
        assert_eq!(successors(0x100, &[]), [None, None]);
    }
}
