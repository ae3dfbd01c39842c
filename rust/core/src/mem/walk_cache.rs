//! The second-level TLB of system mode: leaf PTEs found by page walks,
//! tagged by translation mode, ASID and page size, so that coming back to
//! an address space (a satp switch, a privilege change that flushed the
//! first-level host-pointer TLBs) refills without walking the page tables.
//!
//! Global leaves (PTE.G) are tagged with no ASID and match every ASID.
//! `flush` drops exactly what sfence.vma must (privileged spec 4.2.1).
//! Entries hold the leaf as it was read; permissions, A and D are checked
//! on every use, against the privilege of that access.

use super::mmu::TranslationMode;

/// Direct-mapped: a power of two.
const ENTRIES: usize = 2048;
/// The ASID tag of global leaves (ASIDs are 16 bits).
const GLOBAL: u32 = 1 << 16;
/// Levels of Sv48, the deepest mode.
const MAX_LEVELS: u32 = 4;

#[derive(Clone, Copy)]
struct Entry {
    /// `vpn_of` the addresses the leaf translates.
    vpn: u64,
    /// An ASID, or GLOBAL.
    space: u32,
    /// 0 for 4 KiB pages, 1 for megapages, ... ; `EMPTY` when unused.
    level: u8,
    mode: TranslationMode,
    pte: u64,
}

const EMPTY: u8 = u8::MAX;

/// A leaf found in the cache: its PTE and level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub pte: u64,
    pub level: u32,
}

/// What an sfence.vma invalidates: its rs1 (an address, or all when x0)
/// and its rs2 (an ASID, or all when x0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fence {
    pub addr: Option<u64>,
    pub asid: Option<u16>,
}

impl Fence {
    pub const ALL: Fence = Fence { addr: None, asid: None };
}

pub struct WalkCache {
    entries: Box<[Entry; ENTRIES]>,
    /// Bit `l` set when some entry of level `l` may be present: lookups
    /// skip the page sizes nobody maps.
    levels_used: u8,
}

fn slot(vpn: u64, level: u32, space: u32) -> usize {
    let h = (vpn ^ (level as u64) << 40 ^ (space as u64) << 20).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 53) as usize % ENTRIES
}

impl WalkCache {
    pub fn new() -> Self {
        let empty = Entry { vpn: 0, space: 0, level: EMPTY, mode: TranslationMode::Bare, pte: 0 };
        WalkCache { entries: Box::new([empty; ENTRIES]), levels_used: 0 }
    }

    /// The cached leaf translating `addr` in address space `asid` of `mode`.
    pub fn lookup(&self, addr: u64, mode: TranslationMode, asid: u16) -> Option<Leaf> {
        for level in 0..MAX_LEVELS {
            if self.levels_used >> level & 1 == 0 {
                continue;
            }
            let vpn = vpn_of(addr, mode, level);
            for space in [asid as u32, GLOBAL] {
                let e = &self.entries[slot(vpn, level, space)];
                if e.level as u32 == level && e.vpn == vpn && e.space == space && e.mode == mode {
                    return Some(Leaf { pte: e.pte, level });
                }
            }
        }
        None
    }

    /// Remember `leaf`, found for `addr` in space `asid` of `mode`.
    pub fn insert(&mut self, addr: u64, mode: TranslationMode, asid: u16, leaf: Leaf, global: bool) {
        let vpn = vpn_of(addr, mode, leaf.level);
        let space = if global { GLOBAL } else { asid as u32 };
        self.entries[slot(vpn, leaf.level, space)] = Entry { vpn, space, level: leaf.level as u8, mode, pte: leaf.pte };
        self.levels_used |= 1 << leaf.level;
    }

    /// Forget the leaf `lookup` would return for these arguments.
    pub fn remove(&mut self, addr: u64, mode: TranslationMode, asid: u16) {
        for level in 0..MAX_LEVELS {
            let vpn = vpn_of(addr, mode, level);
            for space in [asid as u32, GLOBAL] {
                let e = &mut self.entries[slot(vpn, level, space)];
                if e.level as u32 == level && e.vpn == vpn && e.space == space && e.mode == mode {
                    e.level = EMPTY;
                }
            }
        }
    }

    /// sfence.vma: drop the leaves translating `fence.addr` (all when
    /// None) in space `fence.asid` (all when None). A fence naming an ASID
    /// keeps global leaves.
    pub fn flush(&mut self, fence: Fence) {
        if fence == Fence::ALL {
            self.entries.iter_mut().for_each(|e| e.level = EMPTY);
            self.levels_used = 0;
            return;
        }
        for e in self.entries.iter_mut() {
            if e.level == EMPTY {
                continue;
            }
            let space_hit = match fence.asid {
                None => true,
                Some(a) => e.space == a as u32,
            };
            let addr_hit = match fence.addr {
                None => true,
                Some(va) => vpn_of(va, e.mode, e.level as u32) == e.vpn,
            };
            if space_hit && addr_hit {
                e.level = EMPTY;
            }
        }
    }
}

/// The page number of `addr` for a level-`level` leaf of `mode`, without
/// the address's sign-extension bits (sfence.vma may name any address).
fn vpn_of(addr: u64, mode: TranslationMode, level: u32) -> u64 {
    let va_bits = match mode {
        TranslationMode::Sv48 => 48,
        _ => 39,
    };
    let shift = 12 + 9 * level;
    (addr >> shift) & ((1u64 << (va_bits - shift)) - 1)
}

impl Default for WalkCache {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TranslationMode::{Sv39, Sv48};

    const PAGE: u64 = 0x4000_0000;
    const MEGA: u64 = 0x4020_0000;

    fn leaf(pte: u64, level: u32) -> Leaf {
        Leaf { pte, level }
    }

    /// Space 1 maps PAGE, space 2 maps PAGE and a megapage at MEGA, and a
    /// global gigapage covers the high half of Sv39.
    fn filled() -> WalkCache {
        let mut c = WalkCache::new();
        c.insert(PAGE, Sv39, 1, leaf(0x100, 0), false);
        c.insert(PAGE, Sv39, 2, leaf(0x200, 0), false);
        c.insert(MEGA + 0x1234, Sv39, 2, leaf(0x300, 1), false);
        c.insert(0xffff_ffc0_0000_0000, Sv39, 1, leaf(0x400, 2), true);
        c
    }

    fn pte(c: &WalkCache, addr: u64, asid: u16) -> Option<u64> {
        c.lookup(addr, Sv39, asid).map(|l| l.pte)
    }

    #[test]
    fn tagged_by_asid_mode_and_page_size() {
        let c = filled();
        assert_eq!(pte(&c, PAGE + 0xfff, 1), Some(0x100));
        assert_eq!(pte(&c, PAGE, 2), Some(0x200));
        assert_eq!(pte(&c, PAGE, 3), None);
        assert_eq!(pte(&c, PAGE + 0x1000, 1), None);
        assert_eq!(c.lookup(MEGA + 0x1f_ffff, Sv39, 2), Some(leaf(0x300, 1)));
        assert_eq!(pte(&c, MEGA, 1), None);
        assert_eq!(pte(&c, 0xffff_ffc0_1234_5000, 77), Some(0x400), "global");
        assert_eq!(c.lookup(PAGE, Sv48, 1), None, "another mode");
    }

    #[test]
    fn fence_by_asid_keeps_globals_and_other_spaces() {
        let mut c = filled();
        c.flush(Fence { addr: None, asid: Some(2) });
        assert_eq!(pte(&c, PAGE, 2), None);
        assert_eq!(pte(&c, MEGA, 2), None);
        assert_eq!(pte(&c, PAGE, 1), Some(0x100));
        assert_eq!(pte(&c, 0xffff_ffc0_0000_0000, 2), Some(0x400));
    }

    #[test]
    fn fence_by_address_reaches_every_asid_and_superpages() {
        let mut c = filled();
        c.flush(Fence { addr: Some(PAGE + 0x800), asid: None });
        assert_eq!(pte(&c, PAGE, 1), None);
        assert_eq!(pte(&c, PAGE, 2), None);
        assert_eq!(pte(&c, MEGA, 2), Some(0x300));
        // Any address inside a megapage drops it.
        c.flush(Fence { addr: Some(MEGA + 0x1f_f000), asid: None });
        assert_eq!(pte(&c, MEGA, 2), None);
        // A global leaf goes too, named by a sign-extended address.
        c.flush(Fence { addr: Some(0xffff_ffc0_0abc_0000), asid: None });
        assert_eq!(pte(&c, 0xffff_ffc0_0000_0000, 1), None);
    }

    #[test]
    fn fence_by_address_and_asid() {
        let mut c = filled();
        c.flush(Fence { addr: Some(PAGE), asid: Some(1) });
        assert_eq!(pte(&c, PAGE, 1), None);
        assert_eq!(pte(&c, PAGE, 2), Some(0x200));
        c.flush(Fence { addr: Some(0xffff_ffc0_0000_0000), asid: Some(1) });
        assert_eq!(pte(&c, 0xffff_ffc0_0000_0000, 1), Some(0x400), "global kept");
    }

    #[test]
    fn fence_all_and_remove() {
        let mut c = filled();
        c.remove(PAGE, Sv39, 2);
        assert_eq!(pte(&c, PAGE, 2), None);
        assert_eq!(pte(&c, PAGE, 1), Some(0x100));
        c.flush(Fence::ALL);
        assert_eq!(pte(&c, PAGE, 1), None);
        assert_eq!(pte(&c, 0xffff_ffc0_0000_0000, 1), None);
        assert_eq!(c.levels_used, 0);
    }
}
