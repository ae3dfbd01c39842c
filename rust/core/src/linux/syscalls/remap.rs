//! mremap: shrinking, growing in place, and moving mappings (mm/mremap.c).

use super::mem::{is_free, page_len, place};
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::layout::{MMAP_MIN, MMAP_TOP, TASK_SIZE};
use crate::linux::uaccess::CHUNK;
use crate::linux::Process;
use crate::mem::{Memory, Perms, PAGE_MASK, PAGE_SIZE};

const MREMAP_MAYMOVE: u64 = 1;
const MREMAP_FIXED: u64 = 2;
const MREMAP_DONTUNMAP: u64 = 4;

/// The most bytes one move copies. Moving copies page contents (guest
/// memory has no way to hand host pages from one address to another), so
/// this bounds the work and memory of one call; glibc's realloc falls back
/// to malloc + copy when mremap fails.
const MOVE_LIMIT: u64 = 1 << 30;

/// The mapping around `addr` as Linux would see it: adjacent regions with
/// the same permissions and name form one VMA (Linux merges them).
fn vma_at(mem: &Memory, addr: u64) -> Option<(u64, u64, Perms, String)> {
    let r = mem.region_at(addr)?;
    let (perms, name) = (r.perms, r.name.clone());
    let (mut start, mut end) = (r.start, r.end);
    while let Some(prev) = start.checked_sub(1).and_then(|a| mem.region_at(a)) {
        if prev.perms != perms || prev.name != name {
            break;
        }
        start = prev.start;
    }
    while let Some(next) = mem.region_at(end) {
        if next.perms != perms || next.name != name {
            break;
        }
        end = next.end;
    }
    Some((start, end, perms, name))
}

pub fn sys_mremap(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, old_len, new_len, flags, new_addr) = (a[0], a[1], a[2], a[3], a[4]);
    if flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 {
        return Err(Errno::EINVAL);
    }
    if flags & MREMAP_FIXED != 0 && flags & MREMAP_MAYMOVE == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & MREMAP_DONTUNMAP != 0 && (flags & MREMAP_MAYMOVE == 0 || old_len != new_len) {
        return Err(Errno::EINVAL);
    }
    if addr & PAGE_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    let old_len = page_len(old_len).ok_or(Errno::EINVAL)?;
    let new_len = page_len(new_len).ok_or(Errno::EINVAL)?;
    // old_len 0 duplicates a shared mapping; there are none here.
    if new_len == 0 || old_len == 0 {
        return Err(Errno::EINVAL);
    }
    let old_end = addr.checked_add(old_len).filter(|&e| e <= TASK_SIZE).ok_or(Errno::EFAULT)?;
    let (_, vma_end, perms, name) = vma_at(mem, addr).ok_or(Errno::EFAULT)?;
    if old_end > vma_end {
        return Err(Errno::EFAULT);
    }

    if flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 {
        let dest = if flags & MREMAP_FIXED != 0 {
            if new_addr & PAGE_MASK != 0 {
                return Err(Errno::EINVAL);
            }
            let new_end = new_addr.checked_add(new_len).filter(|&e| e <= TASK_SIZE).ok_or(Errno::EINVAL)?;
            if new_addr < old_end && addr < new_end {
                return Err(Errno::EINVAL);
            }
            if new_addr < MMAP_MIN {
                return Err(Errno::EPERM);
            }
            new_addr
        } else {
            // MREMAP_DONTUNMAP alone: new_addr is a hint.
            place(mem, new_addr, new_len, 0)?
        };
        return move_mapping(mem, addr, old_len, dest, new_len, perms, &name, flags);
    }
    if new_len <= old_len {
        if new_len < old_len {
            mem.unmap(addr + new_len, old_len - new_len).map_err(|_| Errno::EINVAL)?;
        }
        return Ok(addr);
    }
    // Grow in place when the range ends its VMA and the space after it is
    // free.
    if old_end == vma_end {
        let new_end = addr.checked_add(new_len).filter(|&e| e <= MMAP_TOP);
        if let Some(new_end) = new_end.filter(|&e| is_free(mem, old_end, e)) {
            mem.map(old_end, new_end - old_end, perms, &name).map_err(|_| Errno::ENOMEM)?;
            return Ok(addr);
        }
    }
    if flags & MREMAP_MAYMOVE == 0 {
        return Err(Errno::ENOMEM);
    }
    let dest = mem.find_free(new_len, MMAP_MIN, MMAP_TOP).ok_or(Errno::ENOMEM)?;
    move_mapping(mem, addr, old_len, dest, new_len, perms, &name, flags)
}

/// Move `[from, from+old_len)` to a new mapping `[to, to+new_len)` (which
/// does not overlap it), keeping permissions and name; the old range is
/// unmapped, or with MREMAP_DONTUNMAP left mapped and empty.
#[allow(clippy::too_many_arguments)]
fn move_mapping(
    mem: &mut Memory,
    from: u64,
    old_len: u64,
    to: u64,
    new_len: u64,
    perms: Perms,
    name: &str,
    flags: u64,
) -> SysResult {
    let copy = old_len.min(new_len);
    if copy > MOVE_LIMIT {
        return Err(Errno::ENOMEM);
    }
    mem.map(to, new_len, perms, name).map_err(|_| Errno::ENOMEM)?;
    // Chunk by chunk, releasing each source chunk once copied and skipping
    // all-zero pages (the new mapping reads as zero already), so moving a
    // sparse mapping does not make it resident.
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    while done < copy {
        let n = (copy - done).min(CHUNK as u64);
        let chunk = &mut buf[..n as usize];
        mem.peek(from + done, chunk).map_err(|_| Errno::EFAULT)?;
        for (i, page) in chunk.chunks(PAGE_SIZE as usize).enumerate() {
            if page.iter().any(|&b| b != 0) {
                let at = to + done + (i as u64) * PAGE_SIZE;
                mem.poke(at, page).map_err(|_| Errno::EFAULT)?;
            }
        }
        let _ = mem.unmap(from + done, n);
        done += n;
    }
    let _ = mem.unmap(from, old_len);
    if flags & MREMAP_DONTUNMAP != 0 {
        mem.map(from, old_len, perms, name).map_err(|_| Errno::ENOMEM)?;
    }
    Ok(to)
}
