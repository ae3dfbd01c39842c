//! brk, mmap, munmap, mprotect, mremap, madvise.

use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::linux::layout::{MMAP_TOP, TASK_SIZE};
use crate::mem::FaultKind;

const PROT_R: u64 = 1;
const PROT_RW: u64 = 3;
const MAP_SHARED: u64 = 0x1;
const MAP_PRIVATE: u64 = 0x2;
const MAP_FIXED: u64 = 0x10;
const MAP_ANON: u64 = 0x20;
const MAP_FIXED_NOREPLACE: u64 = 0x100000;
const ANON: u64 = MAP_PRIVATE | MAP_ANON;

fn mmap(g: &mut Guest, addr: u64, len: u64, prot: u64, flags: u64, fd: u64, off: u64) -> i64 {
    g.call(nr::MMAP, &[addr, len, prot, flags, fd, off])
}

#[test]
fn brk_grows_and_shrinks() {
    let mut g = Guest::new();
    let start = g.call(nr::BRK, &[0]) as u64;
    assert_eq!(start, 0x14000);
    assert!(g.mem.region_at(start).is_none(), "no heap mapped yet");
    assert_eq!(g.call(nr::BRK, &[start + 0x1800]) as u64, start + 0x1800);
    let heap = g.mem.region_at(start).unwrap().clone();
    assert_eq!((heap.start, heap.end, heap.perms, heap.name.as_str()), (start, start + 0x2000, Perms::RW, "[heap]"));
    g.mem.write_u64(start + 0x1ff8, 7).unwrap();
    assert_eq!(g.call(nr::BRK, &[0]) as u64, start + 0x1800);
    // Shrinking unmaps the pages above the new break.
    assert_eq!(g.call(nr::BRK, &[start + 0x100]) as u64, start + 0x100);
    assert!(g.mem.region_at(start + 0x1000).is_none());
    assert!(g.mem.region_at(start).is_some());
    // Below the start: the break stays.
    assert_eq!(g.call(nr::BRK, &[start - 0x1000]) as u64, start + 0x100);
    // Growing back gives zeroed pages.
    assert_eq!(g.call(nr::BRK, &[start + 0x2000]) as u64, start + 0x2000);
    assert_eq!(g.mem.read_u64(start + 0x1ff8).unwrap(), 0);
}

#[test]
fn brk_stops_at_other_mappings() {
    let mut g = Guest::new();
    let start = g.call(nr::BRK, &[0]) as u64;
    assert_eq!(mmap(&mut g, start + 0x10000, 0x1000, PROT_RW, ANON | MAP_FIXED, 0, 0) as u64, start + 0x10000);
    assert_eq!(g.call(nr::BRK, &[start + 0x20000]) as u64, start);
    // It also keeps a page of distance.
    assert_eq!(g.call(nr::BRK, &[start + 0xf000]) as u64, start + 0xf000);
    assert_eq!(g.call(nr::BRK, &[start + 0xf001]) as u64, start + 0xf000);
    // Absurd requests are refused without harm.
    assert_eq!(g.call(nr::BRK, &[u64::MAX]) as u64, start + 0xf000);
    assert_eq!(g.call(nr::BRK, &[TASK_SIZE]) as u64, start + 0xf000);
}

#[test]
fn anonymous_mappings_go_top_down() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0, 0x3000, PROT_RW, ANON, u64::MAX, 0) as u64;
    assert_eq!(a, MMAP_TOP - 0x3000);
    let b = mmap(&mut g, 0, 10, PROT_R, ANON, 0, 0) as u64;
    assert_eq!(b, a - 0x1000, "length rounded up to a page");
    let r = g.mem.region_at(a).unwrap();
    assert_eq!((r.start, r.end, r.perms, r.name.as_str()), (a, a + 0x3000, Perms::RW, ""));
    assert_eq!(g.mem.region_at(b).unwrap().perms, Perms::R);
    assert_eq!(g.mem.read_u64(a + 0x2ff8).unwrap(), 0);
    g.mem.write_u64(a, 0x1122).unwrap();
    assert_eq!(
        g.mem.write_u8(b, 1).unwrap_err().kind,
        FaultKind::Protection,
        "PROT_READ only"
    );
    // A free hint is taken as is, a busy one is not.
    let hint = 0x5000_0000;
    assert_eq!(mmap(&mut g, hint, 0x2000, PROT_RW, ANON, 0, 0) as u64, hint);
    let c = mmap(&mut g, hint, 0x2000, PROT_RW, ANON, 0, 0) as u64;
    assert_ne!(c, hint);
    assert_eq!(c, b - 0x2000);
    // A hint below mmap_min_addr is raised to it: 0x10000 holds the
    // executable, so the mapping goes top-down.
    assert_eq!(mmap(&mut g, 0x1000, 0x1000, PROT_RW, ANON, 0, 0) as u64, c - 0x1000);
}

#[test]
fn map_fixed() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0, 0x4000, PROT_RW, ANON, 0, 0) as u64;
    g.mem.write_u64(a + 0x1000, 99).unwrap();
    g.mem.write_u64(a + 0x3000, 98).unwrap();
    // MAP_FIXED replaces the middle with fresh zero pages.
    assert_eq!(mmap(&mut g, a + 0x1000, 0x1000, PROT_R, ANON | MAP_FIXED, 0, 0) as u64, a + 0x1000);
    assert_eq!(g.mem.read_u64(a + 0x1000).unwrap(), 0);
    assert_eq!(g.mem.read_u64(a + 0x3000).unwrap(), 98);
    assert_eq!(g.mem.region_at(a + 0x1000).unwrap().perms, Perms::R);
    assert_eq!(
        mmap(&mut g, a, 0x1000, PROT_RW, ANON | MAP_FIXED_NOREPLACE, 0, 0),
        err(Errno::EEXIST)
    );
    assert_eq!(mmap(&mut g, a - 0x1000, 0x1000, PROT_RW, ANON | MAP_FIXED_NOREPLACE, 0, 0) as u64, a - 0x1000);
    assert_eq!(mmap(&mut g, a + 1, 0x1000, PROT_RW, ANON | MAP_FIXED, 0, 0), err(Errno::EINVAL));
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_RW, ANON | MAP_FIXED, 0, 0), err(Errno::EPERM));
    assert_eq!(mmap(&mut g, TASK_SIZE - 0x1000, 0x2000, PROT_RW, ANON | MAP_FIXED, 0, 0), err(Errno::ENOMEM));
    assert_eq!(mmap(&mut g, !0xfff, 0x2000, PROT_RW, ANON | MAP_FIXED, 0, 0), err(Errno::ENOMEM));
}

#[test]
fn mmap_argument_errors() {
    let mut g = Guest::new();
    assert_eq!(mmap(&mut g, 0, 0, PROT_RW, ANON, 0, 0), err(Errno::EINVAL), "zero length");
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_RW, MAP_ANON, 0, 0), err(Errno::EINVAL), "neither private nor shared");
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_RW, ANON, 0, 0x10), err(Errno::EINVAL), "unaligned offset");
    assert_eq!(mmap(&mut g, 0, u64::MAX - 10, PROT_RW, ANON, 0, 0), err(Errno::ENOMEM));
    assert_eq!(mmap(&mut g, 0, 1 << 46, PROT_RW, ANON, 0, 0), err(Errno::ENOMEM), "larger than the space");
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_RW, MAP_PRIVATE, 42, 0), err(Errno::EBADF));
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_R, MAP_PRIVATE, 0, 0), err(Errno::ENODEV), "stdin bytes");
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_R, MAP_PRIVATE, 1, 0), err(Errno::EACCES), "write-only");
    // A shared anonymous mapping is ordinary memory for one process.
    assert!(mmap(&mut g, 0, 0x1000, PROT_RW, MAP_SHARED | MAP_ANON, 0, 0) > 0);
}

#[test]
fn big_lazy_mapping_costs_nothing_until_touched() {
    let mut g = Guest::new();
    let before = g.mem.resident_bytes();
    let a = mmap(&mut g, 0, 64 << 30, PROT_RW, ANON, 0, 0) as u64;
    assert_eq!(a, MMAP_TOP - (64 << 30));
    g.mem.write_u8(a + (32 << 30), 1).unwrap();
    assert_eq!(g.mem.resident_bytes() - before, 4096);
}

fn open_file(g: &mut Guest, path: &std::path::Path, flags: u64) -> u64 {
    let p = g.cstr(SCRATCH + 0x8000, path.to_str().unwrap());
    let fd = g.call(nr::OPENAT, &[-100i64 as u64, p, flags]);
    assert!(fd >= 0, "open {path:?}: {fd}");
    fd as u64
}

#[test]
fn file_mappings() {
    let dir = temp_dir("mmapfile");
    let path = dir.join("data");
    let content: Vec<u8> = (0..0x2100u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let mut g = Guest::new();
    let fd = open_file(&mut g, &path, 0);
    let a = mmap(&mut g, 0, 0x3000, PROT_RW, MAP_PRIVATE, fd, 0) as u64;
    assert_eq!(g.peek(a, 0x2100), content);
    // Past the end of file: zero.
    assert!(g.peek(a + 0x2100, 0xf00).iter().all(|&b| b == 0));
    assert_eq!(g.mem.region_at(a).unwrap().name, std::fs::canonicalize(&path).unwrap().to_str().unwrap());
    // Private: writes stay in memory.
    g.mem.write_u8(a, 0xff).unwrap();
    assert_eq!(std::fs::read(&path).unwrap()[0], 0);
    // With an offset.
    let b = mmap(&mut g, 0, 0x1000, PROT_R, MAP_PRIVATE, fd, 0x1000) as u64;
    assert_eq!(g.peek(b, 0x1000), &content[0x1000..0x2000]);
    // Shared read-only is a snapshot too; shared writable is refused
    // (nothing would reach the file), as is a write-only descriptor.
    assert!(mmap(&mut g, 0, 0x1000, PROT_R, MAP_SHARED, fd, 0) > 0);
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_RW, MAP_SHARED, fd, 0), err(Errno::EACCES), "read-only fd");
    let rw = open_file(&mut g, &path, 2);
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_RW, MAP_SHARED, rw, 0), err(Errno::ENODEV));
    let wo = open_file(&mut g, &path, 1);
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_R, MAP_PRIVATE, wo, 0), err(Errno::EACCES));
    // Directories cannot be mapped; /dev/zero maps as zeros.
    let d = open_file(&mut g, &dir, 0o200000);
    assert_eq!(mmap(&mut g, 0, 0x1000, PROT_R, MAP_PRIVATE, d, 0), err(Errno::ENODEV));
    let zero = open_file(&mut g, std::path::Path::new("/dev/zero"), 2);
    let z = mmap(&mut g, 0, 0x2000, PROT_RW, MAP_PRIVATE, zero, 0) as u64;
    assert!(g.peek(z, 0x2000).iter().all(|&b| b == 0));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn munmap() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0, 0x3000, PROT_RW, ANON, 0, 0) as u64;
    assert_eq!(g.call(nr::MUNMAP, &[a + 0x1000, 0x1000]), 0);
    assert_eq!(g.mem.read_u8(a + 0x1000).unwrap_err().kind, FaultKind::Unmapped);
    assert!(g.mem.read_u8(a).is_ok());
    assert!(g.mem.read_u8(a + 0x2000).is_ok());
    assert_eq!(g.call(nr::MUNMAP, &[a + 0x1000, 0x1000]), 0, "already unmapped is fine");
    assert_eq!(g.call(nr::MUNMAP, &[a + 1, 0x1000]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MUNMAP, &[a, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MUNMAP, &[a, u64::MAX]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MUNMAP, &[TASK_SIZE, 0x1000]), err(Errno::EINVAL));
    // Syscalls see the hole.
    assert_eq!(g.call(nr::WRITE, &[1, a + 0x1000, 1]), err(Errno::EFAULT));
}

#[test]
fn mprotect() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0, 0x2000, PROT_RW, ANON, 0, 0) as u64;
    g.mem.write_u8(a, 5).unwrap();
    assert_eq!(g.call(nr::MPROTECT, &[a, 0x1000, PROT_R]), 0);
    assert_eq!(g.mem.write_u8(a, 1).unwrap_err().kind, FaultKind::Protection);
    assert_eq!(g.mem.read_u8(a).unwrap(), 5, "contents kept");
    assert!(g.mem.write_u8(a + 0x1000, 1).is_ok());
    assert_eq!(g.call(nr::READ, &[0, a, 4]), err(Errno::EFAULT), "read() into it faults too");
    assert_eq!(g.call(nr::MPROTECT, &[a, 0x1000, 0]), 0);
    assert_eq!(g.mem.read_u8(a).unwrap_err().kind, FaultKind::Protection);
    assert_eq!(g.call(nr::MPROTECT, &[a, 0x1000, 7]), 0);
    assert_eq!(g.mem.fetch_u8(a).unwrap(), 5);
    assert_eq!(g.call(nr::MPROTECT, &[a, 0, PROT_R]), 0, "empty range");
    assert_eq!(g.call(nr::MPROTECT, &[a + 1, 0x1000, PROT_R]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MPROTECT, &[a, 0x1000, 0x10]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MPROTECT, &[a, 0x1000, 0x0100_0000]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MPROTECT, &[a, 0x3000, PROT_R]), err(Errno::ENOMEM), "runs past the mapping");
    assert_eq!(g.call(nr::MPROTECT, &[UNMAPPED, 0x1000, PROT_R]), err(Errno::ENOMEM));
    assert_eq!(g.call(nr::MPROTECT, &[a, u64::MAX, PROT_R]), err(Errno::ENOMEM));
}

const MREMAP_MAYMOVE: u64 = 1;
const MREMAP_FIXED: u64 = 2;
const MREMAP_DONTUNMAP: u64 = 4;

#[test]
fn mremap_shrink_and_grow() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0x6000_0000, 0x3000, PROT_RW, ANON, 0, 0) as u64;
    assert_eq!(a, 0x6000_0000);
    g.mem.write_u64(a, 0xabc).unwrap();
    assert_eq!(g.call(nr::MREMAP, &[a, 0x3000, 0x1000, 0]) as u64, a);
    assert!(g.mem.region_at(a + 0x1000).is_none());
    // Grows in place into the free space after it.
    assert_eq!(g.call(nr::MREMAP, &[a, 0x1000, 0x5000, 0]) as u64, a);
    let r = g.mem.region_at(a + 0x4000).unwrap();
    assert_eq!((r.perms, r.end), (Perms::RW, a + 0x5000));
    assert_eq!(g.mem.read_u64(a).unwrap(), 0xabc);
    assert_eq!(g.mem.read_u64(a + 0x4000).unwrap(), 0);
    // Blocked: without MAYMOVE, ENOMEM; with it, moved with its contents.
    assert_eq!(mmap(&mut g, a + 0x5000, 0x1000, PROT_R, ANON | MAP_FIXED, 0, 0) as u64, a + 0x5000);
    assert_eq!(g.call(nr::MREMAP, &[a, 0x5000, 0x8000, 0]), err(Errno::ENOMEM));
    g.mem.write_u64(a + 0x4ff8, 0xdef).unwrap();
    let b = g.call(nr::MREMAP, &[a, 0x5000, 0x8000, MREMAP_MAYMOVE]) as u64;
    assert_ne!(b, a);
    assert_eq!(g.mem.read_u64(b).unwrap(), 0xabc);
    assert_eq!(g.mem.read_u64(b + 0x4ff8).unwrap(), 0xdef);
    assert_eq!(g.mem.read_u64(b + 0x7ff8).unwrap(), 0);
    assert!(g.mem.region_at(a).is_none(), "old range unmapped");
    assert_eq!(g.mem.region_at(b).unwrap().perms, Perms::RW);
}

#[test]
fn mremap_fixed_and_dontunmap() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0x6000_0000, 0x2000, PROT_RW, ANON, 0, 0) as u64;
    g.mem.write_u64(a + 8, 42).unwrap();
    let to = 0x7000_0000;
    assert_eq!(g.call(nr::MREMAP, &[a, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, to]) as u64, to);
    assert_eq!(g.mem.read_u64(to + 8).unwrap(), 42);
    assert!(g.mem.region_at(a).is_none());
    // DONTUNMAP leaves the old range mapped and empty.
    let c = g.call(nr::MREMAP, &[to, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_DONTUNMAP]) as u64;
    assert_ne!(c, to);
    assert_eq!(g.mem.read_u64(c + 8).unwrap(), 42);
    assert_eq!(g.mem.read_u64(to + 8).unwrap(), 0);
    // Argument errors.
    assert_eq!(g.call(nr::MREMAP, &[c, 0x2000, 0x1000, 8]), err(Errno::EINVAL), "unknown flag");
    assert_eq!(g.call(nr::MREMAP, &[c, 0x2000, 0x2000, MREMAP_FIXED, to]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MREMAP, &[c, 0x2000, 0x3000, MREMAP_MAYMOVE | MREMAP_DONTUNMAP]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MREMAP, &[c + 1, 0x1000, 0x1000, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MREMAP, &[c, 0x2000, 0, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MREMAP, &[c, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, c + 0x1000]), err(Errno::EINVAL), "overlap");
    assert_eq!(g.call(nr::MREMAP, &[UNMAPPED, 0x1000, 0x2000, MREMAP_MAYMOVE]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::MREMAP, &[c, 0x9000, 0xa000, MREMAP_MAYMOVE]), err(Errno::EFAULT), "beyond the mapping");
}

#[test]
fn mremap_spans_adjacent_mappings_like_one_vma() {
    // Two adjacent anonymous mappings with the same protection are one VMA
    // on Linux; mremap may take them together.
    let mut g = Guest::new();
    let a = 0x6000_0000;
    mmap(&mut g, a, 0x1000, PROT_RW, ANON | MAP_FIXED, 0, 0);
    mmap(&mut g, a + 0x1000, 0x1000, PROT_RW, ANON | MAP_FIXED, 0, 0);
    g.mem.write_u8(a + 0x1000, 9).unwrap();
    let b = g.call(nr::MREMAP, &[a, 0x2000, 0x4000, MREMAP_MAYMOVE]) as u64;
    assert_eq!(b, a, "grown in place");
    assert_eq!(g.mem.read_u8(a + 0x1000).unwrap(), 9);
}

#[test]
fn madvise_dontneed_zeroes_anonymous_memory() {
    let mut g = Guest::new();
    let a = mmap(&mut g, 0, 0x3000, PROT_RW, ANON, 0, 0) as u64;
    g.mem.write_u64(a, 1).unwrap();
    g.mem.write_u64(a + 0x1000, 2).unwrap();
    assert_eq!(g.call(nr::MADVISE, &[a + 0x1000, 0x1000, 4]), 0);
    assert_eq!(g.mem.read_u64(a).unwrap(), 1);
    assert_eq!(g.mem.read_u64(a + 0x1000).unwrap(), 0);
    assert_eq!(g.mem.region_at(a + 0x1000).unwrap().perms, Perms::RW);
    assert_eq!(g.call(nr::MADVISE, &[a, 0x3000, 3]), 0, "WILLNEED");
    assert_eq!(g.call(nr::MADVISE, &[a, 0x3000, 999]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MADVISE, &[a + 1, 0x1000, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::MADVISE, &[a, 0x4000, 0]), err(Errno::ENOMEM));
}
