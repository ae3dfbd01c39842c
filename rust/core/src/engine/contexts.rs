//! System mode: one block cache per code context.
//!
//! The meaning of the code at a virtual pc depends on how instruction
//! fetches translate (satp mode, root table, ASID) and on the privilege
//! fetching (the U bit decides whether a fetch faults): the board's
//! `CodeContext`. Each context has its own block cache, and with it its own
//! jump cache and compiled-code table, so neither a lookup nor compiled code
//! chaining through its table can reach a block decoded under another
//! context. The context changes only in the run loop (traps, mret/sret, CSR
//! writes), never while compiled code runs; the loop then swaps the
//! machine's cache for the new context's.
//!
//! Caches of contexts left behind are parked, not dropped: a kernel moving
//! between S and U, or between a few address spaces, finds its decoded and
//! compiled code again. Parked caches take every invalidation the active one
//! takes (stores to code pages, fence.i, sfence.vma, code-memory flushes).
//! Keeping one across a satp change relies on the rule that software
//! changing page tables for an ASID in use runs sfence.vma, which drops all
//! decoded code.

use super::block::{BlockCache, CacheStats};
use crate::system::CodeContext;

/// Parked caches kept at most; the least recently used goes first.
const MAX_PARKED: usize = 8;

#[derive(Default)]
pub struct Contexts {
    /// The context of the machine's active cache.
    active: CodeContext,
    /// Caches of other contexts, least recently used first.
    parked: Vec<(CodeContext, BlockCache)>,
}

impl Contexts {
    /// The context of the active cache.
    #[inline(always)]
    pub fn active(&self) -> CodeContext {
        self.active
    }

    /// Make `to` the active context: park `cache` (the active cache) and put
    /// `to`'s parked cache, or a new one, in its place. Statistics stay
    /// with the active cache, so the machine's counters keep counting.
    pub fn switch(&mut self, cache: &mut BlockCache, to: CodeContext) {
        let incoming = match self.parked.iter().position(|(c, _)| *c == to) {
            Some(i) => self.parked.remove(i).1,
            None => BlockCache::new(),
        };
        let mut outgoing = std::mem::replace(cache, incoming);
        // Compiled code is installed only into the active cache.
        outgoing.forget_queued();
        let counted = std::mem::take(&mut outgoing.stats);
        let own = std::mem::replace(&mut cache.stats, counted);
        cache.stats.absorb(own);
        if self.parked.len() == MAX_PARKED {
            let (_, oldest) = self.parked.remove(0);
            retire(oldest, &mut cache.stats);
        }
        self.parked.push((self.active, outgoing));
        self.active = to;
    }

    /// Drop the parked blocks with bytes in page `page`.
    pub fn invalidate_page(&mut self, page: u64) {
        for (_, cache) in &mut self.parked {
            cache.invalidate_page(page);
        }
    }

    /// Drop all parked caches; their counts go to `stats`.
    pub fn flush(&mut self, stats: &mut CacheStats) {
        for (_, cache) in self.parked.drain(..) {
            retire(cache, stats);
        }
    }

    /// Forget the compiled code of parked blocks (before the JIT frees it).
    pub fn drop_code(&mut self) {
        for (_, cache) in &mut self.parked {
            cache.drop_code();
        }
    }
}

/// Drop a parked cache, counting its blocks as invalidated into `stats`.
fn retire(mut cache: BlockCache, stats: &mut CacheStats) {
    cache.drop_code();
    cache.stats.blocks_invalidated += cache.len() as u64;
    stats.absorb(cache.stats);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::{Memory, Perms, Translation, TranslationMode};

    const CODE: u64 = 0x10000;

    /// The context of S mode under Sv39 with root table `root`.
    fn supervisor(root: u64) -> CodeContext {
        let t = Translation { mode: TranslationMode::Sv39, root, asid: 1, fetch_privilege: 1, ..Translation::BARE };
        CodeContext::of(&t)
    }

    fn memory() -> Memory {
        let mut mem = Memory::new();
        mem.map(CODE, 0x1000, Perms::RX, "code").unwrap();
        // addi a0, a0, 1; jal x0, 0
        mem.poke(CODE, &[0x13, 0x05, 0x15, 0x00, 0x6f, 0x00, 0x00, 0x00]).unwrap();
        mem
    }

    #[test]
    fn each_context_keeps_its_own_blocks() {
        let mut mem = memory();
        let (mut cache, mut contexts) = (BlockCache::new(), Contexts::default());
        cache.lookup(&mut mem, CODE).unwrap();
        contexts.switch(&mut cache, supervisor(0x1000));
        assert_eq!(contexts.active(), supervisor(0x1000));
        assert!(cache.is_empty());
        cache.lookup(&mut mem, CODE + 4).unwrap();
        contexts.switch(&mut cache, CodeContext::default());
        assert_eq!(cache.len(), 1);
        // The decodes of both contexts are counted by the active cache.
        assert_eq!(cache.stats.blocks_decoded, 2);
        contexts.switch(&mut cache, supervisor(0x1000));
        assert_eq!(cache.len(), 1);
        assert_ne!(supervisor(0x1000), supervisor(0x2000));
    }

    #[test]
    fn parked_caches_take_invalidations_and_flushes() {
        let mut mem = memory();
        let (mut cache, mut contexts) = (BlockCache::new(), Contexts::default());
        cache.lookup(&mut mem, CODE).unwrap();
        contexts.switch(&mut cache, supervisor(0x1000));
        contexts.invalidate_page(CODE >> 12);
        contexts.switch(&mut cache, CodeContext::default());
        assert!(cache.is_empty());
        assert_eq!(cache.stats.blocks_invalidated, 1);
        cache.lookup(&mut mem, CODE).unwrap();
        contexts.switch(&mut cache, supervisor(0x1000));
        let mut stats = CacheStats::default();
        contexts.flush(&mut stats);
        assert_eq!(stats.blocks_invalidated, 1);
        contexts.switch(&mut cache, CodeContext::default());
        assert!(cache.is_empty());
    }

    #[test]
    fn the_least_recently_used_context_goes_first() {
        let mut mem = memory();
        let (mut cache, mut contexts) = (BlockCache::new(), Contexts::default());
        for root in 1..=MAX_PARKED as u64 + 1 {
            cache.lookup(&mut mem, CODE).unwrap();
            contexts.switch(&mut cache, supervisor(root << 12));
        }
        assert_eq!(contexts.parked.len(), MAX_PARKED);
        // The first context (untranslated) was dropped; going back to it
        // drops the next oldest, and the one after is still kept.
        contexts.switch(&mut cache, CodeContext::default());
        assert!(cache.is_empty());
        contexts.switch(&mut cache, supervisor(2 << 12));
        assert_eq!(cache.len(), 1);
    }
}
