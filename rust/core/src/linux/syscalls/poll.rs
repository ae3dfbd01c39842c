//! ppoll: wait for descriptors to become ready.
//!
//! Host descriptors are polled on the host. In-memory descriptors answer at
//! once, as the files they stand for would: standard input given as bytes
//! is a pipe whose writer has gone (POLLHUP, and POLLIN while bytes are
//! left), captured output a pipe with an attentive reader (POLLOUT), a
//! synthesized /proc file a regular file (always ready). The signal mask
//! argument is checked for size only: no signal is delivered while waiting.

use std::time::{Duration, Instant};

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{MemKind, OpenFile};
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

const POLLIN: i16 = 0x1;
const POLLOUT: i16 = 0x4;
const POLLERR: i16 = 0x8;
const POLLHUP: i16 = 0x10;
const POLLNVAL: i16 = 0x20;
const POLLRDNORM: i16 = 0x40;
const POLLWRNORM: i16 = 0x100;
/// The events a file without a poll method reports (DEFAULT_POLLMASK).
const DEFAULT_POLLMASK: i16 = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
/// sizeof(struct pollfd) and of the kernel's sigset_t.
const POLLFD_SIZE: u64 = 8;
const SIGSET_SIZE: u64 = 8;

/// One entry of the guest's array and where its answer comes from.
enum Source {
    /// Negative fd: ignored, revents 0.
    Ignored,
    /// Not an open descriptor.
    Invalid,
    /// Index into the host array.
    Host(usize),
    /// Known without asking the host.
    Ready(i16),
}

pub fn sys_ppoll(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (addr, nfds, tmo, sigmask, sigsetsize) = (a[0], a[1] as u32 as u64, a[2], a[3], a[4]);
    if nfds > p.nofile_limit() {
        return Err(Errno::EINVAL);
    }
    let timeout = match tmo {
        0 => None,
        t => {
            let (sec, nsec) = (uaccess::read_u64(mem, t)? as i64, uaccess::read_u64(mem, t + 8)? as i64);
            if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
                return Err(Errno::EINVAL);
            }
            Some(Duration::new(sec as u64, nsec as u32))
        }
    };
    if sigmask != 0 && sigsetsize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mut raw = vec![0u8; (nfds * POLLFD_SIZE) as usize];
    mem.read_bytes(addr, &mut raw).map_err(|_| Errno::EFAULT)?;

    let mut host_fds = Vec::new();
    let mut keep = Vec::new();
    let mut sources = Vec::with_capacity(nfds as usize);
    for entry in raw.chunks_exact(POLLFD_SIZE as usize) {
        let fd = i32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
        let events = i16::from_le_bytes([entry[4], entry[5]]);
        // POLLERR and POLLHUP are reported whether asked for or not.
        let wanted = events | POLLERR | POLLHUP;
        let source = if fd < 0 {
            Source::Ignored
        } else {
            match p.fds.file(fd as u64) {
                Err(_) => Source::Invalid,
                Ok(file) => {
                    let source = match &*file {
                        OpenFile::Host(h) => {
                            host_fds.push(libc::pollfd { fd: h.raw(), events, revents: 0 });
                            Source::Host(host_fds.len() - 1)
                        }
                        OpenFile::Bytes { data, pos, kind: MemKind::Pipe } => {
                            let left = *pos.lock().unwrap_or_else(|e| e.into_inner()) < data.len();
                            let readable = if left { POLLIN | POLLRDNORM } else { 0 };
                            Source::Ready((readable | POLLHUP) & wanted)
                        }
                        OpenFile::Bytes { kind: MemKind::Proc(_), .. } => Source::Ready(DEFAULT_POLLMASK & wanted),
                        OpenFile::Capture(_) => Source::Ready((POLLOUT | POLLWRNORM) & wanted),
                    };
                    keep.push(file);
                    source
                }
            }
        };
        sources.push(source);
    }

    let ready_now = sources.iter().any(|s| match s {
        Source::Invalid => true,
        Source::Ready(r) => *r != 0,
        _ => false,
    });
    let start = Instant::now();
    if !host_fds.is_empty() || !ready_now {
        // Something is ready already: only look at the host descriptors.
        let wait = if ready_now { Some(Duration::ZERO) } else { timeout };
        let ts = wait.map(|d| libc::timespec { tv_sec: d.as_secs() as libc::time_t, tv_nsec: d.subsec_nanos() as _ });
        host::ppoll(&mut host_fds, ts)?;
    }
    drop(keep);

    let mut count = 0u64;
    for (entry, source) in raw.chunks_exact_mut(POLLFD_SIZE as usize).zip(&sources) {
        let revents = match *source {
            Source::Ignored => 0,
            Source::Invalid => POLLNVAL,
            Source::Host(i) => host_fds[i].revents,
            Source::Ready(r) => r,
        };
        if revents != 0 {
            count += 1;
        }
        entry[6..8].copy_from_slice(&revents.to_le_bytes());
    }
    uaccess::write(mem, addr, &raw)?;
    if let Some(limit) = timeout {
        // ppoll reports the time left, as poll_select_finish does.
        let left = limit.saturating_sub(start.elapsed());
        uaccess::write_u64(mem, tmo, left.as_secs())?;
        uaccess::write_u64(mem, tmo + 8, left.subsec_nanos() as u64)?;
    }
    Ok(count)
}
