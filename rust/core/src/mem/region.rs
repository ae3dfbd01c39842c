//! The guest's mappings: non-overlapping regions with permissions and names.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::image::Image;

/// Page permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Perms(pub u8);

impl Perms {
    pub const NONE: Perms = Perms(0);
    pub const R: Perms = Perms(1);
    pub const W: Perms = Perms(2);
    pub const X: Perms = Perms(4);
    pub const RW: Perms = Perms(3);
    pub const RX: Perms = Perms(5);
    pub const RWX: Perms = Perms(7);

    pub fn read(self) -> bool {
        self.0 & 1 != 0
    }
    pub fn write(self) -> bool {
        self.0 & 2 != 0
    }
    pub fn exec(self) -> bool {
        self.0 & 4 != 0
    }

    /// From Linux PROT_* bits (PROT_READ=1, PROT_WRITE=2, PROT_EXEC=4).
    pub fn from_prot(prot: u64) -> Perms {
        Perms((prot & 7) as u8)
    }
}

impl std::ops::BitOr for Perms {
    type Output = Perms;
    fn bitor(self, o: Perms) -> Perms {
        Perms(self.0 | o.0)
    }
}

/// One mapping: `[start, end)` with permissions and a name ("" for
/// anonymous memory, "[stack]", "[heap]", or a file path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: u64,
    pub end: u64,
    pub perms: Perms,
    pub name: String,
    /// Where the first bytes of the region come from when a page is first
    /// touched; without one (or past its end) pages start as zeros.
    pub backing: Option<Backing>,
}

/// File contents behind the start of a region: the region's byte `k` is
/// `data[offset + k]` for `k < len`. The data is shared (between the
/// machines that load the same image) and never written: a page wholly
/// inside it is read in place, others are copied out of it into the
/// machine's own memory on first touch, and so is any page on its first
/// write.
#[derive(Clone)]
pub struct Backing {
    pub data: Arc<Image>,
    pub offset: usize,
    pub len: usize,
}

impl Backing {
    /// The same backing seen from `skip` bytes further into the region.
    fn advanced(&self, skip: u64) -> Option<Backing> {
        let skip = usize::try_from(skip).ok().filter(|&k| k < self.len)?;
        Some(Backing { data: self.data.clone(), offset: self.offset + skip, len: self.len - skip })
    }

    /// The bytes of the region from `at` (an offset into it) on, up to the
    /// end of the backing; empty past it.
    pub fn bytes_from(&self, at: u64) -> &[u8] {
        match usize::try_from(at) {
            Ok(k) if k < self.len => &self.data[self.offset + k..self.offset + self.len],
            _ => &[],
        }
    }
}

impl std::fmt::Debug for Backing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Backing({} bytes at offset {:#x})", self.len, self.offset)
    }
}

impl PartialEq for Backing {
    fn eq(&self, o: &Backing) -> bool {
        Arc::ptr_eq(&self.data, &o.data) && self.offset == o.offset && self.len == o.len
    }
}

impl Eq for Backing {}

#[derive(Default)]
pub struct RegionMap {
    by_start: BTreeMap<u64, Region>,
}

impl RegionMap {
    pub fn find(&self, addr: u64) -> Option<&Region> {
        self.by_start.range(..=addr).next_back().map(|(_, r)| r).filter(|r| addr < r.end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.by_start.values()
    }

    /// Insert `r`, removing any overlap first.
    pub fn insert(&mut self, r: Region) {
        self.remove(r.start, r.end);
        self.by_start.insert(r.start, r);
    }

    /// Remove `[start, end)`, splitting regions that straddle its ends.
    pub fn remove(&mut self, start: u64, end: u64) {
        self.split_at(start);
        self.split_at(end);
        let keys: Vec<u64> = self.by_start.range(start..end).map(|(&k, _)| k).collect();
        for k in keys {
            self.by_start.remove(&k);
        }
    }

    pub fn set_perms(&mut self, start: u64, end: u64, perms: Perms) {
        self.split_at(start);
        self.split_at(end);
        for (_, r) in self.by_start.range_mut(start..end) {
            r.perms = perms;
        }
    }

    /// True when `[start, end)` is covered without gaps.
    pub fn covers(&self, start: u64, end: u64) -> bool {
        let mut at = start;
        while at < end {
            match self.find(at) {
                Some(r) => at = r.end,
                None => return false,
            }
        }
        true
    }

    /// Highest free `[s, s+len)` with `above <= s` and `s+len <= below`.
    pub fn find_free(&self, len: u64, above: u64, below: u64) -> Option<u64> {
        let mut top = below;
        for r in self.by_start.range(..below).rev() {
            let r = r.1;
            if r.end < top && top - r.end >= len {
                return Some(top - len).filter(|&s| s >= above);
            }
            top = top.min(r.start);
            if top < above.saturating_add(len) {
                return None;
            }
        }
        top.checked_sub(len).filter(|&s| s >= above)
    }

    /// Make `at` a region boundary if it falls inside a region.
    fn split_at(&mut self, at: u64) {
        let Some(r) = self.find(at) else { return };
        if r.start == at {
            return;
        }
        let mut tail = r.clone();
        let head_start = r.start;
        tail.backing = r.backing.as_ref().and_then(|b| b.advanced(at - r.start));
        tail.start = at;
        if let Some(head) = self.by_start.get_mut(&head_start) {
            head.end = at;
        }
        self.by_start.insert(at, tail);
    }
}
