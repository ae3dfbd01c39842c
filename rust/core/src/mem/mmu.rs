//! System mode address translation: Bare, Sv39 and Sv48 page-table walks
//! in guest physical memory (privileged spec 1.12, sections 4.3 to 4.5).
//!
//! Accessed and dirty bits follow Svade: a leaf whose A bit is clear, or a
//! store to a leaf whose D bit is clear, raises a page fault and software
//! sets the bits. The walk therefore never writes page tables, and a TLB
//! entry for stores exists only for pages already marked dirty.

use super::walk_cache::Leaf;
use super::{Access, FaultKind, MemFault, Memory, PAGE_SIZE};

/// The `satp.MODE` values this hart implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranslationMode {
    Bare,
    Sv39,
    Sv48,
}

impl TranslationMode {
    /// Levels of the page table.
    pub(super) fn levels(self) -> u32 {
        match self {
            TranslationMode::Bare => 0,
            TranslationMode::Sv39 => 3,
            TranslationMode::Sv48 => 4,
        }
    }
}

/// Everything that decides how a virtual address translates, as set by the
/// privileged state (satp, mstatus, the current privilege).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation {
    pub mode: TranslationMode,
    /// Physical address of the root page table (`satp.PPN << 12`).
    pub root: u64,
    pub asid: u16,
    /// Privilege of instruction fetches: 0 user, 1 supervisor, 3 machine.
    pub fetch_privilege: u8,
    /// Privilege of loads and stores (`mstatus.MPP` under MPRV).
    pub data_privilege: u8,
    /// `mstatus.SUM`: supervisor loads and stores may touch user pages.
    pub sum: bool,
    /// `mstatus.MXR`: loads may read execute-only pages.
    pub mxr: bool,
}

impl Translation {
    /// Machine mode with paging off: every address is physical.
    pub const BARE: Translation = Translation {
        mode: TranslationMode::Bare,
        root: 0,
        asid: 0,
        fetch_privilege: 3,
        data_privilege: 3,
        sum: false,
        mxr: false,
    };
}

const PRIV_USER: u8 = 0;
const PRIV_MACHINE: u8 = 3;

// Page-table entry bits (privileged spec 4.3.1, figure 4.18).
const PTE_V: u64 = 1 << 0;
const PTE_R: u64 = 1 << 1;
const PTE_W: u64 = 1 << 2;
const PTE_X: u64 = 1 << 3;
const PTE_U: u64 = 1 << 4;
const PTE_A: u64 = 1 << 6;
const PTE_D: u64 = 1 << 7;
/// Bits 63:54: Svnapot, Svpbmt and reserved bits. None of these extensions
/// is implemented, so a leaf with any of them set is a page fault.
const PTE_HIGH: u64 = 0x3ff << 54;
const PPN_BITS: u64 = 44;

/// PTE.G: a mapping present in every address space.
const PTE_G: u64 = 1 << 5;

impl Memory {
    /// Physical address of virtual `addr` for `access` under translation
    /// `t`: from the second-level TLB when it holds the leaf, else by a
    /// page walk whose leaf it then keeps. A cached leaf that denies the
    /// access is walked again, so a fault always reflects the page table
    /// in memory (software fixing a PTE after a fault need not fence).
    pub(super) fn translate(&mut self, addr: u64, access: Access, t: &Translation) -> Result<u64, MemFault> {
        let privilege = if access == Access::Fetch { t.fetch_privilege } else { t.data_privilege };
        let levels = t.mode.levels();
        if privilege == PRIV_MACHINE || levels == 0 {
            return Ok(addr);
        }
        let page_fault = MemFault { addr, access, kind: FaultKind::Protection };
        // Virtual addresses must be sign-extended from their top bit
        // (4.4.1: otherwise a page fault).
        let va_bits = 12 + 9 * levels;
        let top = (addr as i64) >> (va_bits - 1);
        if top != 0 && top != -1 {
            return Err(page_fault);
        }
        let Some(bus) = self.system.as_mut() else { return Err(page_fault) };
        match bus.walk_cache.lookup(addr, t.mode, t.asid) {
            Some(leaf) => {
                self.tlb_stats.l2_hits += 1;
                if let Some(pa) = check_leaf(addr, access, t, privilege, leaf) {
                    return Ok(pa);
                }
                bus.walk_cache.remove(addr, t.mode, t.asid);
            }
            None => self.tlb_stats.l2_misses += 1,
        }
        self.tlb_stats.walks += 1;
        let leaf = self.walk(addr, access, t)?;
        if let Some(bus) = self.system.as_mut() {
            bus.walk_cache.insert(addr, t.mode, t.asid, leaf, leaf.pte & PTE_G != 0);
        }
        check_leaf(addr, access, t, privilege, leaf).ok_or(page_fault)
    }

    /// Walk the page table of `t` for `addr` down to a well-formed leaf
    /// (privileged spec 4.3.2 steps 1 to 4 and 6); permissions are
    /// `check_leaf`'s.
    fn walk(&mut self, addr: u64, access: Access, t: &Translation) -> Result<Leaf, MemFault> {
        let page_fault = MemFault { addr, access, kind: FaultKind::Protection };
        // Step 1: a = satp.ppn * PAGESIZE, i = LEVELS - 1.
        let mut table = t.root;
        let mut level = t.mode.levels() - 1;
        loop {
            // Step 2: read the PTE at a + va.vpn[i] * PTESIZE. A PTE outside
            // RAM is an access fault of the original access type.
            let vpn = (addr >> (12 + 9 * level)) & 0x1ff;
            let pte_addr = table + vpn * 8;
            let pte = self.phys_u64(pte_addr).ok_or(MemFault { addr, access, kind: FaultKind::Physical })?;
            // Step 3: invalid, or writable without readable: page fault.
            if pte & PTE_V == 0 || (pte & PTE_R == 0 && pte & PTE_W != 0) || pte & PTE_HIGH != 0 {
                return Err(page_fault);
            }
            let ppn = (pte >> 10) & ((1 << PPN_BITS) - 1);
            // Step 4: a pointer to the next level.
            if pte & (PTE_R | PTE_X) == 0 {
                if level == 0 {
                    return Err(page_fault);
                }
                level -= 1;
                table = ppn * PAGE_SIZE;
                continue;
            }
            // Step 6: a superpage must be aligned to its size.
            let low_ppn_mask = (1u64 << (9 * level)) - 1;
            if ppn & low_ppn_mask != 0 {
                return Err(page_fault);
            }
            return Ok(Leaf { pte, level });
        }
    }
}

/// The physical address of `addr` through `leaf` when the leaf allows
/// `access` at `privilege` (4.3.2 steps 5, 7 and 8), None for a page fault.
fn check_leaf(addr: u64, access: Access, t: &Translation, privilege: u8, leaf: Leaf) -> Option<u64> {
    let pte = leaf.pte;
    // Step 5: the leaf's permissions.
    let allowed = match access {
        Access::Fetch => pte & PTE_X != 0,
        Access::Read => pte & PTE_R != 0 || (t.mxr && pte & PTE_X != 0),
        Access::Write => pte & PTE_W != 0,
    };
    let user_page = pte & PTE_U != 0;
    let privilege_ok = if privilege == PRIV_USER {
        user_page
    } else {
        // Supervisor: never executes user pages; touches them only with
        // SUM set.
        !user_page || (access != Access::Fetch && t.sum)
    };
    // Step 7 (Svade): A and D are set by software.
    let accessed = pte & PTE_A != 0 && (access != Access::Write || pte & PTE_D != 0);
    if !allowed || !privilege_ok || !accessed {
        return None;
    }
    // Step 8: the low vpn fields of a superpage come from the address.
    let ppn = (pte >> 10) & ((1 << PPN_BITS) - 1);
    let page_offset_mask = (1u64 << (12 + 9 * leaf.level)) - 1;
    Some(((ppn * PAGE_SIZE) & !page_offset_mask) | (addr & page_offset_mask))
}
