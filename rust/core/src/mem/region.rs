//! The guest's mappings: non-overlapping regions with permissions and names.

use std::collections::BTreeMap;

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
}

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
        tail.start = at;
        if let Some(head) = self.by_start.get_mut(&head_start) {
            head.end = at;
        }
        self.by_start.insert(at, tail);
    }
}
