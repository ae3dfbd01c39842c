//! Descriptor operations: close, dup, dup3, pipe2, fcntl, ioctl.

use std::sync::Arc;

use super::oflags::{self, O_CLOEXEC, O_DIRECT, O_LARGEFILE, O_NONBLOCK, O_WRONLY};
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{FdEntry, MemKind, OpenFile};
use crate::linux::procfs::ProcFile;
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

const F_DUPFD: u32 = 0;
const F_GETFD: u32 = 1;
const F_SETFD: u32 = 2;
const F_GETFL: u32 = 3;
const F_SETFL: u32 = 4;
const F_GETLK: u32 = 5;
const F_SETLK: u32 = 6;
const F_SETLKW: u32 = 7;
const F_OFD_GETLK: u32 = 36;
const F_OFD_SETLK: u32 = 37;
const F_OFD_SETLKW: u32 = 38;
const F_DUPFD_CLOEXEC: u32 = 1030;
const F_SETPIPE_SZ: u32 = 1031;
const F_GETPIPE_SZ: u32 = 1032;
const FD_CLOEXEC: u64 = 1;

const TCGETS: u32 = 0x5401;
const TCSETS: u32 = 0x5402;
const TCSETSW: u32 = 0x5403;
const TCSETSF: u32 = 0x5404;
const TIOCGWINSZ: u32 = 0x5413;
const FIONREAD: u32 = 0x541b;
const FIONCLEX: u32 = 0x5450;
const FIOCLEX: u32 = 0x5451;

pub fn sys_close(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    p.fds.remove(a[0]).map(|_| 0)
}

pub fn sys_dup(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let file = p.fds.file(a[0])?;
    let limit = p.nofile_limit();
    p.fds.insert(FdEntry::new(file, false), 0, limit).map(|fd| fd as u64)
}

pub fn sys_dup3(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (old, new, flags) = (a[0], a[1] as u32, a[2] as u32);
    if flags & !O_CLOEXEC != 0 || old as u32 == new {
        return Err(Errno::EINVAL);
    }
    if new as u64 >= p.nofile_limit() {
        return Err(Errno::EBADF);
    }
    let file = p.fds.file(old)?;
    p.fds.install(new as i32, FdEntry::new(file, flags & O_CLOEXEC != 0));
    Ok(new as u64)
}

pub fn sys_pipe2(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, flags) = (a[0], a[1] as u32);
    if flags & !(O_CLOEXEC | O_NONBLOCK | O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    let (r, w) = host::pipe2(oflags::to_host(flags & (O_NONBLOCK | O_DIRECT)))?;
    let cloexec = flags & O_CLOEXEC != 0;
    let limit = p.nofile_limit();
    let rfd = p.fds.insert(FdEntry::new(OpenFile::host(r), cloexec), 0, limit)?;
    let wfd = match p.fds.insert(FdEntry::new(OpenFile::host(w), cloexec), 0, limit) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = p.fds.remove(rfd as u64);
            return Err(e);
        }
    };
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&rfd.to_le_bytes());
    out[4..].copy_from_slice(&wfd.to_le_bytes());
    if let Err(e) = uaccess::write(mem, addr, &out) {
        // Linux closes both ends when the result cannot be stored.
        let _ = p.fds.remove(rfd as u64);
        let _ = p.fds.remove(wfd as u64);
        return Err(e);
    }
    Ok(0)
}

pub fn sys_fcntl(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (fd, cmd, arg) = (a[0], a[1] as u32, a[2]);
    let entry = p.fds.get(fd)?.clone();
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            let limit = p.nofile_limit();
            let min = arg as i32;
            if min < 0 || min as u64 >= limit {
                return Err(Errno::EINVAL);
            }
            let entry = FdEntry::new(entry.file, cmd == F_DUPFD_CLOEXEC);
            p.fds.insert(entry, min, limit).map(|fd| fd as u64)
        }
        F_GETFD => Ok(if entry.cloexec { FD_CLOEXEC } else { 0 }),
        F_SETFD => {
            p.fds.get_mut(fd)?.cloexec = arg & FD_CLOEXEC != 0;
            Ok(0)
        }
        F_GETFL => Ok(status_flags(&entry.file)? as u64),
        F_SETFL => match entry.file.host_fd() {
            // Only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME and O_ASYNC
            // change (setfl); the host ignores the rest the same way.
            Some(h) => host::fcntl_int(h, libc::F_SETFL, oflags::to_host(arg as u32)).map(|_| 0),
            None => Ok(0),
        },
        F_GETLK | F_SETLK | F_SETLKW | F_OFD_GETLK | F_OFD_SETLK | F_OFD_SETLKW => {
            let h = entry.file.host_fd().ok_or(Errno::EINVAL)?;
            let mut lock = uaccess::read_array::<{ host::FLOCK_SIZE }>(mem, arg)?;
            host::fcntl_lock(h, cmd as i32, &mut lock)?;
            if cmd == F_GETLK || cmd == F_OFD_GETLK {
                uaccess::write(mem, arg, &lock)?;
            }
            Ok(0)
        }
        F_GETPIPE_SZ | F_SETPIPE_SZ => {
            let h = entry.file.host_fd().ok_or(Errno::EBADF)?;
            host::fcntl_int(h, cmd as i32, arg as i32).map(|n| n as u64)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// F_GETFL of a description.
fn status_flags(file: &Arc<OpenFile>) -> Result<u32, Errno> {
    match &**file {
        OpenFile::Host(h) => host::fcntl_int(h.raw(), libc::F_GETFL, 0).map(oflags::from_host),
        OpenFile::Bytes { kind: MemKind::Pipe, .. } => Ok(0),
        OpenFile::Bytes { kind: MemKind::Proc(ProcFile::FdDir), .. } => Ok(O_LARGEFILE | oflags::O_DIRECTORY),
        OpenFile::Bytes { kind: MemKind::Proc(_), .. } => Ok(O_LARGEFILE),
        OpenFile::Capture(_) => Ok(O_WRONLY),
    }
}

pub fn sys_ioctl(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (fd, req, arg) = (a[0], a[1] as u32, a[2]);
    let file = p.fds.file(fd)?;
    match req {
        FIOCLEX | FIONCLEX => {
            p.fds.get_mut(fd)?.cloexec = req == FIOCLEX;
            return Ok(0);
        }
        FIONREAD => {
            let n = match &*file {
                OpenFile::Host(h) => host::fionread(h.raw())?,
                OpenFile::Bytes { data, pos, .. } => {
                    let pos = *pos.lock().unwrap_or_else(|e| e.into_inner());
                    i32::try_from(data.len().saturating_sub(pos)).unwrap_or(i32::MAX)
                }
                OpenFile::Capture(_) => 0,
            };
            uaccess::write_u32(mem, arg, n as u32)?;
            return Ok(0);
        }
        _ => {}
    }
    // The rest are terminal requests: anything but a host terminal is not
    // one (ENOTTY), and an unknown request is ENOTTY too, as tty_ioctl
    // answers for commands no layer knows.
    let h = file.host_fd().ok_or(Errno::ENOTTY)?;
    match req {
        TCGETS => {
            let t = host::tcgets(h)?;
            uaccess::write(mem, arg, &t)?;
            Ok(0)
        }
        TCSETS | TCSETSW | TCSETSF => {
            let t = uaccess::read_array::<{ host::TERMIOS_SIZE }>(mem, arg)?;
            host::tcsets(h, req as libc::Ioctl, &t)?;
            Ok(0)
        }
        TIOCGWINSZ => {
            let w = host::winsize(h)?;
            uaccess::write(mem, arg, &w)?;
            Ok(0)
        }
        _ => Err(Errno::ENOTTY),
    }
}
