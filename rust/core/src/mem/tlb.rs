//! A direct-mapped software TLB: guest page number -> host page address.
//!
//! Large enough that a program striding over 32 MiB keeps every page
//! cached, yet cheap for small or idle machines: the array is mapped on
//! first use as fresh anonymous memory, so the host commits only the
//! parts of it that get filled, and a full flush clears only the slots
//! filled since the last one (system mode flushes on every satp write and
//! sfence.vma).

use std::alloc::{handle_alloc_error, Layout};

/// Entries of a TLB (a power of two: compiled code masks the page number).
pub const ENTRIES: usize = 8192;

/// Filled slots remembered for `flush_all`; past this many it clears the
/// whole array.
const FILL_LOG: usize = 256;

/// Layout shared with compiled code: `tag` at offset 0, `addend` at 8.
///
/// The tag of page `vpn` is its address with the offset bits all ones, so
/// that compiled code compares it with the last byte of an access ORed
/// with 0xfff: one compare says both "this page is cached" and "the access
/// stays in it". The all-zero entry (what a fresh mapping holds) matches
/// no page. `addend` is the host page's address minus the guest page's,
/// so a guest address plus it is the host address with no masking.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Entry {
    tag: u64,
    addend: *mut u8,
}

const EMPTY: Entry = Entry { tag: 0, addend: std::ptr::null_mut() };

/// The tag an entry holds for guest page `vpn`.
#[inline(always)]
pub const fn tag(vpn: u64) -> u64 {
    vpn << 12 | 0xfff
}

pub struct Tlb {
    /// `ENTRIES` entries once anything was filled, none before.
    entries: Entries,
    /// Slots filled since the last `flush_all`, while there are at most
    /// `FILL_LOG` of them; `None` once there were more.
    filled: Option<Vec<u32>>,
}

// SAFETY: the raw pointers refer to pages owned by the same `Memory`; the TLB
// moves between threads only together with that memory, and the pages are
// only accessed through `&mut Memory`.
unsafe impl Send for Tlb {}
unsafe impl Sync for Tlb {}

impl Default for Tlb {
    fn default() -> Self {
        Self::new()
    }
}

impl Tlb {
    pub fn new() -> Self {
        Tlb { entries: Entries::NONE, filled: Some(Vec::new()) }
    }

    #[inline(always)]
    fn slot(vpn: u64) -> usize {
        vpn as usize & (ENTRIES - 1)
    }

    /// Host address of `addr` when its page is cached and the `n`-byte access
    /// does not cross the end of the page.
    #[inline(always)]
    pub fn lookup(&self, addr: u64, n: usize) -> Option<*mut u8> {
        let vpn = addr >> 12;
        let e = self.entries.as_slice().get(Self::slot(vpn))?;
        let off = (addr & 0xfff) as usize;
        if e.tag == tag(vpn) && off + n <= 4096 {
            // The addend takes the guest page's address to the host page's.
            Some(e.addend.wrapping_add(addr as usize))
        } else {
            None
        }
    }

    /// The entry array (`ENTRIES` entries), for compiled code's inline
    /// lookup. Allocates it: the address stays the same for the life of
    /// this TLB.
    pub fn entries_ptr(&mut self) -> *const Entry {
        self.allocate();
        self.entries.as_slice().as_ptr()
    }

    fn allocate(&mut self) {
        if self.entries.len == 0 {
            self.entries = Entries::mapped();
        }
    }

    pub fn fill(&mut self, vpn: u64, host: *mut u8) {
        self.allocate();
        let slot = Self::slot(vpn);
        let addend = host.wrapping_sub((vpn << 12) as usize);
        self.entries.as_mut_slice()[slot] = Entry { tag: tag(vpn), addend };
        if let Some(log) = &mut self.filled {
            if log.len() < FILL_LOG {
                log.push(slot as u32);
            } else {
                self.filled = None;
            }
        }
    }

    pub fn flush_page(&mut self, vpn: u64) {
        if let Some(e) = self.entries.as_mut_slice().get_mut(Self::slot(vpn)) {
            if e.tag == tag(vpn) {
                *e = EMPTY;
            }
        }
    }

    pub fn flush_all(&mut self) {
        let entries = self.entries.as_mut_slice();
        match self.filled.take() {
            Some(mut log) => {
                for &slot in &log {
                    entries[slot as usize] = EMPTY;
                }
                log.clear();
                self.filled = Some(log);
            }
            None => {
                entries.fill(EMPTY);
                self.filled = Some(Vec::new());
            }
        }
    }
}

/// The entry array in an anonymous mapping of its own. A zeroed heap
/// allocation would do when the heap hands out fresh memory, but a
/// process that creates and drops many machines gets reused heap memory,
/// which calloc clears: all 128 KiB written and committed per TLB, where
/// a machine fills a few dozen slots. A fresh mapping reads as zeros (no
/// page matches) and costs only the pages its slots touch.
struct Entries {
    ptr: *mut Entry,
    /// 0 (nothing mapped) or `ENTRIES`.
    len: usize,
}

impl Entries {
    const NONE: Entries = Entries { ptr: std::ptr::NonNull::dangling().as_ptr(), len: 0 };

    fn mapped() -> Entries {
        let layout = Layout::array::<Entry>(ENTRIES).expect("TLB size fits the address space");
        // SAFETY: a private anonymous mapping of a non-zero size, owned by
        // the returned value and unmapped by its Drop.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                layout.size(),
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            handle_alloc_error(layout);
        }
        Entries { ptr: p as *mut Entry, len: ENTRIES }
    }

    #[inline(always)]
    fn as_slice(&self) -> &[Entry] {
        // SAFETY: `ptr` is valid for `len` entries (dangling and aligned when
        // `len` is 0); all-zero bytes are a valid `Entry` (tag 0 matches no
        // page).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    #[inline(always)]
    fn as_mut_slice(&mut self) -> &mut [Entry] {
        // SAFETY: as in `as_slice`; `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl Drop for Entries {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: the mapping made by `mapped`, with its size; nothing
            // refers to it once its TLB is gone.
            unsafe { libc::munmap(self.ptr as *mut libc::c_void, self.len * std::mem::size_of::<Entry>()) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Box<[u8; 4096]> {
        Box::new([0; 4096])
    }

    #[test]
    fn a_fresh_tlb_holds_no_page_not_even_page_zero() {
        let t = Tlb::new();
        assert!(t.lookup(0, 1).is_none());
        let mut t = Tlb::new();
        t.entries_ptr();
        assert!(t.lookup(0, 1).is_none());
        assert!(t.lookup(u64::MAX, 1).is_none());
    }

    #[test]
    fn pages_a_tlb_apart_evict_each_other() {
        let (mut a, mut b) = (page(), page());
        let mut t = Tlb::new();
        t.fill(5, a.as_mut_ptr());
        assert_eq!(t.lookup(5 << 12 | 8, 8), Some(a.as_mut_ptr().wrapping_add(8)));
        assert!(t.lookup(5 << 12 | 0xffc, 8).is_none(), "crosses the page end");
        let far = 5 + ENTRIES as u64;
        t.fill(far, b.as_mut_ptr());
        assert!(t.lookup(5 << 12, 1).is_none());
        assert_eq!(t.lookup(far << 12, 1), Some(b.as_mut_ptr()));
        t.flush_page(5);
        assert!(t.lookup(far << 12, 1).is_some(), "another page's entry stays");
        t.flush_page(far);
        assert!(t.lookup(far << 12, 1).is_none());
    }

    #[test]
    fn flush_all_clears_every_fill_logged_or_not() {
        let mut p = page();
        for fills in [3, FILL_LOG, FILL_LOG + 1, 3 * ENTRIES] {
            let mut t = Tlb::new();
            for vpn in 0..fills as u64 {
                t.fill(vpn, p.as_mut_ptr());
            }
            t.flush_all();
            assert!((0..fills as u64).all(|vpn| t.lookup(vpn << 12, 1).is_none()), "{fills} fills");
            // The log starts over after a flush.
            t.fill(7, p.as_mut_ptr());
            t.flush_all();
            assert!(t.lookup(7 << 12, 1).is_none());
        }
    }
}
