//! Guest memory: a sparse, page-granular address space with per-page
//! permissions, reserved lazily, with a software TLB in front.
//!
//! Mappings are kept as regions (what the guest asked for, with
//! permissions and a name for /proc/self/maps); the 4 KiB host pages behind
//! them are allocated on first touch, so a guest that touches 1 MiB costs
//! about 1 MiB whatever it mapped. A page wholly inside the file bytes of a
//! backed region (an executable's code and read-only data) is read and
//! fetched in place from the shared image, until the first write to it
//! gives the machine its own copy. Each access kind (read, write, fetch) has
//! its own direct-mapped TLB whose entry holds the host address of the page:
//! a hit is one compare and one host access; misses, page-crossing accesses
//! and faults go to the out-of-line slow path.
//!
//! Pages that hold decoded code never enter the write TLB, so a store to them
//! takes the slow path, which records the page for the block cache to
//! invalidate (self-modifying code, dynamic loaders). System mode tracks
//! them by physical page, so stores through any virtual alias count.
//!
//! Pages holding a watchpoint (`watch.rs`) stay out of the read and write
//! TLBs the same way, so only accesses to them pay for the range check.
//!
//! In system mode the regions are physical RAM, and the slow path first
//! translates the virtual address (`mmu.rs`) and reaches RAM or a device
//! (`system.rs`); the TLBs and their fast path stay as they are.

mod host_io;
mod image;
mod mmu;
mod region;
mod system;
pub mod tlb;
mod walk_cache;
mod watch;

use std::collections::HashSet;

use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

use crate::hart::Exception;

pub use host_io::{HostReply, HostReplyError, HostRequest, MmioRangeError};
pub use image::{intern, CodeKey, Image};
pub use mmu::{Translation, TranslationMode};
pub use region::{Backing, Perms, Region};
pub use system::{HartMmu, Mmio};
pub use walk_cache::Fence;
pub use watch::{WatchHit, Watchpoint};
use system::SystemBus;
use region::RegionMap;
use tlb::Tlb;
use watch::Watchpoints;

pub const PAGE_SIZE: u64 = 4096;
pub const PAGE_MASK: u64 = PAGE_SIZE - 1;
/// Guest addresses are limited to the RV64 Sv48-sized user space.
pub const ADDRESS_LIMIT: u64 = 1 << 47;

/// Round `v` up to a page boundary (saturating at the top of the space).
pub const fn page_up(v: u64) -> u64 {
    v.saturating_add(PAGE_MASK) & !PAGE_MASK
}

pub const fn page_down(v: u64) -> u64 {
    v & !PAGE_MASK
}

/// The kind of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
    Fetch,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Fetch => "execute",
        }
    }
}

/// Why an access failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Nothing is mapped at the address (SIGSEGV with SEGV_MAPERR).
    Unmapped,
    /// Mapped, but without the permission the access needs (SEGV_ACCERR).
    Protection,
    /// System mode: the physical address holds neither RAM nor a device
    /// (or a page-table entry lies there). An access fault, where the other
    /// kinds are page faults.
    Physical,
}

/// A failed guest memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemFault {
    pub addr: u64,
    pub access: Access,
    pub kind: FaultKind,
}

impl std::fmt::Display for MemFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.kind {
            FaultKind::Unmapped => "unmapped address",
            FaultKind::Protection => "permission denied",
            FaultKind::Physical => "no memory or device at the physical address",
        };
        write!(f, "{} at {:#x}: {}", self.access.as_str(), self.addr, why)
    }
}

impl MemFault {
    /// The exception this fault raises: an access fault for a bad physical
    /// address, a page fault otherwise. AMOs and SC raise store faults
    /// whatever they were doing (privileged spec 3.7), see `as_store`.
    pub fn exception(self) -> Exception {
        let physical = self.kind == FaultKind::Physical;
        match (self.access, physical) {
            (Access::Read, false) => Exception::LoadPageFault(self.addr),
            (Access::Write, false) => Exception::StorePageFault(self.addr),
            (Access::Fetch, false) => Exception::InstructionPageFault(self.addr),
            (Access::Read, true) => Exception::LoadAccessFault(self.addr),
            (Access::Write, true) => Exception::StoreAccessFault(self.addr),
            (Access::Fetch, true) => Exception::InstructionAccessFault(self.addr),
        }
    }

    /// The same fault reported as a store (AMO/SC).
    pub fn as_store(self) -> MemFault {
        MemFault { access: Access::Write, ..self }
    }
}

/// Error of a mapping request (bad alignment, range outside the space).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    #[error("address or length not page aligned")]
    Misaligned,
    #[error("range outside the guest address space")]
    OutOfRange,
    #[error("range not fully mapped")]
    NotMapped,
}

type PageBox = Box<[u8; PAGE_SIZE as usize]>;

/// Counters of the software TLBs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TlbStats {
    /// Accesses served by the host-pointer TLBs, and those that were not.
    pub hits: u64,
    pub misses: u64,
    /// System mode: translations found in the second-level TLB, and not.
    pub l2_hits: u64,
    pub l2_misses: u64,
    /// System mode: page-table walks.
    pub walks: u64,
}

pub struct Memory {
    regions: RegionMap,
    /// Host pages by guest page number, allocated on first touch (a fast
    /// hash: a guest that makes its own page numbers collide slows only
    /// itself). A page read in place from its region's backing has no
    /// entry until it is written.
    pages: FxHashMap<u64, PageBox>,
    read_tlb: Tlb,
    write_tlb: Tlb,
    fetch_tlb: Tlb,
    /// Guest pages holding decoded code.
    code_pages: HashSet<u64>,
    /// Code pages written since the engine last asked.
    dirty_code_pages: Vec<u64>,
    tlb_stats: TlbStats,
    /// Flushes the TLBs of every hart must take (a page became code or
    /// watched, a mapping changed); a parked hart's TLBs older than the
    /// current count are flushed when it comes back (`swap_hart_mmu`).
    shared_flushes: u64,
    watchpoints: Watchpoints,
    /// System mode only: address translation and the devices of the
    /// physical map. None for Linux user mode, whose slow path never looks
    /// at it beyond this one test.
    system: Option<Box<SystemBus>>,
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

macro_rules! access_fns {
    ($read:ident, $write:ident, $fetch:ident, $t:ty) => {
        #[inline(always)]
        pub fn $read(&mut self, addr: u64) -> Result<$t, MemFault> {
            const N: usize = std::mem::size_of::<$t>();
            if let Some(p) = self.read_tlb.lookup(addr, N) {
                self.tlb_stats.hits += 1;
                // SAFETY: the TLB only holds pointers to live pages, and
                // `lookup` checked that all N bytes lie inside the page.
                return Ok(unsafe { std::ptr::read_unaligned(p as *const $t) });
            }
            let mut b = [0u8; N];
            self.slow_load(addr, &mut b)?;
            Ok(<$t>::from_le_bytes(b))
        }

        #[inline(always)]
        pub fn $write(&mut self, addr: u64, v: $t) -> Result<(), MemFault> {
            const N: usize = std::mem::size_of::<$t>();
            if let Some(p) = self.write_tlb.lookup(addr, N) {
                self.tlb_stats.hits += 1;
                // SAFETY: as for reads; write entries exist only for writable
                // pages without code.
                unsafe { std::ptr::write_unaligned(p as *mut $t, v) };
                return Ok(());
            }
            self.slow_store(addr, &v.to_le_bytes())
        }

        /// Read with execute permission (instruction fetch).
        #[inline(always)]
        pub fn $fetch(&mut self, addr: u64) -> Result<$t, MemFault> {
            const N: usize = std::mem::size_of::<$t>();
            if let Some(p) = self.fetch_tlb.lookup(addr, N) {
                // SAFETY: as for reads.
                return Ok(unsafe { std::ptr::read_unaligned(p as *const $t) });
            }
            let mut b = [0u8; N];
            self.slow_read(addr, &mut b, Access::Fetch)?;
            Ok(<$t>::from_le_bytes(b))
        }
    };
}

impl Memory {
    pub fn new() -> Self {
        Memory {
            regions: RegionMap::default(),
            pages: FxHashMap::default(),
            read_tlb: Tlb::new(),
            write_tlb: Tlb::new(),
            fetch_tlb: Tlb::new(),
            code_pages: HashSet::new(),
            dirty_code_pages: Vec::new(),
            tlb_stats: TlbStats::default(),
            shared_flushes: 0,
            watchpoints: Watchpoints::default(),
            system: None,
        }
    }

    access_fns!(read_u8, write_u8, fetch_u8, u8);
    access_fns!(read_u16, write_u16, fetch_u16, u16);
    access_fns!(read_u32, write_u32, fetch_u32, u32);
    access_fns!(read_u64, write_u64, fetch_u64, u64);

    // ---- mappings -------------------------------------------------------

    /// Map `[start, start+len)` with `perms`, replacing whatever was there
    /// (like mmap with MAP_FIXED). The new pages read as zero.
    pub fn map(&mut self, start: u64, len: u64, perms: Perms, name: &str) -> Result<(), MapError> {
        check_range(start, len)?;
        self.drop_pages(start, len);
        self.regions.insert(Region { start, end: start + len, perms, name: name.into(), backing: None });
        Ok(())
    }

    /// `map`, with the first `backing.len` bytes of the range read from
    /// `backing.data[backing.offset..]` (the rest zero), as a private file
    /// mapping shows a file. Pages are copied out of the data only when
    /// first touched, so an image shared by many machines costs each only
    /// the pages it uses.
    pub fn map_backed(&mut self, start: u64, len: u64, perms: Perms, name: &str, backing: Backing) -> Result<(), MapError> {
        check_range(start, len)?;
        let fits = backing.offset.checked_add(backing.len).is_some_and(|e| e <= backing.data.len());
        if !fits || backing.len as u64 > len {
            return Err(MapError::OutOfRange);
        }
        self.drop_pages(start, len);
        let backing = (backing.len > 0).then_some(backing);
        self.regions.insert(Region { start, end: start + len, perms, name: name.into(), backing });
        Ok(())
    }

    /// Unmap `[start, start+len)`; unmapped parts of the range are ignored.
    pub fn unmap(&mut self, start: u64, len: u64) -> Result<(), MapError> {
        check_range(start, len)?;
        self.drop_pages(start, len);
        self.regions.remove(start, start + len);
        Ok(())
    }

    /// Change the permissions of `[start, start+len)`, which must be mapped.
    pub fn protect(&mut self, start: u64, len: u64, perms: Perms) -> Result<(), MapError> {
        check_range(start, len)?;
        if !self.regions.covers(start, start + len) {
            return Err(MapError::NotMapped);
        }
        self.regions.set_perms(start, start + len, perms);
        self.flush_tlb_range(start, len);
        Ok(())
    }

    /// True when every byte of `[start, start+len)` is mapped.
    pub fn is_mapped(&self, start: u64, len: u64) -> bool {
        len == 0 || self.regions.covers(start, start.saturating_add(len))
    }

    /// The region containing `addr`, if any.
    pub fn region_at(&self, addr: u64) -> Option<&Region> {
        self.regions.find(addr)
    }

    /// All regions in address order.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }

    /// The highest free, page-aligned range of `len` bytes that ends at or
    /// below `below` and starts at or above `above`.
    pub fn find_free(&self, len: u64, above: u64, below: u64) -> Option<u64> {
        self.regions.find_free(page_up(len), above, below)
    }

    /// Host bytes in use for guest pages (what the lazy reservation costs).
    pub fn resident_bytes(&self) -> u64 {
        self.pages.len() as u64 * PAGE_SIZE
    }

    /// The read and write TLB entry arrays (`tlb::ENTRIES` entries of
    /// `tlb::Entry`), for the JIT's inline fast path. They stay at the same
    /// address for the life of this `Memory`.
    pub fn tlb_arrays(&mut self) -> (*const tlb::Entry, *const tlb::Entry) {
        (self.read_tlb.entries_ptr(), self.write_tlb.entries_ptr())
    }

    pub fn tlb_stats(&self) -> TlbStats {
        self.tlb_stats
    }

    // ---- bulk access (syscalls, loader) ----------------------------------

    /// Read `buf.len()` bytes at `addr` with read permission.
    pub fn read_bytes(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), MemFault> {
        self.slow_read(addr, buf, Access::Read)
    }

    /// Write `data` at `addr` with write permission.
    pub fn write_bytes(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        self.slow_write(addr, data)
    }

    /// Read a NUL-terminated string of at most `max` bytes (without the NUL).
    /// A string that does not end within `max` bytes is an error with
    /// `kind = Unmapped` at the first byte past the limit.
    pub fn read_cstr(&mut self, addr: u64, max: usize) -> Result<Vec<u8>, MemFault> {
        let mut out = Vec::new();
        let mut a = addr;
        while out.len() < max {
            let b = self.kernel_read_u8(a)?;
            if b == 0 {
                return Ok(out);
            }
            out.push(b);
            a = a.wrapping_add(1);
        }
        Err(MemFault { addr: a, access: Access::Read, kind: FaultKind::Unmapped })
    }

    /// A byte read for the emulated kernel (syscall arguments): `read_u8`,
    /// except that watchpoints do not see it.
    #[inline]
    pub fn kernel_read_u8(&mut self, addr: u64) -> Result<u8, MemFault> {
        if let Some(p) = self.read_tlb.lookup(addr, 1) {
            self.tlb_stats.hits += 1;
            // SAFETY: as in `read_u8`.
            return Ok(unsafe { *p });
        }
        let mut b = [0u8; 1];
        self.slow_read(addr, &mut b, Access::Read)?;
        Ok(b[0])
    }

    /// Read ignoring permissions (debuggers, the Python API). Fails only
    /// where nothing is mapped. When the host fills RAM lazily, a page not yet touched reads as
    /// zeros and stays untouched.
    pub fn peek(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), MemFault> {
        if self.system.as_ref().is_some_and(|b| b.host.lazy_ram()) {
            return self.peek_lazy(addr, buf);
        }
        self.for_each_page(addr, buf.len(), Access::Read, false, |page, off, i, n| {
            // SAFETY: see `for_each_page`.
            buf[i..i + n].copy_from_slice(unsafe { page_bytes(page, off, n) });
        })
    }

    /// Write ignoring permissions (the loader, debuggers). Fails only where
    /// nothing is mapped. When the host fills RAM lazily, an untouched page
    /// written here becomes present (zeros around the data) and the host is
    /// never asked for it.
    pub fn poke(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        self.for_each_page(addr, data.len(), Access::Write, false, |page, off, i, n| {
            // SAFETY: see `for_each_page`.
            unsafe { page_bytes_mut(page, off, n) }.copy_from_slice(&data[i..i + n]);
        })?;
        self.note_code_write(addr, data.len());
        Ok(())
    }

    // ---- code tracking -----------------------------------------------------

    /// Record that the page holding `addr` (a pc just fetched) has decoded
    /// code: stores to it will be reported by `take_dirty_code_pages`.
    /// Returns the page number those reports use: the virtual page in user
    /// mode, the physical page in system mode (so that a store through any
    /// alias of the page is noticed).
    pub fn mark_code_page(&mut self, addr: u64) -> u64 {
        if self.system.is_some() {
            return self.mark_physical_code_page(addr);
        }
        let vpn = addr >> 12;
        if self.code_pages.insert(vpn) {
            self.write_tlb.flush_page(vpn);
        }
        vpn
    }

    /// The image a block at `pc` is decoded from, and where in it, while
    /// the page holding `pc` still reads that image in place (user mode:
    /// the page lies wholly inside its region's file bytes and the machine
    /// has never written it). Every machine whose page reads the same image
    /// bytes decodes the same block there, as long as no breakpoint cuts it
    /// and it ends within the page.
    pub fn pristine_code(&self, pc: u64) -> Option<(&Image, CodeKey)> {
        let vpn = pc >> 12;
        if self.system.is_some() || self.pages.contains_key(&vpn) {
            return None;
        }
        let region = self.regions.find(pc)?;
        let backing = region.backing.as_ref()?;
        let page_at = (vpn << 12) - region.start;
        if backing.bytes_from(page_at).len() < PAGE_SIZE as usize {
            return None;
        }
        let file_offset = backing.offset + (pc - region.start) as usize;
        Some((&backing.data, (file_offset, (pc & PAGE_MASK) as u16)))
    }

    /// Pages (numbered as `mark_code_page` returns them) that held code and
    /// were written (or unmapped, or reprotected) since the last call; their
    /// decoded blocks are stale.
    pub fn take_dirty_code_pages(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.dirty_code_pages)
    }

    /// True when some code page was written since `take_dirty_code_pages`.
    #[inline(always)]
    pub fn has_dirty_code(&self) -> bool {
        !self.dirty_code_pages.is_empty()
    }

    // ---- internals -------------------------------------------------------

    fn note_code_write(&mut self, addr: u64, len: usize) {
        if self.code_pages.is_empty() || len == 0 {
            return;
        }
        let first = addr >> 12;
        let last = addr.wrapping_add(len as u64 - 1) >> 12;
        for vpn in first..=last {
            if self.code_pages.remove(&vpn) {
                self.dirty_code_pages.push(vpn);
            }
        }
    }

    fn drop_pages(&mut self, start: u64, len: u64) {
        self.flush_tlb_range(start, len);
        let (first, last) = (start >> 12, (start + len) >> 12);
        if last - first < self.pages.len() as u64 {
            for vpn in first..last {
                self.pages.remove(&vpn);
            }
        } else {
            self.pages.retain(|&vpn, _| vpn < first || vpn >= last);
        }
    }

    /// Flush TLB entries of a range and report its code pages as stale
    /// (their permissions or contents are about to change).
    fn flush_tlb_range(&mut self, start: u64, len: u64) {
        let (first, last) = (start >> 12, (start + len) >> 12);
        self.shared_flushes += 1;
        if last - first >= tlb::ENTRIES as u64 {
            self.read_tlb.flush_all();
            self.write_tlb.flush_all();
            self.fetch_tlb.flush_all();
        } else {
            for vpn in first..last {
                self.read_tlb.flush_page(vpn);
                self.write_tlb.flush_page(vpn);
                self.fetch_tlb.flush_page(vpn);
            }
        }
        let code = &mut self.code_pages;
        let dirty = &mut self.dirty_code_pages;
        code.retain(|&vpn| {
            let hit = vpn >= first && vpn < last;
            if hit {
                dirty.push(vpn);
            }
            !hit
        });
    }

    /// Host page for `vpn` if its region allows `access` (or any mapping,
    /// when `check` is false), allocating it on first touch.
    fn host_page(&mut self, vpn: u64, addr: u64, access: Access, check: bool) -> Result<*mut u8, MemFault> {
        let region = self.regions.find(vpn << 12).ok_or(MemFault { addr, access, kind: FaultKind::Unmapped })?;
        let perms = region.perms;
        let allowed = match access {
            Access::Read => perms.read(),
            Access::Write => perms.write(),
            Access::Fetch => perms.exec(),
        };
        if check && !allowed {
            return Err(MemFault { addr, access, kind: FaultKind::Protection });
        }
        let from = region.backing.as_ref().map_or(&[][..], |b| b.bytes_from((vpn << 12) - region.start));
        let ptr = match self.pages.entry(vpn) {
            Entry::Occupied(page) => page.into_mut().as_mut_ptr(),
            // Read in place: the backing is never written and lives as long
            // as the region, and any change to the region flushes the TLBs
            // of its range first.
            Entry::Vacant(_) if access != Access::Write && from.len() >= PAGE_SIZE as usize => from.as_ptr() as *mut u8,
            Entry::Vacant(slot) => {
                let mut page = Box::new([0; PAGE_SIZE as usize]);
                let n = from.len().min(PAGE_SIZE as usize);
                page[..n].copy_from_slice(&from[..n]);
                if n == PAGE_SIZE as usize {
                    // Reads and fetches may have been served in place.
                    self.read_tlb.flush_page(vpn);
                    self.fetch_tlb.flush_page(vpn);
                }
                slot.insert(page).as_mut_ptr()
            }
        };
        if check {
            self.tlb_stats.misses += 1;
            let watched = !self.watchpoints.is_empty() && self.watchpoints.covers_page(vpn);
            match access {
                Access::Fetch => self.fetch_tlb.fill(vpn, ptr),
                _ if watched => {}
                Access::Read => self.read_tlb.fill(vpn, ptr),
                Access::Write if !self.code_pages.contains(&vpn) => self.write_tlb.fill(vpn, ptr),
                Access::Write => {}
            }
        }
        Ok(ptr)
    }

    /// Visit the pages of `[addr, addr+len)`: `f(page, offset_in_page,
    /// offset_in_buffer, count)`. Checks every page before touching any, so a
    /// failing access has no partial effect. `page` points at the host
    /// page's 4096 bytes, for `page_bytes`, and for `page_bytes_mut` only
    /// when `access` is a write (the page is then the machine's own: a
    /// page read in place is shared).
    fn for_each_page(
        &mut self,
        addr: u64,
        len: usize,
        access: Access,
        check: bool,
        mut f: impl FnMut(*mut u8, usize, usize, usize),
    ) -> Result<(), MemFault> {
        if len == 0 {
            return Ok(());
        }
        let end = addr.checked_add(len as u64 - 1).filter(|&e| e < ADDRESS_LIMIT);
        let Some(end) = end else {
            let bad = if addr >= ADDRESS_LIMIT { addr } else { ADDRESS_LIMIT };
            return Err(MemFault { addr: bad, access, kind: FaultKind::Unmapped });
        };
        let mut ptrs = Vec::with_capacity(((end >> 12) - (addr >> 12) + 1) as usize);
        for vpn in addr >> 12..=end >> 12 {
            let fault_addr = if vpn == addr >> 12 { addr } else { vpn << 12 };
            ptrs.push(self.host_page(vpn, fault_addr, access, check)?);
        }
        let mut done = 0usize;
        let mut a = addr;
        for ptr in ptrs {
            let off = (a & PAGE_MASK) as usize;
            let n = (PAGE_SIZE as usize - off).min(len - done);
            f(ptr, off, done, n);
            done += n;
            a += n as u64;
        }
        Ok(())
    }

    /// The slow path of a guest load: the read, then the watchpoints (a
    /// load has no side effect, so a watched one can be undone).
    #[inline(never)]
    fn slow_load(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), MemFault> {
        self.slow_read(addr, buf, Access::Read)?;
        if !self.watchpoints.is_empty() {
            self.watch_access(addr, buf, Access::Read)?;
        }
        Ok(())
    }

    /// The slow path of a guest store: a store that would fault faults; a
    /// watched one is reported before it changes anything.
    #[inline(never)]
    fn slow_store(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        if !self.watchpoints.is_empty() && self.system.is_none() {
            self.for_each_page(addr, data.len(), Access::Write, true, |_, _, _, _| {})?;
            self.watch_access(addr, data, Access::Write)?;
        }
        self.slow_write(addr, data)
    }

    #[inline(never)]
    fn slow_read(&mut self, addr: u64, buf: &mut [u8], access: Access) -> Result<(), MemFault> {
        if self.system.is_some() {
            return self.system_read(addr, buf, access);
        }
        self.for_each_page(addr, buf.len(), access, true, |page, off, i, n| {
            // SAFETY: see `for_each_page`.
            buf[i..i + n].copy_from_slice(unsafe { page_bytes(page, off, n) });
        })
    }

    #[inline(never)]
    fn slow_write(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        if self.system.is_some() {
            return self.system_write(addr, data);
        }
        self.for_each_page(addr, data.len(), Access::Write, true, |page, off, i, n| {
            // SAFETY: see `for_each_page`.
            unsafe { page_bytes_mut(page, off, n) }.copy_from_slice(&data[i..i + n]);
        })?;
        self.note_code_write(addr, data.len());
        Ok(())
    }
}

/// `n` bytes at `off` in the host page at `page`.
///
/// # Safety
/// `page` is a live host page of `PAGE_SIZE` bytes (as `for_each_page`
/// passes), `off + n <= PAGE_SIZE`, and nothing writes it meanwhile.
unsafe fn page_bytes<'a>(page: *mut u8, off: usize, n: usize) -> &'a [u8] {
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(page.add(off), n) }
}

/// `page_bytes`, to write.
///
/// # Safety
/// As for `page_bytes`, and the page is the machine's own (a write
/// access), borrowed by nothing else.
unsafe fn page_bytes_mut<'a>(page: *mut u8, off: usize, n: usize) -> &'a mut [u8] {
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts_mut(page.add(off), n) }
}

fn check_range(start: u64, len: u64) -> Result<(), MapError> {
    if start & PAGE_MASK != 0 || len & PAGE_MASK != 0 {
        return Err(MapError::Misaligned);
    }
    match start.checked_add(len) {
        Some(end) if end <= ADDRESS_LIMIT && len > 0 => Ok(()),
        _ => Err(MapError::OutOfRange),
    }
}

#[cfg(test)]
mod tests;
