//! A direct-mapped software TLB: guest page number -> host page address.

pub const ENTRIES: usize = 256;
const INVALID: u64 = u64::MAX;

/// Layout shared with compiled code: `vpn` at offset 0, `host` at 8.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Entry {
    vpn: u64,
    host: *mut u8,
}

pub struct Tlb {
    entries: Box<[Entry; ENTRIES]>,
}

// SAFETY: the raw pointers refer to pages owned by the same `Memory`; the TLB
// moves between threads only together with that memory, and the pages are
// only accessed through `&mut Memory`.
unsafe impl Send for Tlb {}
unsafe impl Sync for Tlb {}

impl Tlb {
    pub fn new() -> Self {
        Tlb { entries: Box::new([Entry { vpn: INVALID, host: std::ptr::null_mut() }; ENTRIES]) }
    }

    /// Host address of `addr` when its page is cached and the `n`-byte access
    /// does not cross the end of the page.
    #[inline(always)]
    pub fn lookup(&self, addr: u64, n: usize) -> Option<*mut u8> {
        let vpn = addr >> 12;
        let e = &self.entries[vpn as usize % ENTRIES];
        let off = (addr & 0xfff) as usize;
        if e.vpn == vpn && off + n <= 4096 {
            // SAFETY: off < 4096 and host points at a 4096-byte page.
            Some(unsafe { e.host.add(off) })
        } else {
            None
        }
    }

    /// The entry array, for compiled code's inline lookup (stable: boxed).
    pub fn entries_ptr(&self) -> *const Entry {
        self.entries.as_ptr()
    }

    pub fn fill(&mut self, vpn: u64, host: *mut u8) {
        self.entries[vpn as usize % ENTRIES] = Entry { vpn, host };
    }

    pub fn flush_page(&mut self, vpn: u64) {
        let e = &mut self.entries[vpn as usize % ENTRIES];
        if e.vpn == vpn {
            e.vpn = INVALID;
        }
    }

    pub fn flush_all(&mut self) {
        for e in self.entries.iter_mut() {
            e.vpn = INVALID;
        }
    }
}
