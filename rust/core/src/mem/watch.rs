//! Watchpoints: guest ranges whose loads and stores stop the run.
//!
//! Pages a watched range overlaps never enter the read or write TLB, so
//! accesses to them, and only to them, take the slow path where the range
//! check is made; compiled code leaves on such a TLB miss and the
//! interpreter makes the access. An access that touches a watched range
//! with a watched kind does not happen: it fails, with the hit recorded for
//! the run loop, which stops before the instruction (engine::hooks).
//!
//! Only the guest's own loads and stores are watched (`read_u8`..`write_u64`),
//! not the copies the emulated kernel makes for syscalls (`read_bytes`,
//! `write_bytes`, `read_cstr`, `kernel_read_u8`), nor instruction fetch.

use super::{tlb, Access, FaultKind, MapError, MemFault, Memory, ADDRESS_LIMIT};

/// One watched range `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watchpoint {
    pub id: u64,
    pub start: u64,
    pub end: u64,
    pub read: bool,
    pub write: bool,
}

impl Watchpoint {
    fn overlaps_page(&self, vpn: u64) -> bool {
        self.start >> 12 <= vpn && vpn <= (self.end - 1) >> 12
    }
}

/// An access that touched a watched range: the `size`-byte `access` at
/// `addr`, with `value` the bytes it reads (as memory holds them now) or
/// writes, little-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchHit {
    pub id: u64,
    pub addr: u64,
    pub size: u64,
    pub access: Access,
    pub value: u64,
}

#[derive(Default)]
pub(super) struct Watchpoints {
    list: Vec<Watchpoint>,
    next_id: u64,
    hit: Option<WatchHit>,
    /// Set while the run loop executes an instruction whose access was
    /// reported already, so that it goes through.
    suppressed: bool,
}

impl Watchpoints {
    #[inline(always)]
    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// True when a watched range overlaps page `vpn`: it stays out of the
    /// read and write TLBs.
    pub(super) fn covers_page(&self, vpn: u64) -> bool {
        self.list.iter().any(|w| w.overlaps_page(vpn))
    }
}

impl Memory {
    /// Watch `[start, start+len)` for guest loads (`read`) and/or stores
    /// (`write`); the watchpoint's id.
    pub fn add_watchpoint(&mut self, start: u64, len: u64, read: bool, write: bool) -> Result<u64, MapError> {
        let end = start.checked_add(len).filter(|&e| e <= ADDRESS_LIMIT && len > 0).ok_or(MapError::OutOfRange)?;
        let w = &mut self.watchpoints;
        w.next_id += 1;
        let id = w.next_id;
        w.list.push(Watchpoint { id, start, end, read, write });
        let (first, last) = (start >> 12, (end - 1) >> 12);
        self.shared_flushes += 1;
        if last - first >= tlb::ENTRIES as u64 {
            self.read_tlb.flush_all();
            self.write_tlb.flush_all();
        } else {
            for vpn in first..=last {
                self.read_tlb.flush_page(vpn);
                self.write_tlb.flush_page(vpn);
            }
        }
        Ok(id)
    }

    /// Stop watching watchpoint `id`; false when there is none. Its pages
    /// enter the TLBs again on their next miss.
    pub fn remove_watchpoint(&mut self, id: u64) -> bool {
        let w = &mut self.watchpoints;
        let before = w.list.len();
        w.list.retain(|w| w.id != id);
        w.list.len() != before
    }

    /// Watched ranges in the order they were added.
    pub fn watchpoints(&self) -> &[Watchpoint] {
        &self.watchpoints.list
    }

    /// Forget every watchpoint (a forked child runs without hooks).
    pub fn clear_watchpoints(&mut self) {
        self.watchpoints.list.clear();
        self.watchpoints.hit = None;
    }

    /// The hit that made the last guest access fail, if one did.
    pub fn take_watchpoint_hit(&mut self) -> Option<WatchHit> {
        self.watchpoints.hit.take()
    }

    /// While set, watched accesses go through (the run loop re-executing
    /// an instruction whose access it reported).
    pub fn suppress_watchpoints(&mut self, on: bool) {
        self.watchpoints.suppressed = on;
    }

    /// Check a guest access about to be made with the watchpoints: a hit
    /// is recorded and returned as a fault that only carries it (the run
    /// loop reads the hit, not the fault).
    pub(super) fn watch_access(&mut self, addr: u64, bytes: &[u8], access: Access) -> Result<(), MemFault> {
        let w = &mut self.watchpoints;
        if w.suppressed {
            return Ok(());
        }
        let end = addr.saturating_add(bytes.len() as u64);
        let wanted = |p: &Watchpoint| if access == Access::Write { p.write } else { p.read };
        let Some(p) = w.list.iter().find(|p| p.start < end && addr < p.end && wanted(p)) else {
            return Ok(());
        };
        let mut v = [0u8; 8];
        let n = bytes.len().min(8);
        v[..n].copy_from_slice(&bytes[..n]);
        let value = u64::from_le_bytes(v);
        w.hit = Some(WatchHit { id: p.id, addr, size: bytes.len() as u64, access, value });
        Err(MemFault { addr, access, kind: FaultKind::Protection })
    }
}
