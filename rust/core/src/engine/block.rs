//! Basic blocks and the block cache shared by the execution tiers.

use std::collections::BTreeSet;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::hart::Exception;
use crate::jit::context::{table_slot, JitEntry, TABLE_SIZE};
use crate::isa::{self, Inst, Op};
use crate::mem::{MemFault, Memory, PAGE_MASK};

/// Most instructions in one block: bounds decode work on a miss and the
/// latency before the run loop sees a budget or an invalidation.
pub const MAX_BLOCK_INSTS: usize = 64;

/// A run of decoded instructions entered only at `start` and left only
/// after its last instruction (or by a trap).
#[derive(Debug)]
pub struct Block {
    pub start: u64,
    /// Shared with other machines' blocks decoded from the same image bytes.
    pub insts: Arc<[Inst]>,
    /// Page numbers the block's bytes lie in (one, or two when the last
    /// instruction straddles a page boundary), as memory tracks code pages:
    /// virtual in user mode, physical in system mode.
    pub pages: (u64, u64),
    /// The block starts at a breakpoint: the run loop stops before it, and
    /// it is never compiled (compiled code would chain into it).
    pub breakpoint: bool,
}

impl Block {
    /// The address just past the block's last instruction.
    pub fn end(&self) -> u64 {
        self.insts.iter().fold(self.start, |at, i| at.wrapping_add(i.len as u64))
    }
}

/// Decode the block starting at `pc`. A fetch fault on the first
/// instruction is returned; one further on ends the block early, so the
/// fault is raised only if execution gets there (and so is a request to
/// the host to fill the page: it is forgotten here). The block ends before
/// any pc in `breakpoints` other than its start, so that a breakpoint
/// always starts a block.
///
/// A block within one page that still reads its executable image in place
/// is the same for every machine mapping that image: it is taken from the
/// image when another machine decoded it already, and left there for the
/// others otherwise. Breakpoints cut blocks differently, so a machine with
/// any decodes its own.
pub fn translate(mem: &mut Memory, pc: u64, breakpoints: &BTreeSet<u64>) -> Result<Block, Exception> {
    // The first fetch checks the permission (and fills the fetch TLB)
    // whichever way the block is found.
    let first = fetch_decode(mem, pc).map_err(MemFault::exception)?;
    let shareable = breakpoints.is_empty();
    if shareable {
        if let Some(insts) = mem.pristine_code(pc).and_then(|(image, key)| image.decoded(key)) {
            let page = mem.mark_code_page(pc);
            return Ok(Block { start: pc, insts, pages: (page, page), breakpoint: false });
        }
    }
    let (insts, last_page) = decode_block(mem, pc, first, breakpoints);
    let insts: Arc<[Inst]> = insts.into();
    let first_page = pc >> 12;
    if shareable && last_page == first_page {
        if let Some((image, key)) = mem.pristine_code(pc) {
            image.remember(key, &insts);
        }
    }
    let first = mem.mark_code_page(pc);
    let last = if last_page != first_page { mem.mark_code_page(last_page << 12) } else { first };
    let breakpoint = breakpoints.contains(&pc);
    Ok(Block { start: pc, insts, pages: (first, last), breakpoint })
}

/// The instructions of the block at `pc`, whose first instruction is
/// `first`, and the guest page its last byte lies in.
fn decode_block(mem: &mut Memory, pc: u64, first: Inst, breakpoints: &BTreeSet<u64>) -> (Vec<Inst>, u64) {
    let mut insts = Vec::with_capacity(16);
    let mut at = pc;
    let first_page = pc >> 12;
    let mut last_page = first_page;
    let mut first = Some(first);
    while insts.len() < MAX_BLOCK_INSTS {
        let fetched = match first.take() {
            Some(i) => Ok(i),
            None => fetch_decode(mem, at),
        };
        let inst = match fetched {
            Ok(i) => i,
            Err(_) => {
                mem.clear_host_request();
                break;
            }
        };
        // CSR instructions run alone in their block, so that counters read
        // by them (instret) are exact at block granularity.
        if is_csr(inst.op) && !insts.is_empty() {
            break;
        }
        if !insts.is_empty() && !breakpoints.is_empty() && breakpoints.contains(&at) {
            break;
        }
        last_page = (at + inst.len as u64 - 1) >> 12;
        insts.push(inst);
        at = at.wrapping_add(inst.len as u64);
        if inst.ends_block() || at & PAGE_MASK == 0 || last_page != first_page {
            break;
        }
    }
    (insts, last_page)
}

fn is_csr(op: Op) -> bool {
    matches!(op, Op::Csrrw | Op::Csrrs | Op::Csrrc | Op::Csrrwi | Op::Csrrsi | Op::Csrrci)
}

fn fetch_decode(mem: &mut Memory, pc: u64) -> Result<Inst, MemFault> {
    let lo = mem.fetch_u16(pc)?;
    if isa::inst_len(lo) == 2 {
        return Ok(isa::decode(lo as u32));
    }
    let hi = mem.fetch_u16(pc.wrapping_add(2))?;
    Ok(isa::decode(lo as u32 | (hi as u32) << 16))
}

/// Where a block stands with the JIT tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Interpreted, run this many times so far.
    Interp(u32),
    /// Compiled: host address of its function.
    Compiled(u64),
    /// Hot, its region handed to the background compiler under this
    /// ticket; interpreted until the code is installed. Whatever drops the
    /// block or its code also drops this state, so a result whose block no
    /// longer says `Queued` with its ticket is stale.
    Queued(u64),
    /// The JIT cannot translate it: always interpreted.
    Unsupported,
}

/// Index of a block in the cache's arena.
pub type BlockId = u32;

const JUMP_CACHE_SIZE: usize = 4096;
/// Blocks the cache makes room for when it gets its first: about what a
/// small statically linked C program decodes in all (benches/guest's
/// intmix: 880).
const INITIAL_BLOCKS: usize = 1024;
const NO_BLOCK: BlockId = BlockId::MAX;

/// Decoded blocks by start pc, with a small direct-mapped jump cache in
/// front of the hash map.
pub struct BlockCache {
    blocks: Vec<Option<Block>>,
    free: Vec<BlockId>,
    // Keyed by guest addresses with a fast hash: a guest that makes its
    // own keys collide slows only itself.
    by_pc: FxHashMap<u64, BlockId>,
    by_page: FxHashMap<u64, Vec<BlockId>>,
    jump: Box<[(u64, BlockId)]>,
    /// Tier of each block, by id (parallel to `blocks`).
    tiers: Vec<Tier>,
    /// Compiled blocks by pc, for the dispatcher in generated code. Holds
    /// only code of live blocks: invalidation clears entries. Empty until
    /// the first block is compiled: an interpreted or idle machine never
    /// pays for its 128 KiB.
    jit_table: Box<[JitEntry]>,
    /// Guest pcs blocks must start at and the run loop stops before.
    breakpoints: BTreeSet<u64>,
    pub stats: CacheStats,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct CacheStats {
    pub lookups: u64,
    pub jump_cache_hits: u64,
    pub blocks_decoded: u64,
    pub blocks_invalidated: u64,
    pub flushes: u64,
    /// Compiled blocks whose code was dropped (invalidation or flush).
    pub code_invalidated: u64,
}

impl CacheStats {
    /// Add the counts of `other` to these.
    pub fn absorb(&mut self, other: CacheStats) {
        self.lookups += other.lookups;
        self.jump_cache_hits += other.jump_cache_hits;
        self.blocks_decoded += other.blocks_decoded;
        self.blocks_invalidated += other.blocks_invalidated;
        self.flushes += other.flushes;
        self.code_invalidated += other.code_invalidated;
    }
}

impl Default for BlockCache {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockCache {
    pub fn new() -> Self {
        BlockCache {
            blocks: Vec::new(),
            free: Vec::new(),
            by_pc: FxHashMap::default(),
            by_page: FxHashMap::default(),
            jump: Box::new([]),
            tiers: Vec::new(),
            jit_table: Box::new([]),
            breakpoints: BTreeSet::new(),
            stats: CacheStats::default(),
        }
    }

    #[inline(always)]
    fn slot(pc: u64) -> usize {
        ((pc >> 1) as usize) % JUMP_CACHE_SIZE
    }

    /// The block at `pc`, decoding it on a miss.
    #[inline]
    pub fn lookup(&mut self, mem: &mut Memory, pc: u64) -> Result<BlockId, Exception> {
        self.stats.lookups += 1;
        let slot = Self::slot(pc);
        if let Some(&(tag, id)) = self.jump.get(slot) {
            if tag == pc {
                self.stats.jump_cache_hits += 1;
                return Ok(id);
            }
        }
        let id = self.find_or_decode(mem, pc)?;
        if self.jump.is_empty() {
            // Allocated on first use: a machine that never runs (thousands
            // may sit idle) does not pay for it.
            self.jump = vec![(u64::MAX, NO_BLOCK); JUMP_CACHE_SIZE].into_boxed_slice();
        }
        self.jump[slot] = (pc, id);
        Ok(id)
    }

    /// The block at `pc`, decoding it on a miss, without counting a
    /// lookup or filling the jump cache (for looking ahead, not running).
    pub fn find_or_decode(&mut self, mem: &mut Memory, pc: u64) -> Result<BlockId, Exception> {
        match self.by_pc.get(&pc) {
            Some(&id) => Ok(id),
            None => Ok(self.insert(translate(mem, pc, &self.breakpoints)?)),
        }
    }

    #[inline(always)]
    pub fn get(&self, id: BlockId) -> &Block {
        self.blocks[id as usize].as_ref().expect("live block id")
    }

    fn insert(&mut self, block: Block) -> BlockId {
        self.stats.blocks_decoded += 1;
        if self.blocks.capacity() == 0 {
            // Room for a program's start-up at once: growing by doubling
            // would copy the arena and rehash the map several times on the
            // way, each copy into fresh memory.
            self.blocks.reserve(INITIAL_BLOCKS);
            self.tiers.reserve(INITIAL_BLOCKS);
            self.by_pc.reserve(INITIAL_BLOCKS);
        }
        let (p0, p1) = block.pages;
        let pc = block.start;
        // A block at a breakpoint always runs in the run loop's hands.
        let tier = if block.breakpoint { Tier::Unsupported } else { Tier::Interp(0) };
        let id = match self.free.pop() {
            Some(id) => {
                self.blocks[id as usize] = Some(block);
                self.tiers[id as usize] = tier;
                id
            }
            None => {
                self.blocks.push(Some(block));
                self.tiers.push(tier);
                (self.blocks.len() - 1) as BlockId
            }
        };
        self.by_pc.insert(pc, id);
        self.by_page.entry(p0).or_default().push(id);
        if p1 != p0 {
            self.by_page.entry(p1).or_default().push(id);
        }
        id
    }

    /// Drop every block with bytes in guest page `vpn`.
    pub fn invalidate_page(&mut self, vpn: u64) {
        let Some(ids) = self.by_page.remove(&vpn) else { return };
        for id in ids {
            self.drop_block(id, Some(vpn));
        }
    }

    /// Drop block `id` (if live) from every index; `listed_under` is a page
    /// whose list the caller already removed it from.
    fn drop_block(&mut self, id: BlockId, listed_under: Option<u64>) {
        let Some(block) = self.blocks[id as usize].take() else { return };
        self.stats.blocks_invalidated += 1;
        self.by_pc.remove(&block.start);
        let (p0, p1) = block.pages;
        for vpn in [p0, p1] {
            if Some(vpn) != listed_under {
                if let Some(v) = self.by_page.get_mut(&vpn) {
                    v.retain(|&b| b != id);
                }
            }
        }
        if let Some(e) = self.jump.get_mut(Self::slot(block.start)) {
            if e.1 == id {
                *e = (u64::MAX, NO_BLOCK);
            }
        }
        self.forget_code(id, block.start);
        self.tiers[id as usize] = Tier::Unsupported;
        self.free.push(id);
    }

    /// If block `id` (starting at `start`) has compiled code, unpublish it
    /// from the pc table, counted as invalidated.
    fn forget_code(&mut self, id: BlockId, start: u64) {
        if let Tier::Compiled(_) = self.tiers[id as usize] {
            self.stats.code_invalidated += 1;
            if let Some(e) = self.jit_table.get_mut(table_slot(start)) {
                if e.pc == start {
                    *e = JitEntry::EMPTY;
                }
            }
        }
    }

    /// Stop before the instruction at `pc` from now on; false when it was
    /// a breakpoint already. Only the blocks holding `pc` are dropped
    /// (with their compiled code): they are rebuilt split there.
    pub fn add_breakpoint(&mut self, pc: u64) -> bool {
        if !self.breakpoints.insert(pc) {
            return false;
        }
        self.drop_blocks_where(pc, |b| b.start <= pc && pc < b.end());
        // A compiled region holds copies of blocks of its head's page: one
        // may run across the new breakpoint, so the page's code goes too.
        self.drop_code_near(pc);
        true
    }

    /// Forget the breakpoint at `pc`; false when there was none. The block
    /// starting there and those ending there are dropped, so they can be
    /// rebuilt as one again.
    pub fn remove_breakpoint(&mut self, pc: u64) -> bool {
        if !self.breakpoints.remove(&pc) {
            return false;
        }
        self.drop_blocks_where(pc, |b| b.start == pc || b.end() == pc);
        true
    }

    /// Breakpoint pcs, in order.
    pub fn breakpoints(&self) -> impl Iterator<Item = u64> + '_ {
        self.breakpoints.iter().copied()
    }

    /// Drop the blocks near `pc` (on its page or the one before) that
    /// `affected` selects.
    fn drop_blocks_where(&mut self, pc: u64, affected: impl Fn(&Block) -> bool) {
        let pages = [pc >> 12, pc.wrapping_sub(1) >> 12];
        let mut ids: Vec<BlockId> = pages
            .iter()
            .filter_map(|vpn| self.by_page.get(vpn))
            .flatten()
            .copied()
            .filter(|&id| self.blocks[id as usize].as_ref().is_some_and(&affected))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.drop_block(id, None);
        }
    }

    /// Forget the compiled code of the blocks on `pc`'s page and the one
    /// before (they run interpreted until hot again).
    fn drop_code_near(&mut self, pc: u64) {
        let pages = [pc >> 12, pc.wrapping_sub(1) >> 12];
        let ids: Vec<BlockId> = pages.iter().filter_map(|vpn| self.by_page.get(vpn)).flatten().copied().collect();
        for id in ids {
            let Some(start) = self.blocks[id as usize].as_ref().map(|b| b.start) else { continue };
            match self.tiers[id as usize] {
                Tier::Compiled(_) => self.forget_code(id, start),
                // A region being compiled may run across the new breakpoint.
                Tier::Queued(_) => {}
                _ => continue,
            }
            self.tiers[id as usize] = Tier::Interp(0);
        }
    }

    /// Drop every block.
    pub fn flush(&mut self) {
        self.stats.flushes += 1;
        self.stats.blocks_invalidated += self.by_pc.len() as u64;
        self.drop_code();
        self.blocks.clear();
        self.tiers.clear();
        self.free.clear();
        self.by_pc.clear();
        self.by_page.clear();
        self.jump.fill((u64::MAX, NO_BLOCK));
    }

    /// The tier of block `id`.
    #[inline(always)]
    pub fn tier(&self, id: BlockId) -> Tier {
        self.tiers[id as usize]
    }

    /// The tier of block `id`, None when no block has that id (any more).
    pub fn live_tier(&self, id: BlockId) -> Option<Tier> {
        self.blocks.get(id as usize)?.as_ref()?;
        self.tiers.get(id as usize).copied()
    }

    #[inline(always)]
    pub fn set_tier(&mut self, id: BlockId, tier: Tier) {
        self.tiers[id as usize] = tier;
    }

    /// Make compiled block `id` (with code at `code`) the table's entry for
    /// its pc, so the dispatcher finds it.
    #[inline]
    pub fn publish(&mut self, id: BlockId, code: u64) {
        let b = self.get(id);
        let (pc, n) = (b.start, b.insts.len() as u64);
        let e = &mut self.jit_table_mut()[table_slot(pc)];
        if e.pc != pc || e.code != code {
            *e = JitEntry::new(pc, code, n);
        }
    }

    /// The pc table for compiled code (stable address).
    pub fn jit_table(&mut self) -> *const JitEntry {
        self.jit_table_mut().as_ptr()
    }

    fn jit_table_mut(&mut self) -> &mut [JitEntry] {
        if self.jit_table.is_empty() {
            self.jit_table = vec![JitEntry::EMPTY; TABLE_SIZE].into_boxed_slice();
        }
        &mut self.jit_table
    }

    /// Forget all compiled code (before the JIT frees its memory), and
    /// the compiles still pending: blocks go back to the interpreter and
    /// count towards compiling again.
    pub fn drop_code(&mut self) {
        for t in self.tiers.iter_mut() {
            match t {
                Tier::Compiled(_) => self.stats.code_invalidated += 1,
                Tier::Queued(_) => {}
                _ => continue,
            }
            *t = Tier::Interp(0);
        }
        self.jit_table.fill(JitEntry::EMPTY);
    }

    /// Forget the compiles still pending (their results will be thrown
    /// away): those blocks count towards compiling again.
    pub fn forget_queued(&mut self) {
        for t in self.tiers.iter_mut() {
            if let Tier::Queued(_) = t {
                *t = Tier::Interp(0);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.by_pc.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_pc.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::{Backing, Image, Perms, PAGE_SIZE};

    const CODE: u64 = 0x10000;
    /// addi x1, x1, 1
    const ADDI: u32 = 0x0010_8093;
    /// addi x2, x2, 2
    const ADDI_X2: u32 = 0x0021_0113;
    /// jal x0, 0
    const JAL: u32 = 0x0000_006f;

    /// A page of code: three addi and a jump, then zeros.
    fn image() -> Arc<Image> {
        let mut bytes = vec![0u8; PAGE_SIZE as usize];
        for (k, w) in [ADDI, ADDI, ADDI, JAL].iter().enumerate() {
            bytes[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
        }
        Image::new(&bytes)
    }

    fn machine(image: &Arc<Image>, perms: Perms) -> (Memory, BlockCache) {
        let mut mem = Memory::new();
        let backing = Backing { data: image.clone(), offset: 0, len: PAGE_SIZE as usize };
        mem.map_backed(CODE, PAGE_SIZE, perms, "prog", backing).unwrap();
        (mem, BlockCache::new())
    }

    fn block_at(mem: &mut Memory, cache: &mut BlockCache, pc: u64) -> Arc<[Inst]> {
        let id = cache.lookup(mem, pc).unwrap();
        cache.get(id).insts.clone()
    }

    #[test]
    fn machines_on_one_image_share_its_decoded_blocks() {
        let image = image();
        let (mut m1, mut c1) = machine(&image, Perms::RX);
        let (mut m2, mut c2) = machine(&image, Perms::RX);
        let a = block_at(&mut m1, &mut c1, CODE);
        let b = block_at(&mut m2, &mut c2, CODE);
        assert_eq!(a.len(), 4);
        assert!(Arc::ptr_eq(&a, &b));
        // Each machine still counts its own decode and tracks its own page.
        assert_eq!((c1.stats.blocks_decoded, c2.stats.blocks_decoded), (1, 1));
        assert!(!m2.has_dirty_code());
        m2.poke(CODE, &ADDI_X2.to_le_bytes()).unwrap();
        assert_eq!(m2.take_dirty_code_pages(), vec![CODE >> 12]);
        assert!(!m1.has_dirty_code());
    }

    #[test]
    fn a_machine_that_wrote_its_code_page_decodes_its_own_bytes() {
        let image = image();
        let (mut m1, mut c1) = machine(&image, Perms::RWX);
        let (mut m2, mut c2) = machine(&image, Perms::RWX);
        let shared = block_at(&mut m1, &mut c1, CODE);
        // Written before its first run there...
        m2.write_u32(CODE + 4, ADDI_X2).unwrap();
        let own = block_at(&mut m2, &mut c2, CODE);
        assert!(!Arc::ptr_eq(&shared, &own));
        assert_eq!(own[1].op, Op::Addi);
        assert_eq!((own[1].rd, own[1].imm), (2, 2));
        // ...or after it: the write drops the block, which is decoded again
        // from the machine's copy, while the image keeps its bytes.
        m1.write_u32(CODE + 8, ADDI_X2).unwrap();
        for page in m1.take_dirty_code_pages() {
            c1.invalidate_page(page);
        }
        let again = block_at(&mut m1, &mut c1, CODE);
        assert_eq!((again[2].rd, again[2].imm), (2, 2));
        assert_eq!((shared[2].rd, shared[2].imm), (1, 1));
        let (mut m3, mut c3) = machine(&image, Perms::RX);
        assert!(Arc::ptr_eq(&shared, &block_at(&mut m3, &mut c3, CODE)));
    }

    #[test]
    fn a_breakpoint_cuts_only_its_own_machines_block() {
        let image = image();
        let (mut m1, mut c1) = machine(&image, Perms::RX);
        let (mut m2, mut c2) = machine(&image, Perms::RX);
        c2.add_breakpoint(CODE + 8);
        assert_eq!(block_at(&mut m2, &mut c2, CODE).len(), 2);
        assert_eq!(block_at(&mut m1, &mut c1, CODE).len(), 4);
        assert_eq!(block_at(&mut m2, &mut c2, CODE + 8).len(), 2);
    }

    #[test]
    fn a_page_without_execute_permission_faults_even_when_shared() {
        let image = image();
        let (mut m1, mut c1) = machine(&image, Perms::RX);
        let (mut m2, mut c2) = machine(&image, Perms::R);
        block_at(&mut m1, &mut c1, CODE);
        assert_eq!(c2.lookup(&mut m2, CODE).unwrap_err(), Exception::InstructionPageFault(CODE));
    }
}
