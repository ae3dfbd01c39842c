//! Waiting for signals: rt_sigsuspend, rt_sigtimedwait, and the waits
//! under nanosleep, ppoll and blocking reads.
//!
//! The thread running the guest sleeps until a deadline, the interval
//! timer's next expiry, or forever; only the timer can make a signal
//! arrive meanwhile (the process has no one else to signal it).

use std::time::{Duration, Instant};

use super::time::read_timespec;
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::signals::UNBLOCKABLE;
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

const SIGSET_SIZE: u64 = 8;

/// Sleep until a signal can be acted on (a deliverable one, or one in
/// `wanted` even if blocked) or `deadline` passes; true for a signal.
pub fn sleep_until_signal(p: &mut Process, deadline: Option<Instant>, wanted: u64) -> bool {
    loop {
        p.poll_timer();
        if p.signals.deliverable() || p.signals.pending_set() & wanted != 0 {
            return true;
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| d <= now) {
            return false;
        }
        let wake = match (deadline, p.signals.timer.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // Nothing can end an endless wait: sleep in long naps, as a
        // process blocked for good would.
        std::thread::sleep(wake.map_or(Duration::from_secs(3600), |w| w.saturating_duration_since(now)));
    }
}

/// Before a read of host descriptor `fd` that may block (a pipe, a
/// terminal) while the interval timer runs: wait for data or the timer,
/// so that the timer's signal can interrupt the read. ERESTARTSYS when a
/// signal can be acted on first. Without the timer nothing could
/// interrupt the read, which then blocks in the host as it is.
pub fn wait_readable(p: &mut Process, fd: i32) -> Result<(), Errno> {
    let nonblocking = host::fcntl_int(fd, libc::F_GETFL, 0).is_ok_and(|f| f & libc::O_NONBLOCK != 0);
    if nonblocking {
        return Ok(());
    }
    loop {
        p.poll_timer();
        if p.signals.deliverable() {
            return Err(Errno::ERESTARTSYS);
        }
        let Some(deadline) = p.signals.timer.deadline else { return Ok(()) };
        let mut pfd = [libc::pollfd { fd, events: libc::POLLIN, revents: 0 }];
        if host::ppoll(&mut pfd, Some(deadline.saturating_duration_since(Instant::now())))? > 0 {
            return Ok(());
        }
    }
}

/// A relative timeout as a deadline from now (None: too far to matter).
pub fn deadline_after(sec: i64, nsec: i64) -> Option<Instant> {
    Instant::now().checked_add(Duration::new(sec as u64, nsec as u32))
}

/// Block with mask `mask` until a signal arrives; the old mask returns
/// once the handler is set up (it is what the frame saves).
pub fn with_temporary_mask(p: &mut Process, mask: u64) {
    p.signals.saved_mask = Some(p.signals.blocked);
    p.signals.blocked = mask & !UNBLOCKABLE;
}

pub fn sys_rt_sigsuspend(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    if a[1] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask = uaccess::read_u64(mem, a[0])?;
    with_temporary_mask(p, mask);
    sleep_until_signal(p, None, 0);
    Err(Errno::EINTR)
}

pub fn sys_rt_sigtimedwait(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (set, info, tmo, size) = (a[0], a[1], a[2], a[3]);
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let wanted = uaccess::read_u64(mem, set)? & !UNBLOCKABLE;
    let deadline = if tmo != 0 {
        let (sec, nsec) = read_timespec(mem, tmo)?;
        deadline_after(sec, nsec)
    } else {
        None
    };
    let taken = match p.signals.dequeue(wanted) {
        Some(s) => Some(s),
        None if sleep_until_signal(p, deadline, wanted) => match p.signals.dequeue(wanted) {
            Some(s) => Some(s),
            None => return Err(Errno::EINTR),
        },
        None => None,
    };
    let Some(s) = taken else { return Err(Errno::EAGAIN) };
    if info != 0 {
        uaccess::write(mem, info, &s.bytes)?;
    }
    Ok(s.signo as u64)
}
