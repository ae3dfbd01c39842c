//! File attributes and links: fchmod, fchmodat(2), fchown, fchownat,
//! utimensat, linkat, symlinkat, truncate, ftruncate, statfs, fstatfs,
//! fsync, fadvise64.

use super::fs::{path, path_arg, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW};
use super::resolve::{at, last_of, At, Last};
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{MemKind, OpenFile};
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

/// The host descriptor of a guest fd; in-memory streams have no inode
/// whose attributes could change.
fn host_fd(p: &Process, fd: u64) -> Result<(std::sync::Arc<crate::linux::fd::OpenFile>, i32), Errno> {
    let file = p.fds.file(fd)?;
    let h = file.host_fd().ok_or(Errno::EBADF)?;
    Ok((file, h))
}

pub fn sys_fchmod(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (_keep, h) = host_fd(p, a[0])?;
    host::fchmod(h, a[1] as u32 & 0o7777)?;
    Ok(0)
}

pub fn sys_fchmodat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    chmod_at(p, mem, a[0], a[1], a[2] as u32, 0)
}

pub fn sys_fchmodat2(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    chmod_at(p, mem, a[0], a[1], a[2] as u32, a[3] as u32)
}

fn chmod_at(p: &Process, mem: &mut Memory, dirfd: u64, addr: u64, mode: u32, flags: u32) -> SysResult {
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let path = path_arg(mem, addr, flags)?;
    let d = at(p, dirfd, &path, last_of(flags), false)?;
    host::fchmodat(d.fd, &d.path, mode & 0o7777, flags as i32)?;
    Ok(0)
}

pub fn sys_fchown(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (_keep, h) = host_fd(p, a[0])?;
    host::fchown(h, a[1] as u32, a[2] as u32)?;
    Ok(0)
}

pub fn sys_fchownat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let flags = a[4] as u32;
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let path = path_arg(mem, a[1], flags)?;
    let d = at(p, a[0], &path, last_of(flags), false)?;
    host::fchownat(d.fd, &d.path, a[2] as u32, a[3] as u32, flags as i32)?;
    Ok(0)
}

pub fn sys_utimensat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (dirfd, addr, times, flags) = (a[0], a[1], a[2], a[3] as u32);
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let times = if times != 0 { Some(uaccess::read_array::<32>(mem, times)?) } else { None };
    // A null path means dirfd itself (how futimens is implemented).
    if addr == 0 {
        if dirfd as i32 == AT_FDCWD {
            return Err(Errno::EFAULT);
        }
        let (_keep, h) = host_fd(p, dirfd)?;
        host::utimensat(h, None, times.as_ref(), flags as i32)?;
        return Ok(0);
    }
    let path = path_arg(mem, addr, flags)?;
    let d = at(p, dirfd, &path, last_of(flags), false)?;
    host::utimensat(d.fd, Some(&d.path), times.as_ref(), flags as i32)?;
    Ok(0)
}

pub fn sys_linkat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let flags = a[4] as u32;
    // AT_SYMLINK_FOLLOW (0x400) and AT_EMPTY_PATH.
    if flags & !(0x400 | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let old = path_arg(mem, a[1], flags)?;
    let new = path(mem, a[3])?;
    // AT_SYMLINK_FOLLOW: link the file a final symbolic link names.
    let old_last = if flags & 0x400 != 0 { Last::Follow } else { Last::NoFollow };
    let od = at(p, a[0], &old, old_last, false)?;
    let nd = at(p, a[2], &new, Last::NoFollow, false)?;
    host::linkat(od.fd, &od.path, nd.fd, &nd.path, flags as i32)?;
    Ok(0)
}

pub fn sys_symlinkat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let target = path(mem, a[0])?;
    let link = path(mem, a[2])?;
    let d = at(p, a[1], &link, Last::NoFollow, false)?;
    host::symlinkat(&target, d.fd, &d.path)?;
    Ok(0)
}

/// A path-only call (truncate, statfs) on a resolved path: the host
/// resolves a relative one through /proc/self/fd of its directory.
fn path_only(d: &At) -> Result<std::ffi::CString, Errno> {
    if d.path.to_bytes().first() == Some(&b'/') {
        return Ok(d.path.clone());
    }
    let mut full = format!("/proc/self/fd/{}/", d.fd).into_bytes();
    full.extend_from_slice(d.path.to_bytes());
    std::ffi::CString::new(full).map_err(|_| Errno::EINVAL)
}

pub fn sys_truncate(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let path = path(mem, a[0])?;
    let len = a[1] as i64;
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    let d = at(p, AT_FDCWD as u64, &path, Last::Follow, false)?;
    host::truncate(&path_only(&d)?, len)?;
    Ok(0)
}

pub fn sys_ftruncate(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let file = p.fds.file(a[0])?;
    let h = file.host_fd().ok_or(Errno::EINVAL)?;
    host::ftruncate(h, a[1] as i64)?;
    Ok(0)
}

pub fn sys_statfs(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let path = path(mem, a[0])?;
    let d = at(p, AT_FDCWD as u64, &path, Last::Follow, true)?;
    let buf = host::statfs(&path_only(&d)?)?;
    uaccess::write(mem, a[1], &buf)?;
    Ok(0)
}

pub fn sys_fstatfs(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (_keep, h) = host_fd(p, a[0])?;
    let buf = host::fstatfs(h)?;
    uaccess::write(mem, a[1], &buf)?;
    Ok(0)
}

pub fn sys_fsync(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let file = p.fds.file(a[0])?;
    match file.host_fd() {
        Some(h) => host::fsync(h).map(|_| 0),
        // Pipes cannot be synced.
        None => Err(Errno::EINVAL),
    }
}

/// POSIX_FADV_NORMAL .. POSIX_FADV_NOREUSE: the advice values Linux knows.
const POSIX_FADV_MAX: u64 = 5;

/// fadvise64(fd, offset, len, advice): a hint, passed on to the host file.
/// Errors as mm/fadvise.c: a pipe is ESPIPE, unknown advice or a negative
/// length EINVAL.
pub fn sys_fadvise64(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let file = p.fds.file(a[0])?;
    let (offset, len) = (a[1] as i64, a[2] as i64);
    match &*file {
        OpenFile::Host(h) => {
            if host::fstat(h.raw())?.st_mode & libc::S_IFMT == libc::S_IFIFO {
                return Err(Errno::ESPIPE);
            }
            if a[3] > POSIX_FADV_MAX || len < 0 {
                return Err(Errno::EINVAL);
            }
            host::fadvise(h.raw(), offset, len, a[3] as i32)?;
        }
        OpenFile::Bytes { kind: MemKind::Pipe, .. } | OpenFile::Capture(_) => return Err(Errno::ESPIPE),
        // A /proc file has no page cache to advise about.
        OpenFile::Bytes { kind: MemKind::Proc(_), .. } => {
            if a[3] > POSIX_FADV_MAX || len < 0 {
                return Err(Errno::EINVAL);
            }
        }
    }
    Ok(0)
}
