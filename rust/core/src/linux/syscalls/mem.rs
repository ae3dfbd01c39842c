//! The address space: brk, mmap, munmap, mprotect, madvise, msync.
//!
//! Placement follows Linux's top-down allocator: mappings without a usable
//! hint go to the highest free range below MMAP_TOP; argument checks and
//! their order follow mm/mmap.c, so the errno a guest sees is the one
//! Linux would give.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::OpenFile;
use crate::linux::layout::{MMAP_MIN, MMAP_TOP, TASK_SIZE};
use crate::linux::uaccess::CHUNK;
use crate::linux::{host, Process};
use crate::mem::{page_down, Memory, Perms, PAGE_MASK, PAGE_SIZE};

const PROT_MASK: u64 = 0x7;
const PROT_SEM: u64 = 0x8;
const PROT_GROWSDOWN: u64 = 0x0100_0000;
const PROT_GROWSUP: u64 = 0x0200_0000;

const MAP_SHARED: u64 = 0x1;
const MAP_PRIVATE: u64 = 0x2;
const MAP_SHARED_VALIDATE: u64 = 0x3;
const MAP_TYPE: u64 = 0xf;
const MAP_FIXED: u64 = 0x10;
const MAP_ANONYMOUS: u64 = 0x20;
const MAP_FIXED_NOREPLACE: u64 = 0x10_0000;

const MADV_DONTNEED: u64 = 4;
const MADV_FREE: u64 = 8;

const MS_ASYNC: u64 = 1;
const MS_INVALIDATE: u64 = 2;
const MS_SYNC: u64 = 4;

/// The most file data one mmap copies in (file mappings are filled when
/// made, not on fault), so a huge file cannot exhaust host memory.
const FILE_MAP_LIMIT: u64 = 1 << 30;

/// Round up to a page; None on overflow.
pub(super) fn page_len(len: u64) -> Option<u64> {
    len.checked_add(PAGE_MASK).map(|l| l & !PAGE_MASK)
}

/// True when nothing is mapped in `[start, end)`.
pub(super) fn is_free(mem: &Memory, start: u64, end: u64) -> bool {
    end > start && mem.find_free(end - start, start, end) == Some(start)
}

/// The heap break. The heap is the anonymous mapping `[brk_start,
/// page_up(brk))`, named "[heap]".
#[derive(Clone, Copy, Debug)]
pub struct Brk {
    pub start: u64,
    pub current: u64,
}

pub fn sys_brk(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let want = a[0];
    let cur = p.brk.current;
    // Below the start (brk(0) included): report the current break.
    if want < p.brk.start {
        return Ok(cur);
    }
    let (Some(new_top), Some(old_top)) = (page_len(want), page_len(cur)) else { return Ok(cur) };
    if new_top < old_top {
        if mem.unmap(new_top, old_top - new_top).is_err() {
            return Ok(cur);
        }
    } else if new_top > old_top {
        // The heap may not run into another mapping, nor leave less than a
        // page before it (check_brk_limits / find_vma_intersection).
        let guard_end = new_top.saturating_add(PAGE_SIZE);
        if guard_end > MMAP_TOP || !is_free(mem, old_top, guard_end) {
            return Ok(cur);
        }
        if mem.map(old_top, new_top - old_top, Perms::RW, "[heap]").is_err() {
            return Ok(cur);
        }
    }
    p.brk.current = want;
    Ok(want)
}

pub fn sys_mmap(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, len, prot, flags, fd, off) = (a[0], a[1], a[2], a[3], a[4], a[5]);
    if off & PAGE_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    let file = if flags & MAP_ANONYMOUS == 0 { Some(p.fds.file(fd)?) } else { None };
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len).ok_or(Errno::ENOMEM)?;
    if off.checked_add(len).is_none_or(|e| e > i64::MAX as u64) {
        return Err(Errno::EOVERFLOW);
    }
    let kind = flags & MAP_TYPE;
    if !matches!(kind, MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE) {
        return Err(Errno::EINVAL);
    }
    let shared = kind != MAP_PRIVATE;
    let perms = Perms::from_prot(prot & PROT_MASK);

    let source = match &file {
        None => Source::Zero,
        Some(f) => file_source(f, shared, prot, off, len)?,
    };
    let start = place(mem, addr, len, flags)?;
    let name = match &source {
        Source::File { name, .. } => name.clone(),
        Source::Zero => String::new(),
    };
    mem.map(start, len, perms, &name).map_err(|_| Errno::ENOMEM)?;
    if let Source::File { fd, size, .. } = source {
        if let Err(e) = fill_from_file(mem, fd, start, off, len.min(size.saturating_sub(off))) {
            let _ = mem.unmap(start, len);
            return Err(e);
        }
    }
    Ok(start)
}

/// Where the contents of a new mapping come from.
enum Source {
    Zero,
    /// A regular host file of `size` bytes (the Arc keeps `fd` open).
    File { fd: i32, size: u64, name: String, _keep: std::sync::Arc<OpenFile> },
}

fn file_source(f: &std::sync::Arc<OpenFile>, shared: bool, prot: u64, off: u64, len: u64) -> Result<Source, Errno> {
    let h = match &**f {
        OpenFile::Host(h) => h.raw(),
        // Pipes and /proc files cannot be mapped; captures are write-only.
        OpenFile::Bytes { .. } => return Err(Errno::ENODEV),
        OpenFile::Capture(_) => return Err(Errno::EACCES),
    };
    let acc = host::fcntl_int(h, libc::F_GETFL, 0)? & libc::O_ACCMODE;
    if acc == libc::O_WRONLY || (shared && prot & 2 != 0 && acc != libc::O_RDWR) {
        return Err(Errno::EACCES);
    }
    let st = host::fstat(h)?;
    match st.st_mode & libc::S_IFMT {
        libc::S_IFREG => {}
        // /dev/zero maps as anonymous memory.
        libc::S_IFCHR if st.st_rdev == libc::makedev(1, 5) => return Ok(Source::Zero),
        _ => return Err(Errno::ENODEV),
    }
    // A writable shared mapping would have to write back to the file,
    // which this address space cannot do: refuse rather than silently
    // lose the writes.
    if shared && prot & 2 != 0 {
        return Err(Errno::ENODEV);
    }
    let size = st.st_size.max(0) as u64;
    if len.min(size.saturating_sub(off)) > FILE_MAP_LIMIT {
        return Err(Errno::ENOMEM);
    }
    let name = host::fd_path(&h).map_or_else(String::new, |p| {
        String::from_utf8_lossy(&p).into_owned()
    });
    Ok(Source::File { fd: h, size, name, _keep: f.clone() })
}

/// Copy `n` bytes of the file at `off` to `start`.
fn fill_from_file(mem: &mut Memory, fd: i32, start: u64, off: u64, n: u64) -> Result<(), Errno> {
    let mut buf = vec![0u8; (n as usize).min(CHUNK)];
    let mut done = 0u64;
    while done < n {
        let want = ((n - done) as usize).min(CHUNK);
        let got = host::pread(fd, &mut buf[..want], (off + done) as i64)?;
        if got == 0 {
            // The file shrank: the rest reads as zero.
            break;
        }
        mem.poke(start + done, &buf[..got]).map_err(|_| Errno::EFAULT)?;
        done += got as u64;
    }
    Ok(())
}

/// Choose the address of a new mapping of `len` bytes (get_unmapped_area).
pub(super) fn place(mem: &Memory, addr: u64, len: u64, flags: u64) -> Result<u64, Errno> {
    if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 {
        if addr & PAGE_MASK != 0 {
            return Err(Errno::EINVAL);
        }
        let end = addr.checked_add(len).filter(|&e| e <= TASK_SIZE).ok_or(Errno::ENOMEM)?;
        if addr < MMAP_MIN {
            // mmap_min_addr: the page at 0 stays unmapped.
            return Err(Errno::EPERM);
        }
        if flags & MAP_FIXED == 0 && !is_free(mem, addr, end) {
            return Err(Errno::EEXIST);
        }
        return Ok(addr);
    }
    if addr != 0 {
        // A hint is taken when the range there is free (a hint below
        // mmap_min_addr is first raised to it).
        let hint = page_len(addr.max(MMAP_MIN)).unwrap_or(u64::MAX);
        if hint.checked_add(len).is_some_and(|e| e <= MMAP_TOP && is_free(mem, hint, e)) {
            return Ok(hint);
        }
    }
    mem.find_free(len, MMAP_MIN, MMAP_TOP).ok_or(Errno::ENOMEM)
}

/// Check and round an (addr, len) pair for munmap-like calls.
fn range(addr: u64, len: u64) -> Result<(u64, u64), Errno> {
    if addr & PAGE_MASK != 0 || len == 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len).ok_or(Errno::EINVAL)?;
    match addr.checked_add(len) {
        Some(end) if end <= TASK_SIZE => Ok((addr, len)),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_munmap(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, len) = range(a[0], a[1])?;
    mem.unmap(addr, len).map_err(|_| Errno::EINVAL)?;
    Ok(0)
}

pub fn sys_mprotect(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, len, prot) = (a[0], a[1], a[2]);
    if prot & !(PROT_MASK | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL);
    }
    // No mapping here grows, so the grows flags have nothing to apply to.
    if prot & (PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL);
    }
    if addr & PAGE_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    if len == 0 {
        return Ok(0);
    }
    let len = page_len(len).ok_or(Errno::ENOMEM)?;
    if addr.checked_add(len).is_none_or(|e| e > TASK_SIZE) || !mem.is_mapped(addr, len) {
        return Err(Errno::ENOMEM);
    }
    mem.protect(addr, len, Perms::from_prot(prot & PROT_MASK)).map_err(|_| Errno::ENOMEM)?;
    Ok(0)
}

pub fn sys_madvise(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, len, advice) = (a[0], a[1], a[2]);
    if addr & PAGE_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    // MADV_NORMAL..MADV_DONTNEED, MADV_FREE, MADV_REMOVE.., the hugepage,
    // merge, dump, fork, cold/pageout, populate and collapse advice.
    let known = matches!(advice, 0..=4 | 8..=25);
    if !known {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len).ok_or(Errno::EINVAL)?;
    if len == 0 {
        return Ok(0);
    }
    let end = addr.checked_add(len).filter(|&e| e <= TASK_SIZE).ok_or(Errno::EINVAL)?;
    if !mem.is_mapped(addr, len) {
        return Err(Errno::ENOMEM);
    }
    if advice == MADV_DONTNEED || advice == MADV_FREE {
        discard(mem, addr, end);
    }
    Ok(0)
}

/// MADV_DONTNEED on anonymous memory: the pages read as zero afterwards
/// (and their host memory is released). File-backed regions keep their
/// contents (Linux would re-read the file).
fn discard(mem: &mut Memory, start: u64, end: u64) {
    let mut at = start;
    while at < end {
        let Some(r) = mem.region_at(at) else { break };
        let (r_end, perms, name) = (r.end.min(end), r.perms, r.name.clone());
        let anonymous = name.is_empty() || name.starts_with('[');
        if anonymous {
            let _ = mem.map(at, r_end - at, perms, &name);
        }
        at = r_end;
    }
}

pub fn sys_msync(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, len, flags) = (a[0], a[1], a[2]);
    if addr & PAGE_MASK != 0
        || flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0
        || (flags & MS_ASYNC != 0 && flags & MS_SYNC != 0)
    {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len).ok_or(Errno::ENOMEM)?;
    if len > 0 && !mem.is_mapped(page_down(addr), len) {
        return Err(Errno::ENOMEM);
    }
    // Nothing is shared with a file, so there is nothing to write back.
    Ok(0)
}
