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
/// ERESTARTNOINTR when the run is asked to stop first.
pub fn sleep_until_signal(p: &mut Process, deadline: Option<Instant>, wanted: u64) -> Result<bool, Errno> {
    loop {
        p.poll_timer();
        if p.signals.deliverable() || p.signals.pending_set() & wanted != 0 {
            return Ok(true);
        }
        if deadline.is_some_and(|d| d <= Instant::now()) {
            return Ok(false);
        }
        let wake = match (deadline, p.signals.timer.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        block(p, &mut Vec::new(), wake, deadline)?;
    }
}

/// Block in the host until one of `fds` is ready or `wake` passes (None:
/// no limit). Unless the run is asked to stop first: then the call is
/// abandoned (ERESTARTNOINTR, see linux/interruption.rs), and `deadline`,
/// the end of the call's own wait, is kept for its reissue. Returns the
/// number of ready descriptors.
pub fn block(
    p: &mut Process,
    fds: &mut Vec<libc::pollfd>,
    wake: Option<Instant>,
    deadline: Option<Instant>,
) -> Result<usize, Errno> {
    let timeout = wake.map(|w| w.saturating_duration_since(Instant::now()));
    if timeout == Some(Duration::ZERO) {
        return host::ppoll(fds, timeout);
    }
    let interruption = p.interruption.clone();
    let abandon = |p: &mut Process| {
        p.restart.abandon(deadline);
        Err(Errno::ERESTARTNOINTR)
    };
    let wake_fd = interruption.wake_fd();
    if interruption.requested() {
        return abandon(p);
    }
    let Some(wake_fd) = wake_fd else { return host::ppoll(fds, timeout) };
    fds.push(libc::pollfd { fd: wake_fd, events: libc::POLLIN, revents: 0 });
    let polled = host::ppoll(fds, timeout);
    let woken = fds.pop().is_some_and(|w| w.revents != 0);
    if interruption.requested() {
        return abandon(p);
    }
    if woken {
        interruption.drain();
    }
    Ok(polled?.saturating_sub(woken as usize))
}

/// Wait until host descriptor `fd` is readable, or the interval timer's
/// signal can be acted on (ERESTARTSYS), or the run is asked to stop
/// (ERESTARTNOINTR: the read is abandoned and issued again on resume).
pub fn wait_readable(p: &mut Process, fd: i32) -> Result<(), Errno> {
    wait_ready(p, fd, libc::POLLIN)
}

/// `wait_readable`, for room to write.
pub fn wait_writable(p: &mut Process, fd: i32) -> Result<(), Errno> {
    wait_ready(p, fd, libc::POLLOUT)
}

fn wait_ready(p: &mut Process, fd: i32, events: libc::c_short) -> Result<(), Errno> {
    loop {
        p.poll_timer();
        if p.signals.deliverable() {
            return Err(Errno::ERESTARTSYS);
        }
        let mut pfd = vec![libc::pollfd { fd, events, revents: 0 }];
        let timer = p.signals.timer.deadline;
        if block(p, &mut pfd, timer, None)? > 0 {
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
    sleep_until_signal(p, None, 0)?;
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
        p.restart.deadline(deadline_after(sec, nsec))
    } else {
        None
    };
    let taken = match p.signals.dequeue(wanted) {
        Some(s) => Some(s),
        None if sleep_until_signal(p, deadline, wanted)? => match p.signals.dequeue(wanted) {
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
