//! Reading and writing: read, write, readv, writev, pread64, pwrite64,
//! preadv, pwritev, lseek.
//!
//! Data moves through a bounded bounce buffer. Before a host read, the
//! guest buffer is checked for the part that is writable: only that much is
//! read, so bytes are never consumed from a pipe and then lost to a fault
//! (Linux's pipe_read likewise leaves data it could not copy). A request
//! whose first byte is inaccessible is EFAULT; one that becomes
//! inaccessible part-way transfers the accessible part.

use std::sync::Mutex;

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{HostFd, MemKind, OpenFile};
use crate::linux::procfs::ProcFile;
use crate::linux::uaccess::{self, CHUNK};
use crate::linux::{host, Process};
use crate::mem::{Access, Memory};

/// Largest byte count of one read or write (MAX_RW_COUNT: INT_MAX rounded
/// down to a page); longer requests are shortened, as Linux does.
const MAX_RW_COUNT: u64 = 0x7fff_f000;
/// UIO_MAXIOV: the most iovecs one readv/writev takes.
const UIO_MAXIOV: u64 = 1024;

const SEEK_SET: u32 = 0;
const SEEK_CUR: u32 = 1;
const SEEK_END: u32 = 2;
const SEEK_DATA: u32 = 3;
const SEEK_HOLE: u32 = 4;

/// The guest memory of one transfer: buffers in order, already cut to the
/// part that is accessible.
struct Plan {
    segs: Vec<(u64, u64)>,
    total: u64,
}

impl Plan {
    /// Cut `iovs` to their accessible prefix for `access`, and to
    /// MAX_RW_COUNT. EFAULT when bytes were asked for and none is usable.
    fn new(mem: &Memory, iovs: &[(u64, u64)], access: Access) -> Result<Plan, Errno> {
        let mut segs = Vec::new();
        let mut total = 0u64;
        let mut asked = 0u64;
        for &(addr, len) in iovs {
            let len = len.min(MAX_RW_COUNT - total);
            asked += len;
            if len == 0 {
                continue;
            }
            let n = uaccess::accessible(mem, addr, len, access);
            if n > 0 {
                segs.push((addr, n));
                total += n;
            }
            if n < len || total == MAX_RW_COUNT {
                break;
            }
        }
        if asked > 0 && total == 0 {
            return Err(Errno::EFAULT);
        }
        Ok(Plan { segs, total })
    }

    /// Write `data` at logical offset `at` of the plan.
    fn scatter(&self, mem: &mut Memory, mut at: u64, mut data: &[u8]) -> Result<(), Errno> {
        for &(addr, len) in &self.segs {
            if data.is_empty() {
                break;
            }
            if at >= len {
                at -= len;
                continue;
            }
            let n = ((len - at) as usize).min(data.len());
            uaccess::write(mem, addr + at, &data[..n])?;
            data = &data[n..];
            at = 0;
        }
        Ok(())
    }

    /// Fill `buf` from logical offset `at` of the plan.
    fn gather(&self, mem: &mut Memory, mut at: u64, mut buf: &mut [u8]) -> Result<(), Errno> {
        for &(addr, len) in &self.segs {
            if buf.is_empty() {
                break;
            }
            if at >= len {
                at -= len;
                continue;
            }
            let n = ((len - at) as usize).min(buf.len());
            let (head, tail) = buf.split_at_mut(n);
            mem.read_bytes(addr + at, head).map_err(|_| Errno::EFAULT)?;
            buf = tail;
            at = 0;
        }
        Ok(())
    }
}

/// The iovec array of readv/writev (struct iovec: base, len; 16 bytes).
fn read_iovecs(mem: &mut Memory, addr: u64, count: u64) -> Result<Vec<(u64, u64)>, Errno> {
    if count > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    let mut iovs = Vec::with_capacity(count as usize);
    for i in 0..count {
        let at = addr.checked_add(i * 16).ok_or(Errno::EFAULT)?;
        let raw = uaccess::read_array::<16>(mem, at)?;
        let base = u64::from_le_bytes(raw[..8].try_into().unwrap_or_default());
        let len = u64::from_le_bytes(raw[8..].try_into().unwrap_or_default());
        // iov_len is a size_t the kernel refuses above SSIZE_MAX.
        if len > i64::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        iovs.push((base, len));
    }
    Ok(iovs)
}

/// A positional offset argument: negative is EINVAL.
fn offset_arg(v: u64) -> Result<i64, Errno> {
    let off = v as i64;
    if off < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(off)
}

pub fn sys_read(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    do_read(p, mem, a[0], &[(a[1], a[2])], None)
}

pub fn sys_pread64(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let off = offset_arg(a[3])?;
    do_read(p, mem, a[0], &[(a[1], a[2])], Some(off))
}

pub fn sys_readv(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let iovs = read_iovecs(mem, a[1], a[2])?;
    do_read(p, mem, a[0], &iovs, None)
}

pub fn sys_preadv(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let off = offset_arg(a[3])?;
    let iovs = read_iovecs(mem, a[1], a[2])?;
    do_read(p, mem, a[0], &iovs, Some(off))
}

pub fn sys_write(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    do_write(p, mem, a[0], &[(a[1], a[2])], None)
}

pub fn sys_pwrite64(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let off = offset_arg(a[3])?;
    do_write(p, mem, a[0], &[(a[1], a[2])], Some(off))
}

pub fn sys_writev(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let iovs = read_iovecs(mem, a[1], a[2])?;
    do_write(p, mem, a[0], &iovs, None)
}

pub fn sys_pwritev(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let off = offset_arg(a[3])?;
    let iovs = read_iovecs(mem, a[1], a[2])?;
    do_write(p, mem, a[0], &iovs, Some(off))
}

fn do_read(p: &mut Process, mem: &mut Memory, fd: u64, iovs: &[(u64, u64)], off: Option<i64>) -> SysResult {
    let file = p.fds.file(fd)?;
    match &*file {
        OpenFile::Host(h) => {
            let plan = Plan::new(mem, iovs, Access::Write)?;
            read_host(p, h.raw(), mem, &plan, off)
        }
        OpenFile::Bytes { kind: MemKind::Proc(ProcFile::FdDir), .. } => Err(Errno::EISDIR),
        OpenFile::Bytes { data, pos, kind } => {
            if off.is_some() && *kind == MemKind::Pipe {
                return Err(Errno::ESPIPE);
            }
            let plan = Plan::new(mem, iovs, Access::Write)?;
            let mut pos = pos.lock().unwrap_or_else(|e| e.into_inner());
            let start = off.map_or(*pos, |o| usize::try_from(o).unwrap_or(usize::MAX)).min(data.len());
            let n = (data.len() - start).min(plan.total as usize);
            plan.scatter(mem, 0, &data[start..start + n])?;
            if off.is_none() {
                *pos = start + n;
            }
            Ok(n as u64)
        }
        OpenFile::Capture(_) => Err(Errno::EBADF),
    }
}

fn read_host(p: &mut Process, fd: i32, mem: &mut Memory, plan: &Plan, off: Option<i64>) -> SysResult {
    let mut buf = vec![0u8; (plan.total as usize).min(CHUNK)];
    let mut done = 0u64;
    loop {
        let want = ((plan.total - done) as usize).min(CHUNK);
        let r = match off {
            Some(o) => host::pread(fd, &mut buf[..want], o + done as i64),
            None if done == 0 => read_interruptibly(p, fd, &mut buf[..want]),
            None => host::read(fd, &mut buf[..want]),
        };
        let n = match r {
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        plan.scatter(mem, done, &buf[..n])?;
        done += n as u64;
        // Only a regular file is read again: a second read of a pipe or a
        // terminal could block although data was already returned.
        if n < want || done == plan.total || !is_regular(fd) {
            break;
        }
    }
    Ok(done)
}

/// Read from the position of `fd` (a pipe, a terminal, a socket or a
/// file), waiting for data where the timer's signal or a request to stop
/// the run can end the wait (sigwait::wait_readable), not inside the
/// host's read. Data already there costs the one read: the first try
/// cannot block. The read after the wait is an ordinary one: a file
/// whose pages are not cached would fail RWF_NOWAIT again and again.
fn read_interruptibly(p: &mut Process, fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    match host::read_nowait(fd, buf) {
        Err(Errno::EAGAIN | Errno::EOPNOTSUPP) if !is_nonblocking(fd) => {
            super::sigwait::wait_readable(p, fd)?;
            host::read(fd, buf)
        }
        // A descriptor without RWF_NOWAIT that would not block anyway.
        Err(Errno::EOPNOTSUPP) => host::read(fd, buf),
        done => done,
    }
}

/// Write all of `buf` at the position of `h`, as a blocking write does,
/// but wait for room where the timer's signal or a request to stop the run
/// can end the wait (sigwait::wait_writable). A wait ended that way after
/// some bytes went returns their count, as a signal does on Linux; before
/// any, the call restarts or is abandoned. Descriptors that refuse
/// RWF_NOWAIT (most regular files, character devices) are remembered and
/// written as usual; so is one that still would block right after the
/// poll said it had room (a file whose write must wait for the disk).
fn write_interruptibly(p: &mut Process, h: &HostFd, buf: &[u8]) -> Result<usize, Errno> {
    let fd = h.raw();
    let mut done = 0;
    let mut waited = false;
    while h.nowait_writes() {
        let r = match host::write_nowait(fd, &buf[done..]) {
            Ok(n) => {
                done += n;
                waited = false;
                if done == buf.len() {
                    return Ok(done);
                }
                continue;
            }
            Err(Errno::EOPNOTSUPP) => {
                h.refuse_nowait_writes();
                break;
            }
            Err(Errno::EAGAIN) if !waited && !is_nonblocking(fd) => super::sigwait::wait_writable(p, fd),
            Err(Errno::EAGAIN) if waited => break,
            Err(e) => Err(e),
        };
        match r {
            Ok(()) => waited = true,
            Err(_) if done > 0 => return Ok(done),
            Err(e) => return Err(e),
        }
    }
    match host::write(fd, &buf[done..]) {
        Ok(n) => Ok(done + n),
        Err(_) if done > 0 => Ok(done),
        Err(e) => Err(e),
    }
}

fn is_nonblocking(fd: i32) -> bool {
    host::fcntl_int(fd, libc::F_GETFL, 0).is_ok_and(|f| f & libc::O_NONBLOCK != 0)
}

fn is_regular(fd: i32) -> bool {
    host::fstat(fd).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFREG)
}

fn do_write(p: &mut Process, mem: &mut Memory, fd: u64, iovs: &[(u64, u64)], off: Option<i64>) -> SysResult {
    let file = p.fds.file(fd)?;
    match &*file {
        OpenFile::Host(h) => {
            let plan = Plan::new(mem, iovs, Access::Read)?;
            write_host(p, h, mem, &plan, off)
        }
        OpenFile::Bytes { .. } => Err(Errno::EBADF),
        OpenFile::Capture(stream) => {
            if off.is_some() {
                // A capture stands for a pipe.
                return Err(Errno::ESPIPE);
            }
            let plan = Plan::new(mem, iovs, Access::Read)?;
            let mut done = 0u64;
            let mut buf = vec![0u8; (plan.total as usize).min(CHUNK)];
            while done < plan.total {
                let n = ((plan.total - done) as usize).min(CHUNK);
                plan.gather(mem, done, &mut buf[..n])?;
                p.capture(*stream, &buf[..n])?;
                done += n as u64;
            }
            Ok(done)
        }
    }
}

fn write_host(p: &mut Process, h: &HostFd, mem: &mut Memory, plan: &Plan, off: Option<i64>) -> SysResult {
    let fd = h.raw();
    let mut buf = vec![0u8; (plan.total as usize).min(CHUNK)];
    let mut done = 0u64;
    loop {
        let want = ((plan.total - done) as usize).min(CHUNK);
        plan.gather(mem, done, &mut buf[..want])?;
        let r = match off {
            Some(o) => host::pwrite(fd, &buf[..want], o + done as i64),
            None => write_interruptibly(p, h, &buf[..want]),
        };
        let n = match r {
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        done += n as u64;
        if n < want || done == plan.total {
            break;
        }
    }
    Ok(done)
}

pub fn sys_lseek(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let file = p.fds.file(a[0])?;
    let (offset, whence) = (a[1] as i64, a[2] as u32);
    if whence > SEEK_HOLE {
        return Err(Errno::EINVAL);
    }
    match &*file {
        OpenFile::Host(h) => host::lseek(h.raw(), offset, whence as i32),
        OpenFile::Bytes { data, pos, kind: MemKind::Proc(_) } => seek_bytes(data.len(), pos, offset, whence),
        OpenFile::Bytes { kind: MemKind::Pipe, .. } | OpenFile::Capture(_) => Err(Errno::ESPIPE),
    }
}

fn seek_bytes(len: usize, pos: &Mutex<usize>, offset: i64, whence: u32) -> SysResult {
    let mut pos = pos.lock().unwrap_or_else(|e| e.into_inner());
    let len = len as i64;
    let new = match whence {
        SEEK_SET => Some(offset),
        SEEK_CUR => (*pos as i64).checked_add(offset),
        SEEK_END => len.checked_add(offset),
        // SEEK_DATA and SEEK_HOLE in a file without holes: data is
        // everywhere before the end, the only hole is at the end.
        _ if offset < 0 || offset >= len => return Err(Errno::ENXIO),
        SEEK_DATA => Some(offset),
        _ => Some(len),
    };
    let new = new.filter(|&n| n >= 0).ok_or(Errno::EINVAL)?;
    *pos = usize::try_from(new).map_err(|_| Errno::EOVERFLOW)?;
    Ok(new as u64)
}
