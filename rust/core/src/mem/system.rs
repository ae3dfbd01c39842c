//! The system-mode slow path: translate a virtual address, then reach RAM
//! (and cache the page in the TLB) or a memory-mapped device.
//!
//! In system mode the regions of `Memory` describe physical RAM; `peek` and
//! `poke` address it physically. The host-pointer TLBs stay keyed by
//! virtual page and hold the host page of the translated physical page, so
//! hits cost what they cost in user mode. Their entries are only valid for
//! the translation that filled them: `set_translation` and `sfence` drop
//! them all. Behind them, the ASID-tagged walk cache keeps page-table
//! leaves across those changes; only `sfence` invalidates it.
//! Neither device pages nor the watched HTIF page ever enter a TLB for
//! stores, and device pages enter none at all, so compiled code (which only
//! has the TLB fast path) leaves every such access to the interpreter.
//!
//! Code pages are tracked by physical page: a virtual page may map different
//! physical pages over time and several virtual pages one physical page.
//!
//! With several harts, the TLBs, the walk cache and the translation belong
//! to the hart that runs: the board parks the others' in a `HartMmu` and
//! swaps it in when their hart runs again. Flushes every hart must see (a
//! page became code, so no hart may keep it in its write TLB) are counted,
//! and a parked hart that missed some starts over with empty TLBs.

use std::any::Any;

use super::host_io::HostIo;
use super::tlb::Tlb;
use super::mmu::Translation;
use super::walk_cache::{Fence, WalkCache};
use super::{Access, FaultKind, MemFault, Memory, PAGE_MASK, PAGE_SIZE};

/// A device on the physical bus. Accesses are 1, 2, 4 or 8 bytes at an
/// address the device claimed with `contains`.
pub trait Mmio: Send {
    fn contains(&self, addr: u64) -> bool;
    /// True when some address of [start, end) is claimed.
    fn overlaps(&self, start: u64, end: u64) -> bool;
    /// The value read; None makes the access an access fault.
    fn read(&mut self, addr: u64, size: usize) -> Option<u64>;
    /// False makes the access an access fault.
    fn write(&mut self, addr: u64, size: usize, value: u64) -> bool;
    /// For the board that installed the device to reach its own type.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

pub(super) struct SystemBus {
    translation: Translation,
    /// The second-level TLB of the hart.
    pub(super) walk_cache: WalkCache,
    pub(super) devices: Box<dyn Mmio>,
    /// Reads and writes that reached `devices` so far.
    device_accesses: u64,
    /// Physical address of a RAM word whose stores must be noticed (HTIF's
    /// `tohost`). Its page never enters the write TLB.
    watch: Option<u64>,
    watch_hit: bool,
    /// Ranges and RAM pages the host serves.
    pub(super) host: HostIo,
}

/// The address-translation state of a hart that is not running.
pub struct HartMmu {
    read_tlb: Tlb,
    write_tlb: Tlb,
    fetch_tlb: Tlb,
    translation: Translation,
    walk_cache: WalkCache,
    /// `Memory::shared_flushes` when the TLBs were parked.
    shared_flushes: u64,
}

impl HartMmu {
    /// The state of a hart at reset: no translation, nothing cached.
    pub fn new() -> Self {
        HartMmu {
            read_tlb: Tlb::new(),
            write_tlb: Tlb::new(),
            fetch_tlb: Tlb::new(),
            translation: Translation::BARE,
            walk_cache: WalkCache::new(),
            shared_flushes: 0,
        }
    }
}

impl Default for HartMmu {
    fn default() -> Self {
        Self::new()
    }
}

/// Where one page-sized piece of an access goes.
enum Target {
    /// Host address of the first byte, and its physical address.
    Ram(*mut u8, u64),
    /// Physical address on a device.
    Device(u64),
    /// Physical address in a range the host serves.
    Host(u64),
}

/// The bytes of an access to host ranges.
enum HostBytes<'a> {
    /// Receives the bytes read.
    Read(&'a mut [u8]),
    /// The bytes to write.
    Write(&'a [u8]),
}

/// Why a RAM page cannot be reached now.
struct FillRequested;

impl Memory {
    /// Switch this memory to system mode: from now on addresses are
    /// translated, and physical addresses outside RAM go to `devices`.
    pub fn enable_system(&mut self, devices: Box<dyn Mmio>) {
        self.system = Some(Box::new(SystemBus {
            translation: Translation::BARE,
            walk_cache: WalkCache::new(),
            devices,
            device_accesses: 0,
            watch: None,
            watch_hit: false,
            host: HostIo::default(),
        }));
        self.flush_host_tlbs();
    }

    /// The devices installed by `enable_system`.
    pub fn devices(&mut self) -> Option<&mut (dyn Mmio + 'static)> {
        self.system.as_mut().map(|s| &mut *s.devices)
    }

    /// How many reads and writes reached the devices: a board's interrupt
    /// lines can only have moved when this did.
    #[inline]
    pub fn device_accesses(&self) -> u64 {
        self.system.as_ref().map_or(0, |b| b.device_accesses)
    }

    /// Make `t` the translation of later accesses; the host-pointer TLBs
    /// are dropped when it differs from the current one (the walk cache,
    /// tagged by ASID, stays).
    pub fn set_translation(&mut self, t: Translation) {
        let Some(bus) = self.system.as_mut() else { return };
        if bus.translation != t {
            bus.translation = t;
            self.flush_host_tlbs();
        }
    }

    /// sfence.vma: drop from the walk cache exactly the leaves `fence`
    /// names, and all of the host-pointer TLBs (they hold only the current
    /// translation and refill from the walk cache; dropping more than
    /// named is a permitted over-approximation, privileged spec 4.2.1).
    pub fn sfence(&mut self, fence: Fence) {
        if let Some(bus) = self.system.as_mut() {
            bus.walk_cache.flush(fence);
        }
        self.flush_host_tlbs();
    }

    fn flush_host_tlbs(&mut self) {
        self.read_tlb.flush_all();
        self.write_tlb.flush_all();
        self.fetch_tlb.flush_all();
    }

    /// Exchange the running hart's translation state with `parked`'s (a
    /// system-mode board switching harts). The incoming TLBs are flushed
    /// when a flush meant for every hart happened while they were parked.
    pub fn swap_hart_mmu(&mut self, parked: &mut HartMmu) {
        let Some(bus) = self.system.as_mut() else { return };
        std::mem::swap(&mut self.read_tlb, &mut parked.read_tlb);
        std::mem::swap(&mut self.write_tlb, &mut parked.write_tlb);
        std::mem::swap(&mut self.fetch_tlb, &mut parked.fetch_tlb);
        std::mem::swap(&mut bus.translation, &mut parked.translation);
        std::mem::swap(&mut bus.walk_cache, &mut parked.walk_cache);
        let incoming_flushes = std::mem::replace(&mut parked.shared_flushes, self.shared_flushes);
        if incoming_flushes != self.shared_flushes {
            self.flush_host_tlbs();
        }
    }

    /// Report stores to the 8-byte word at physical `addr` through
    /// `take_watch_hit`.
    pub fn watch_word(&mut self, addr: u64) {
        if let Some(bus) = self.system.as_mut() {
            bus.watch = Some(addr);
            self.shared_flushes += 1;
            self.flush_host_tlbs();
        }
    }

    /// True once after a store touched the watched word.
    #[inline]
    pub fn take_watch_hit(&mut self) -> bool {
        match self.system.as_mut() {
            Some(bus) => std::mem::take(&mut bus.watch_hit),
            None => false,
        }
    }

    /// The 8-byte little-endian word at physical `addr` in RAM.
    pub(super) fn phys_u64(&mut self, addr: u64) -> Option<u64> {
        if addr & 7 != 0 {
            return None;
        }
        let page = self.ram_page(addr).ok()??;
        let off = (addr & PAGE_MASK) as usize;
        // SAFETY: page points at a live 4096-byte page and off + 8 <= 4096
        // because addr is 8-byte aligned.
        Some(u64::from_le(unsafe { std::ptr::read_unaligned(page.add(off) as *const u64) }))
    }

    /// The host page holding physical `addr` when it is RAM. A page the
    /// host fills lazily and has not filled yet becomes the host request.
    fn ram_page(&mut self, addr: u64) -> Result<Option<*mut u8>, FillRequested> {
        if self.regions.find(addr).is_none() {
            return Ok(None);
        }
        if let Some(page) = self.pages.get_mut(&(addr >> 12)) {
            return Ok(Some(page.as_mut_ptr()));
        }
        if let Some(bus) = self.system.as_mut().filter(|b| b.host.lazy_ram()) {
            bus.host.request_page(addr);
            return Err(FillRequested);
        }
        let page = self.pages.entry(addr >> 12).or_insert_with(|| Box::new([0; PAGE_SIZE as usize]));
        Ok(Some(page.as_mut_ptr()))
    }

    /// Translate every page of `[addr, addr+len)` before any byte moves, so
    /// a faulting access has no partial effect.
    fn pieces(&mut self, addr: u64, len: usize, access: Access) -> Result<Vec<(Target, usize)>, MemFault> {
        let Some(bus) = self.system.as_ref() else {
            return Err(MemFault { addr, access, kind: FaultKind::Physical });
        };
        let t = bus.translation;
        let watch_page = bus.watch.map(|w| w >> 12);
        let mut out = Vec::with_capacity(2);
        let mut done = 0usize;
        let mut va = addr;
        while done < len {
            let off = (va & PAGE_MASK) as usize;
            let n = (PAGE_SIZE as usize - off).min(len - done);
            let pa = self.translate(va, access, &t)?;
            let page = self.ram_page(pa).map_err(|_| MemFault { addr: va, access, kind: FaultKind::Physical })?;
            let target = match page {
                Some(page) => {
                    self.tlb_stats.misses += 1;
                    let vpn = va >> 12;
                    match access {
                        Access::Read => self.read_tlb.fill(vpn, page),
                        Access::Fetch => self.fetch_tlb.fill(vpn, page),
                        Access::Write => {
                            if !self.code_pages.contains(&(pa >> 12)) && watch_page != Some(pa >> 12) {
                                self.write_tlb.fill(vpn, page)
                            }
                        }
                    }
                    // SAFETY: off < 4096, inside the page.
                    Target::Ram(unsafe { page.add(off) }, pa)
                }
                None => match self.system.as_ref().and_then(|b| b.host.range_of(pa)) {
                    // A piece (at most 8 bytes) must lie in one host range,
                    // as a device register does.
                    Some((_, end)) => {
                        if n > 8 || access == Access::Fetch || pa.checked_add(n as u64).is_none_or(|e| e > end) {
                            return Err(MemFault { addr: va, access, kind: FaultKind::Physical });
                        }
                        Target::Host(pa)
                    }
                    None => {
                        let claimed = self.system.as_ref().is_some_and(|b| b.devices.contains(pa));
                        if !claimed || n > 8 || access == Access::Fetch {
                            return Err(MemFault { addr: va, access, kind: FaultKind::Physical });
                        }
                        Target::Device(pa)
                    }
                },
            };
            out.push((target, n));
            done += n;
            va = va.wrapping_add(n as u64);
        }
        Ok(out)
    }

    /// Do the pieces of an access that go to host ranges, before any
    /// other piece: when one of them raises a host request, the access
    /// fails without effect and is done whole when re-executed.
    fn host_pieces(&mut self, addr: u64, pieces: &[(Target, usize)], mut io: HostBytes<'_>) -> Result<(), MemFault> {
        let mut done = 0;
        for &(ref target, n) in pieces {
            if let (&Target::Host(pa), Some(bus)) = (target, self.system.as_mut()) {
                let served = match &mut io {
                    HostBytes::Write(data) => {
                        let mut b = [0u8; 8];
                        b[..n].copy_from_slice(&data[done..done + n]);
                        bus.host.write(pa, n as u8, u64::from_le_bytes(b))
                    }
                    HostBytes::Read(buf) => match bus.host.read(pa, n as u8) {
                        Some(v) => {
                            buf[done..done + n].copy_from_slice(&v.to_le_bytes()[..n]);
                            true
                        }
                        None => false,
                    },
                };
                if !served {
                    let access = if matches!(io, HostBytes::Write(_)) { Access::Write } else { Access::Read };
                    return Err(MemFault { addr: addr.wrapping_add(done as u64), access, kind: FaultKind::Physical });
                }
            }
            done += n;
        }
        Ok(())
    }

    pub(super) fn system_read(&mut self, addr: u64, buf: &mut [u8], access: Access) -> Result<(), MemFault> {
        let pieces = self.pieces(addr, buf.len(), access)?;
        self.host_pieces(addr, &pieces, HostBytes::Read(buf))?;
        let mut done = 0;
        for (target, n) in pieces {
            match target {
                Target::Host(_) => {}
                // SAFETY: `pieces` checked that n bytes from p lie in one page.
                Target::Ram(p, _) => unsafe { std::ptr::copy_nonoverlapping(p, buf[done..].as_mut_ptr(), n) },
                Target::Device(pa) => {
                    let value = self.system.as_mut().and_then(|b| {
                        b.device_accesses += 1;
                        b.devices.read(pa, n)
                    });
                    let fault = MemFault { addr: addr.wrapping_add(done as u64), access, kind: FaultKind::Physical };
                    let value = value.ok_or(fault)?;
                    buf[done..done + n].copy_from_slice(&value.to_le_bytes()[..n]);
                }
            }
            done += n;
        }
        Ok(())
    }

    pub(super) fn system_write(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        let pieces = self.pieces(addr, data.len(), Access::Write)?;
        self.host_pieces(addr, &pieces, HostBytes::Write(data))?;
        let mut done = 0;
        for (target, n) in pieces {
            match target {
                Target::Host(_) => {}
                Target::Ram(p, pa) => {
                    // SAFETY: as for reads.
                    unsafe { std::ptr::copy_nonoverlapping(data[done..].as_ptr(), p, n) };
                    self.note_code_write(pa, n);
                }
                Target::Device(pa) => {
                    let mut b = [0u8; 8];
                    b[..n].copy_from_slice(&data[done..done + n]);
                    let ok = self.system.as_mut().is_some_and(|bus| {
                        bus.device_accesses += 1;
                        bus.devices.write(pa, n, u64::from_le_bytes(b))
                    });
                    if !ok {
                        let at = addr.wrapping_add(done as u64);
                        return Err(MemFault { addr: at, access: Access::Write, kind: FaultKind::Physical });
                    }
                }
            }
            done += n;
        }
        self.note_watched_write(addr, data.len());
        Ok(())
    }

    /// `mark_code_page` in system mode: track the physical page that the
    /// fetch of virtual `addr` reaches now.
    pub(super) fn mark_physical_code_page(&mut self, addr: u64) -> u64 {
        let t = self.system.as_ref().map_or(Translation::BARE, |b| b.translation);
        // The fetch of `addr` has just succeeded under this translation, so
        // the walk succeeds too; should it not, the address itself is the
        // best guess left.
        let ppn = self.translate(addr, Access::Fetch, &t).unwrap_or(addr) >> 12;
        if self.code_pages.insert(ppn) {
            // Any virtual alias of the page may sit in a write TLB, this
            // hart's or a parked one's.
            self.shared_flushes += 1;
            self.write_tlb.flush_all();
        }
        ppn
    }

    /// Record a store that may have touched the watched word. Compares
    /// physical addresses, so aliases through other mappings count.
    fn note_watched_write(&mut self, addr: u64, len: usize) {
        let Some(bus) = self.system.as_ref() else { return };
        let (Some(watch), t) = (bus.watch, bus.translation) else { return };
        let Ok(pa) = self.translate(addr, Access::Write, &t) else { return };
        if pa < watch + 8 && watch < pa.wrapping_add(len as u64) {
            if let Some(bus) = self.system.as_mut() {
                bus.watch_hit = true;
            }
        }
    }
}
