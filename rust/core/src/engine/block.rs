//! Basic blocks and the block cache shared by the execution tiers.

use std::collections::HashMap;

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
    pub insts: Box<[Inst]>,
    /// Guest page numbers the block's bytes lie in (one, or two when the
    /// last instruction straddles a page boundary).
    pub pages: (u64, u64),
}

/// Decode the block starting at `pc`. A fetch fault on the first
/// instruction is returned; one further on ends the block early, so the
/// fault is raised only if execution gets there.
pub fn translate(mem: &mut Memory, pc: u64) -> Result<Block, Exception> {
    let mut insts = Vec::with_capacity(16);
    let mut at = pc;
    let first_page = pc >> 12;
    let mut last_page = first_page;
    while insts.len() < MAX_BLOCK_INSTS {
        let inst = match fetch_decode(mem, at) {
            Ok(i) => i,
            Err(f) if insts.is_empty() => return Err(f.exception()),
            Err(_) => break,
        };
        // CSR instructions run alone in their block, so that counters read
        // by them (instret) are exact at block granularity.
        if is_csr(inst.op) && !insts.is_empty() {
            break;
        }
        last_page = (at + inst.len as u64 - 1) >> 12;
        insts.push(inst);
        at = at.wrapping_add(inst.len as u64);
        if inst.ends_block() || at & PAGE_MASK == 0 || last_page != first_page {
            break;
        }
    }
    mem.mark_code_page(pc);
    if last_page != first_page {
        mem.mark_code_page(last_page << 12);
    }
    Ok(Block { start: pc, insts: insts.into_boxed_slice(), pages: (first_page, last_page) })
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
    /// The JIT cannot translate it: always interpreted.
    Unsupported,
}

/// Index of a block in the cache's arena.
pub type BlockId = u32;

const JUMP_CACHE_SIZE: usize = 4096;
const NO_BLOCK: BlockId = BlockId::MAX;

/// Decoded blocks by start pc, with a small direct-mapped jump cache in
/// front of the hash map.
pub struct BlockCache {
    blocks: Vec<Option<Block>>,
    free: Vec<BlockId>,
    by_pc: HashMap<u64, BlockId>,
    by_page: HashMap<u64, Vec<BlockId>>,
    jump: Box<[(u64, BlockId)]>,
    /// Tier of each block, by id (parallel to `blocks`).
    tiers: Vec<Tier>,
    /// Compiled blocks by pc, for the dispatcher in generated code. Holds
    /// only code of live blocks: invalidation clears entries.
    jit_table: Box<[JitEntry]>,
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
            by_pc: HashMap::new(),
            by_page: HashMap::new(),
            jump: Box::new([]),
            tiers: Vec::new(),
            jit_table: vec![JitEntry::EMPTY; TABLE_SIZE].into_boxed_slice(),
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
            None => Ok(self.insert(translate(mem, pc)?)),
        }
    }

    #[inline(always)]
    pub fn get(&self, id: BlockId) -> &Block {
        self.blocks[id as usize].as_ref().expect("live block id")
    }

    fn insert(&mut self, block: Block) -> BlockId {
        self.stats.blocks_decoded += 1;
        let (p0, p1) = block.pages;
        let pc = block.start;
        let id = match self.free.pop() {
            Some(id) => {
                self.blocks[id as usize] = Some(block);
                self.tiers[id as usize] = Tier::Interp(0);
                id
            }
            None => {
                self.blocks.push(Some(block));
                self.tiers.push(Tier::Interp(0));
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
            let Some(block) = self.blocks[id as usize].take() else { continue };
            self.stats.blocks_invalidated += 1;
            self.by_pc.remove(&block.start);
            let other = if block.pages.0 == vpn { block.pages.1 } else { block.pages.0 };
            if other != vpn {
                if let Some(v) = self.by_page.get_mut(&other) {
                    v.retain(|&b| b != id);
                }
            }
            if let Some(e) = self.jump.get_mut(Self::slot(block.start)) {
                if e.1 == id {
                    *e = (u64::MAX, NO_BLOCK);
                }
            }
            if let Tier::Compiled(_) = self.tiers[id as usize] {
                self.stats.code_invalidated += 1;
                let e = &mut self.jit_table[table_slot(block.start)];
                if e.pc == block.start {
                    *e = JitEntry::EMPTY;
                }
            }
            self.tiers[id as usize] = Tier::Unsupported;
            self.free.push(id);
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
        let e = &mut self.jit_table[table_slot(pc)];
        if e.pc != pc || e.code != code {
            *e = JitEntry::new(pc, code, n);
        }
    }

    /// The pc table for compiled code (stable address).
    pub fn jit_table(&self) -> *const JitEntry {
        self.jit_table.as_ptr()
    }

    /// Forget all compiled code (before the JIT frees its memory): blocks
    /// go back to the interpreter and count towards compiling again.
    pub fn drop_code(&mut self) {
        for t in self.tiers.iter_mut() {
            if let Tier::Compiled(_) = t {
                self.stats.code_invalidated += 1;
                *t = Tier::Interp(0);
            }
        }
        self.jit_table.fill(JitEntry::EMPTY);
    }

    pub fn len(&self) -> usize {
        self.by_pc.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_pc.is_empty()
    }
}
