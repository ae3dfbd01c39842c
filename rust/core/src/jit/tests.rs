//! Differential tests: random blocks run by the interpreter and by compiled
//! code from the same state must leave identical registers, memory, pc,
//! exit and retired count.

use super::context::{exit, table_slot, JitContext, JitEntry, TABLE_SIZE};
use super::Jit;
use crate::engine::block::Block;
use crate::hart::{Exception, Hart};
use crate::interp::{run_block, BlockExit};
use crate::isa::{Inst, Op};
use crate::mem::{Memory, Perms};

pub(super) const CODE: u64 = 0x1_0000;
pub(super) const DATA: u64 = 0x2_0000;

pub(super) struct Rng(pub(super) u64);
impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn inst(op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32, len: u8) -> Inst {
    Inst { op, rd, rs1, rs2, rs3: 0, rm: 0, len, imm }
}

const ALU: &[Op] = &[
    Op::Add, Op::Sub, Op::Sll, Op::Slt, Op::Sltu, Op::Xor, Op::Srl, Op::Sra, Op::Or, Op::And, Op::Addw,
    Op::Subw, Op::Sllw, Op::Srlw, Op::Sraw, Op::Mul, Op::Mulh, Op::Mulhsu, Op::Mulhu, Op::Div, Op::Divu,
    Op::Rem, Op::Remu, Op::Mulw, Op::Divw, Op::Divuw, Op::Remw, Op::Remuw,
];
const ALU_IMM: &[Op] = &[Op::Addi, Op::Slti, Op::Sltiu, Op::Xori, Op::Ori, Op::Andi, Op::Addiw];
const SHIFT_IMM: &[Op] = &[Op::Slli, Op::Srli, Op::Srai, Op::Slliw, Op::Srliw, Op::Sraiw];
const LOADS: &[(Op, u64)] =
    &[(Op::Lb, 1), (Op::Lh, 2), (Op::Lw, 4), (Op::Ld, 8), (Op::Lbu, 1), (Op::Lhu, 2), (Op::Lwu, 4), (Op::Fld, 8), (Op::Flw, 4)];
const STORES: &[(Op, u64)] = &[(Op::Sb, 1), (Op::Sh, 2), (Op::Sw, 4), (Op::Sd, 8), (Op::Fsd, 8), (Op::Fsw, 4)];
const BRANCHES: &[Op] = &[Op::Beq, Op::Bne, Op::Blt, Op::Bge, Op::Bltu, Op::Bgeu];
/// Atomics, LR/SC twice as often so that pairs meet.
const ATOMICS: &[Op] = &[
    Op::LrW, Op::LrD, Op::ScW, Op::ScD, Op::LrW, Op::LrD, Op::ScW, Op::ScD, Op::AmoswapW, Op::AmoaddW,
    Op::AmoxorW, Op::AmoandW, Op::AmoorW, Op::AmominW, Op::AmomaxW, Op::AmominuW, Op::AmomaxuW, Op::AmoswapD,
    Op::AmoaddD, Op::AmoxorD, Op::AmoandD, Op::AmoorD, Op::AmominD, Op::AmomaxD, Op::AmominuD, Op::AmomaxuD,
];

/// Registers 1..=7 hold interesting values; x8 points at the data page
/// (x9 at an unmapped page, for faults; x10 four bytes into the data page,
/// misaligned for doublewords) and is never written.
fn reg(r: &mut Rng) -> u8 {
    [0, 1, 2, 3, 4, 5, 6, 7][r.below(8) as usize]
}

fn random_block(r: &mut Rng) -> Vec<Inst> {
    let n = 1 + r.below(20) as usize;
    let mut v = Vec::new();
    for _ in 0..n {
        let len = if r.below(4) == 0 { 2 } else { 4 };
        let i = match r.below(12) {
            0..=3 => inst(ALU[r.below(ALU.len() as u64) as usize], reg(r), reg(r), reg(r), 0, len),
            4 => inst(ALU_IMM[r.below(ALU_IMM.len() as u64) as usize], reg(r), reg(r), 0, r.below(4096) as i32 - 2048, len),
            5 => inst(SHIFT_IMM[r.below(SHIFT_IMM.len() as u64) as usize], reg(r), reg(r), 0, r.below(64) as i32, len),
            6 => inst(Op::Lui, reg(r), 0, 0, (r.next() as i32) & !0xfff, len),
            7 => {
                let (op, size) = LOADS[r.below(LOADS.len() as u64) as usize];
                // Mostly in the page, sometimes crossing its end or faulting.
                let base = if r.below(30) == 0 { 9 } else { 8 };
                let off = (r.below(4096 + 8) as i32 - 8).min(4096 - size as i32 + 4);
                inst(op, reg(r), base, 0, off, len)
            }
            8 => {
                let (op, size) = STORES[r.below(STORES.len() as u64) as usize];
                let base = if r.below(30) == 0 { 9 } else { 8 };
                let off = r.below(4096 - size) as i32;
                inst(op, 0, base, reg(r), off, len)
            }
            9 => {
                let base = [8, 8, 8, 9, 10][r.below(5) as usize];
                inst(ATOMICS[r.below(ATOMICS.len() as u64) as usize], reg(r), base, reg(r), 0, 4)
            }
            10 => {
                let op = [Op::Csrrw, Op::Csrrs, Op::Csrrc, Op::Csrrwi, Op::Csrrsi, Op::Csrrci][r.below(6) as usize];
                // fflags, frm, fcsr; the immediate forms take rs1 as a 5-bit value.
                let rs1 = if matches!(op, Op::Csrrwi | Op::Csrrsi | Op::Csrrci) { r.below(32) as u8 } else { reg(r) };
                inst(op, reg(r), rs1, 0, 1 + r.below(3) as i32, 4)
            }
            _ => inst(Op::Auipc, reg(r), 0, 0, (r.next() as i32) & !0xfff, len),
        };
        v.push(i);
    }
    match r.below(4) {
        0 => v.push(inst(BRANCHES[r.below(6) as usize], 0, reg(r), reg(r), 2 * r.below(64) as i32 - 64, 4)),
        1 => v.push(inst(Op::Jal, reg(r), 0, 0, 2 * r.below(1000) as i32 - 1000, 4)),
        2 => v.push(inst(Op::Jalr, reg(r), reg(r), 0, r.below(100) as i32, 4)),
        _ => {}
    }
    v
}

/// Memory with the data page mapped and filled with random bytes.
pub(super) fn random_data(r: &mut Rng) -> Memory {
    let mut mem = Memory::new();
    mem.map(DATA, 0x1000, Perms::RW, "data").unwrap();
    let bytes: Vec<u8> = (0..4096).map(|_| r.next() as u8).collect();
    mem.poke(DATA, &bytes).unwrap();
    mem
}

fn state(r: &mut Rng) -> (Hart, Memory) {
    let mem = random_data(r);
    let mut hart = Hart::new();
    hart.pc = CODE;
    let special = [0, 1, u64::MAX, i64::MIN as u64, i32::MIN as u64, 0x8000_0000, 31, 63];
    for i in 1..8 {
        hart.x[i] = if r.below(2) == 0 { special[r.below(8) as usize] } else { r.next() };
    }
    hart.x[8] = DATA;
    hart.x[9] = 0x40_0000;
    hart.x[10] = DATA + 4;
    hart.set_fcsr(r.next());
    // Sometimes a reservation is already there.
    if r.below(4) == 0 {
        hart.reservation = DATA;
    }
    for f in hart.f.iter_mut() {
        *f = r.next();
    }
    (hart, mem)
}

pub(super) fn data(mem: &mut Memory) -> Vec<u8> {
    let mut b = vec![0; 4096];
    mem.peek(DATA, &mut b).unwrap();
    b
}

/// Run compiled `code` for a block of `n` instructions at hart.pc; (exit code, retired, pending exception).
/// Complete a compiled run of `block` that left with `SLOW` after
/// `retired` instructions: as the run loop does, the interpreter runs the
/// rest of the block from there. The exit code and pending exception as
/// compiled code reports them, and the instructions retired in all.
pub(super) fn finish_in_interpreter(
    hart: &mut Hart,
    mem: &mut Memory,
    block: &Block,
    retired: u64,
) -> (u32, u64, Option<Exception>) {
    let rest = Block { start: hart.pc, insts: block.insts[retired as usize..].into(), pages: block.pages, breakpoint: false };
    let (e, n) = run_block(hart, mem, &rest, 64);
    match e {
        BlockExit::Continue => (exit::RETURN, retired + n as u64, None),
        BlockExit::Trap(e) => (exit::FAULT, retired + n as u64, Some(e)),
        BlockExit::FenceI => unreachable!("no fence.i in generated blocks"),
    }
}

/// A compiled run ended as the interpreter's run of the same block did:
/// returned normally, or faulted with the same exception.
pub(super) fn assert_same_exit(ei: BlockExit, ej: u32, pending: Option<Exception>, ctx: &str) {
    match ei {
        BlockExit::Continue => assert_eq!(ej, exit::RETURN, "{ctx}"),
        BlockExit::Trap(e) => {
            assert_eq!(ej, exit::FAULT, "{ctx}");
            assert_eq!(pending, Some(e), "{ctx}");
        }
        BlockExit::FenceI => unreachable!("no fence.i in generated blocks"),
    }
}

pub(super) fn run_jit(hart: &mut Hart, mem: &mut Memory, jit: &Jit, code: u64, n: u64) -> (u32, u64, Option<Exception>) {
    // Exactly one block's worth: the dispatcher cannot enter it again
    // when the block jumps back to its own start.
    let run = run_budget(hart, mem, jit, code, n, n);
    (run.exit, n - run.budget_left, run.pending)
}

/// What one call of compiled code left behind.
struct Run {
    exit: u32,
    budget_left: u64,
    entered: u64,
    /// After a SLOW exit: the block's instructions left to run.
    left: u64,
    pending: Option<Exception>,
}

/// Run `code` (an `n`-instruction block or region at `hart.pc`, the only
/// entry of the pc table) with `budget` instructions.
fn run_budget(hart: &mut Hart, mem: &mut Memory, jit: &Jit, code: u64, n: u64, budget: u64) -> Run {
    let mut table = vec![JitEntry::EMPTY; TABLE_SIZE].into_boxed_slice();
    table[table_slot(hart.pc)] = JitEntry::new(hart.pc, code, n);
    let (rt, wt) = mem.tlb_arrays();
    let mut ctx = JitContext {
        budget,
        table: table.as_ptr(),
        read_tlb: rt as *const u8,
        write_tlb: wt as *const u8,
        entered: 0,
        hart,
        mem,
        fault: 0,
        left: 0,
        pending: None,
    };
    // SAFETY: the table holds only `code`, compiled by `jit` and alive;
    // hart and memory are borrowed for the call.
    let exit = unsafe { jit.run(&mut ctx) };
    Run { exit, budget_left: ctx.budget, entered: ctx.entered, left: ctx.left, pending: ctx.pending }
}

/// Compile the region `blocks`; its code and the same blocks for the
/// interpreter.
fn compile_region_and_blocks(blocks: &[(u64, &[Inst])]) -> (Jit, u64, Vec<Block>) {
    let mut jit = Jit::new().unwrap();
    let code = jit.compile_region(blocks).unwrap();
    let pages = (CODE >> 12, CODE >> 12);
    let interp = blocks.iter().map(|&(start, insts)| Block { start, insts: insts.into(), pages, breakpoint: false }).collect();
    (jit, code, interp)
}

/// The interpreter alone: `blocks` from `hart.pc`, one by one while the
/// budget covers them, until one leaves them or does not continue. Its
/// last exit and the instructions retired.
fn interpret_blocks(hart: &mut Hart, mem: &mut Memory, blocks: &[Block], budget: u64) -> (BlockExit, u64) {
    let (mut retired, mut exit) = (0u64, BlockExit::Continue);
    while let Some(block) = blocks.iter().find(|b| b.start == hart.pc) {
        if retired + block.insts.len() as u64 > budget {
            break;
        }
        let (e, k) = run_block(hart, mem, block, 64);
        retired += k as u64;
        exit = e;
        if e != BlockExit::Continue {
            break;
        }
    }
    (exit, retired)
}

/// Run from `hart.pc` with `budget` instructions as the run loop does, the
/// region compiled at `code` being the pc table's only entry (at
/// `blocks[0]`): compiled code whenever it is at the region's head and the
/// budget covers that block; the interpreter for what compiled code left
/// of a block (a SLOW exit) and, block by block while the budget covers
/// them, for the rest. The exit, instructions retired, and those of them
/// compiled code retired.
fn run_as_the_run_loop(hart: &mut Hart, mem: &mut Memory, jit: &Jit, code: u64, blocks: &[Block], budget: u64) -> (BlockExit, u64, u64) {
    let head = &blocks[0];
    let n0 = head.insts.len() as u64;
    let (mut left, mut compiled) = (budget, 0);
    loop {
        let Some(block) = blocks.iter().find(|b| b.start == hart.pc) else { break };
        if hart.pc == head.start && left >= n0 {
            let run = run_budget(hart, mem, jit, code, n0, left);
            compiled += left - run.budget_left;
            left = run.budget_left;
            match run.exit {
                exit::FAULT => return (BlockExit::Trap(run.pending.unwrap()), budget - left, compiled),
                exit::SLOW => {
                    // Compiled code left the block at hart.pc with
                    // `run.left` of its instructions unrun.
                    let rest = blocks
                        .iter()
                        .find_map(|b| {
                            let skip = b.insts.len().checked_sub(run.left as usize)?;
                            let at = b.insts[..skip].iter().fold(b.start, |pc, i| pc + i.len as u64);
                            (at == hart.pc).then(|| b.insts[skip..].into())
                        })
                        .expect("a SLOW exit inside a block of the region");
                    let rest = Block { start: hart.pc, insts: rest, pages: head.pages, breakpoint: false };
                    let (e, k) = run_block(hart, mem, &rest, 64);
                    left -= k as u64;
                    if e != BlockExit::Continue {
                        return (e, budget - left, compiled);
                    }
                }
                code => assert!(code == exit::RETURN || code == exit::NEXT, "exit {code}"),
            }
            continue;
        }
        if block.insts.len() as u64 > left {
            break;
        }
        let (e, k) = run_block(hart, mem, block, 64);
        left -= k as u64;
        if e != BlockExit::Continue {
            return (e, budget - left, compiled);
        }
    }
    (BlockExit::Continue, budget - left, compiled)
}

#[test]
fn random_blocks_match_the_interpreter() {
    let mut jit = Jit::new().expect("jit on this host");
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let insts = random_block(&mut r);
        let (h0, mut m0) = state(&mut r);
        let block = Block { start: CODE, insts: insts.clone().into(), pages: (CODE >> 12, CODE >> 12), breakpoint: false };
        let (mut hi, mut mi) = (h0.clone(), Memory::new());
        mi.map(DATA, 0x1000, Perms::RW, "data").unwrap();
        mi.poke(DATA, &data(&mut m0)).unwrap();
        let (ei, ni) = run_block(&mut hi, &mut mi, &block, 64);

        let code = jit.compile(CODE, &insts).expect("translatable");
        let mut hj = h0.clone();
        // Warm the TLB entries of the data page so both the fast and the
        // slow path run (the write one in every other round; the byte
        // written back is unchanged).
        let first = m0.read_u8(DATA).unwrap();
        if round % 2 == 0 {
            m0.write_u8(DATA, first).unwrap();
        }
        let (mut ej, mut nj, mut pending) = run_jit(&mut hj, &mut m0, &jit, code, insts.len() as u64);
        let ctx = format!("round {round}: {insts:?}");
        if ej == exit::SLOW {
            (ej, nj, pending) = finish_in_interpreter(&mut hj, &mut m0, &block, nj);
        }
        assert_same_exit(ei, ej, pending, &ctx);
        assert_eq!(ni as u64, nj, "{ctx}: retired");
        assert_eq!(hi.x, hj.x, "{ctx}: x");
        assert_eq!(hi.f, hj.f, "{ctx}: f");
        assert_eq!(hi.pc, hj.pc, "{ctx}: pc");
        assert_eq!(hi.reservation, hj.reservation, "{ctx}: reservation");
        assert_eq!(hi.fcsr(), hj.fcsr(), "{ctx}: fcsr");
        assert_eq!(data(&mut mi), data(&mut m0), "{ctx}: memory");
    }
}

#[test]
fn untranslatable_blocks_are_refused() {
    let mut jit = Jit::new().unwrap();
    // The counters stay interpreted (instret is exact only between blocks).
    let csr = [inst(Op::Csrrs, 1, 0, 0, 0xc02, 4)];
    assert_eq!(jit.compile(CODE, &csr), None);
    let ecall_mid = [inst(Op::Ecall, 0, 0, 0, 0, 4), inst(Op::Addi, 1, 1, 0, 1, 4)];
    assert_eq!(jit.compile(CODE, &ecall_mid), None);
    assert_eq!(jit.stats.blocks_unsupported, 2);
    assert!(jit.compile(CODE, &[inst(Op::Addi, 1, 1, 0, 1, 4)]).is_some());
}

#[test]
fn machines_with_a_jit_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<crate::engine::Machine>();
}

/// A block that branches back to its own start loops inside its compiled
/// function: every budget stops it after exactly the whole runs it covers,
/// with the state the interpreter reaches in as many runs.
#[test]
fn self_loops_match_the_interpreter_under_every_budget() {
    let mut jit = Jit::new().unwrap();
    // x5 += 3; x1 -= 1; bne x1, x0, start (12 bytes back)
    let insts = [inst(Op::Addi, 5, 5, 0, 3, 4), inst(Op::Addi, 1, 1, 0, -1, 2), inst(Op::Bne, 0, 1, 0, -6, 4)];
    let n = insts.len() as u64;
    let code = jit.compile(CODE, &insts).unwrap();
    let block = Block { start: CODE, insts: insts.into(), pages: (CODE >> 12, CODE >> 12), breakpoint: false };
    for budget in [3, 4, 5, 30, 31, 299, 300, 301, 1000] {
        let mut h0 = Hart::new();
        h0.pc = CODE;
        h0.x[1] = 100;
        let (mut hi, mut mi) = (h0.clone(), Memory::new());
        let mut ni = 0;
        while ni + n <= budget {
            let (e, k) = run_block(&mut hi, &mut mi, &block, 64);
            assert_eq!(e, BlockExit::Continue);
            ni += k as u64;
            if hi.pc != CODE {
                break;
            }
        }
        let (mut hj, mut mj) = (h0.clone(), Memory::new());
        let run = run_budget(&mut hj, &mut mj, &jit, code, n, budget);
        let (e, left, entered) = (run.exit, run.budget_left, run.entered);
        assert_eq!(e, exit::RETURN, "budget {budget}");
        assert_eq!(budget - left, ni, "budget {budget}: retired");
        // Every iteration stays in the function the dispatcher entered once.
        assert_eq!(entered, (ni > 0) as u64, "budget {budget}: entries");
        assert_eq!((hi.x, hi.pc), (hj.x, hj.pc), "budget {budget}");
    }
}

/// A region of three blocks (a loop with a branch inside) runs inside one
/// compiled function: under every budget, compiled code and the
/// interpreter together (as the run loop uses them: compiled code runs
/// only while the budget covers the whole region) stop after exactly the
/// whole blocks it covers, at the pc and with the registers the
/// interpreter reaches running the same blocks one by one.
#[test]
fn regions_match_the_interpreter_under_every_budget() {
    // a: x5 += 3; x6 = x1 & 1; beq x6, x0, b     (CODE)
    // c: x5 += 100; then b's two instructions      (CODE + 12)
    // b: x1 -= 1; bne x1, x0, a                    (CODE + 16)
    let a = [inst(Op::Addi, 5, 5, 0, 3, 4), inst(Op::Andi, 6, 1, 0, 1, 4), inst(Op::Beq, 0, 6, 0, 8, 4)];
    let b = [inst(Op::Addi, 1, 1, 0, -1, 4), inst(Op::Bne, 0, 1, 0, -20, 4)];
    let c = [inst(Op::Addi, 5, 5, 0, 100, 4), b[0], b[1]];
    let blocks: [(u64, &[Inst]); 3] = [(CODE, &a), (CODE + 16, &b), (CODE + 12, &c)];
    let (jit, code, interp) = compile_region_and_blocks(&blocks);
    for budget in [2, 3, 5, 6, 7, 8, 9, 10, 11, 50, 51, 52, 149, 150, 151, 1000] {
        let mut h0 = Hart::new();
        h0.pc = CODE;
        h0.x[1] = 20;
        let (mut hi, mut mi) = (h0.clone(), Memory::new());
        let (ei, ni) = interpret_blocks(&mut hi, &mut mi, &interp, budget);
        assert_eq!(ei, BlockExit::Continue);
        let (mut hj, mut mj) = (h0.clone(), Memory::new());
        let (e, retired, compiled) = run_as_the_run_loop(&mut hj, &mut mj, &jit, code, &interp, budget);
        assert_eq!(e, BlockExit::Continue, "budget {budget}");
        assert_eq!(retired, ni, "budget {budget}: retired");
        assert_eq!((hi.x, hi.pc), (hj.x, hj.pc), "budget {budget}");
        // Compiled code runs once the budget covers the whole region (8
        // instructions), and the loop stays in it.
        if budget >= 50 {
            assert!(compiled > retired / 2, "budget {budget}: {compiled} of {retired} compiled");
        }
    }
}

#[test]
fn a_region_of_an_untranslatable_block_is_refused() {
    let mut jit = Jit::new().unwrap();
    let ok = [inst(Op::Addi, 1, 1, 0, 1, 4), inst(Op::Jal, 0, 0, 0, 8, 4)];
    let csr = [inst(Op::Csrrs, 1, 0, 0, 0xc02, 4)];
    assert_eq!(jit.compile_region(&[(CODE, &ok), (CODE + 16, &csr)]), None);
    assert_eq!(jit.compile_region(&[]), None);
    assert!(jit.compile_region(&[(CODE, &ok)]).is_some());
}

/// A loop of two blocks keeps its registers in host registers; a third
/// block then stops at an access that leaves compiled code (a TLB miss to
/// an unmapped page, an FP instruction with a reserved rounding mode that
/// faults in the helper). Whatever the budget, the hart must then hold
/// exactly the registers, pc and retired count of the interpreter running
/// the same blocks up to that instruction, and the run must end in the
/// same exception.
#[test]
fn exits_inside_a_region_leave_the_interpreters_state() {
    let mut fadd_reserved_rm = inst(Op::FaddD, 1, 2, 3, 0, 4);
    fadd_reserved_rm.rm = 5;
    let stops = [inst(Op::Ld, 7, 9, 0, 0, 4), fadd_reserved_rm];
    for stop in stops {
        // a: x5 += 7; x1 -= 1; beq x1, x0, c     (CODE)
        // b: x6 ^= x5; jal a                      (CODE + 12)
        // c: x6 += x5 + 1; <stop>; x7 += 1        (CODE + 20)
        let a = [inst(Op::Addi, 5, 5, 0, 7, 4), inst(Op::Addi, 1, 1, 0, -1, 4), inst(Op::Beq, 0, 1, 0, 8, 4)];
        let b = [inst(Op::Xor, 6, 6, 5, 0, 4), inst(Op::Jal, 0, 0, 0, -16, 4)];
        let c = [inst(Op::Addi, 6, 5, 0, 1, 4), stop, inst(Op::Addi, 7, 7, 0, 1, 4)];
        let blocks: [(u64, &[Inst]); 3] = [(CODE, &a), (CODE + 12, &b), (CODE + 20, &c)];
        let (jit, code, interp) = compile_region_and_blocks(&blocks);
        for budget in [3, 5, 6, 20, 29, 30, 31, 32, 33, 34, 1000] {
            let mut h0 = Hart::new();
            h0.pc = CODE;
            h0.x[1] = 6;
            h0.x[5] = 0x1234;
            h0.x[9] = 0x40_0000;
            let (mut hi, mut mi) = (h0.clone(), Memory::new());
            let (ei, ni) = interpret_blocks(&mut hi, &mut mi, &interp, budget);
            let (mut hj, mut mj) = (h0.clone(), Memory::new());
            let (ej, retired, compiled) = run_as_the_run_loop(&mut hj, &mut mj, &jit, code, &interp, budget);
            let ctx = format!("{:?} budget {budget}", stop.op);
            // The region (8 instructions) runs compiled once covered.
            assert_eq!(compiled > 0, budget >= 8, "{ctx}: {compiled} compiled");
            assert_eq!(ei, ej, "{ctx}");
            assert_eq!(retired, ni, "{ctx}: retired");
            assert_eq!((hi.x, hi.f, hi.pc), (hj.x, hj.f, hj.pc), "{ctx}");
        }
    }
}
