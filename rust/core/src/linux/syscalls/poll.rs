//! ppoll (glibc's poll and pause): readiness of guest descriptors, with a
//! timeout and a temporary signal mask.
//!
//! Host descriptors are polled by the host; in-memory ones are always
//! ready (standard input given as bytes reads without blocking, captured
//! output takes any write). The wait is cut into host polls that end at
//! the interval timer's expiry, so SIGALRM interrupts it.

use std::sync::Arc;
use std::time::Instant;

use super::sigwait::{block, deadline_after, with_temporary_mask};
use super::time::read_timespec;
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{MemKind, OpenFile};
use crate::linux::{uaccess, Process};
use crate::mem::Memory;

const SIGSET_SIZE: u64 = 8;
/// struct pollfd { int fd; short events; short revents; }
const POLLFD_SIZE: u64 = 8;

/// One guest pollfd and what stands behind it.
struct Entry {
    fd: i32,
    events: i16,
    /// Index into the host pollfds, for host descriptors.
    host: Option<usize>,
    /// Kept open while polling.
    _file: Option<Arc<OpenFile>>,
    revents: i16,
}

pub fn sys_ppoll(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (fds, nfds, tmo, sigmask, size) = (a[0], a[1], a[2], a[3], a[4]);
    if nfds > p.nofile_limit() {
        return Err(Errno::EINVAL);
    }
    let deadline = if tmo != 0 {
        let (sec, nsec) = read_timespec(mem, tmo)?;
        p.restart.deadline(deadline_after(sec, nsec))
    } else {
        None
    };
    let mask = if sigmask != 0 {
        if size != SIGSET_SIZE {
            return Err(Errno::EINVAL);
        }
        Some(uaccess::read_u64(mem, sigmask)?)
    } else {
        None
    };
    let mut entries = Vec::new();
    let mut host_fds = Vec::new();
    for i in 0..nfds {
        let b = uaccess::read_array::<8>(mem, fds + i * POLLFD_SIZE)?;
        let fd = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let events = i16::from_le_bytes([b[4], b[5]]);
        let mut e = Entry { fd, events, host: None, _file: None, revents: 0 };
        if fd >= 0 {
            match p.fds.file(fd as u64) {
                Err(_) => e.revents = libc::POLLNVAL,
                Ok(file) => {
                    match &*file {
                        OpenFile::Host(h) => {
                            e.host = Some(host_fds.len());
                            host_fds.push(libc::pollfd { fd: h.raw(), events, revents: 0 });
                        }
                        OpenFile::Bytes { .. } | OpenFile::Capture(_) => e.revents = memory_revents(&file, events),
                    }
                    e._file = Some(file);
                }
            }
        }
        entries.push(e);
    }
    if let Some(mask) = mask {
        with_temporary_mask(p, mask);
    }
    let always_ready = entries.iter().any(|e| e.revents != 0);
    loop {
        p.poll_timer();
        if p.signals.deliverable() {
            store_time_left(mem, tmo, deadline);
            return Err(Errno::EINTR);
        }
        let wake = match (deadline, p.signals.timer.deadline) {
            _ if always_ready => Some(Instant::now()),
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Err(e) = block(p, &mut host_fds, wake, deadline) {
            restore_mask(p);
            return Err(e);
        }
        let mut ready = 0u64;
        for e in &mut entries {
            if let Some(i) = e.host {
                e.revents = host_fds[i].revents;
            }
            ready += (e.revents != 0) as u64;
        }
        if ready > 0 || deadline.is_some_and(|d| d <= Instant::now()) {
            store_time_left(mem, tmo, deadline);
            for (i, e) in entries.iter().enumerate() {
                let mut b = [0u8; 8];
                b[..4].copy_from_slice(&e.fd.to_le_bytes());
                b[4..6].copy_from_slice(&e.events.to_le_bytes());
                b[6..].copy_from_slice(&e.revents.to_le_bytes());
                if let Err(err) = uaccess::write(mem, fds + i as u64 * POLLFD_SIZE, &b) {
                    restore_mask(p);
                    return Err(err);
                }
            }
            restore_mask(p);
            return Ok(ready);
        }
    }
}

/// Without a signal to deliver, the temporary mask goes at once.
fn restore_mask(p: &mut Process) {
    if let Some(old) = p.signals.saved_mask.take() {
        p.signals.blocked = old;
    }
}

/// What an in-memory stream reports: standard input given as bytes is a
/// pipe whose writer has gone (POLLHUP always, POLLIN while bytes are
/// left); a /proc file is a regular file, always ready; captured output
/// takes any write.
fn memory_revents(file: &OpenFile, events: i16) -> i16 {
    const READ: i16 = libc::POLLIN | libc::POLLRDNORM;
    const WRITE: i16 = libc::POLLOUT | libc::POLLWRNORM;
    match file {
        OpenFile::Bytes { data, pos, kind: MemKind::Pipe } => {
            let left = *pos.lock().unwrap_or_else(|e| e.into_inner()) < data.len();
            (if left { events & READ } else { 0 }) | libc::POLLHUP
        }
        OpenFile::Bytes { kind: MemKind::Proc(_), .. } => events & (READ | WRITE),
        OpenFile::Capture(_) => events & WRITE,
        OpenFile::Host(_) => 0,
    }
}

/// ppoll writes the time left back into the guest's timespec; a timespec
/// in read-only memory is left as it was (poll_select_finish).
fn store_time_left(mem: &mut Memory, tmo: u64, deadline: Option<Instant>) {
    let Some(deadline) = deadline.filter(|_| tmo != 0) else { return };
    let left = deadline.saturating_duration_since(Instant::now());
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&left.as_secs().to_le_bytes());
    b[8..].copy_from_slice(&u64::from(left.subsec_nanos()).to_le_bytes());
    let _ = uaccess::write(mem, tmo, &b);
}
