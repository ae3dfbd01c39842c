//! Clocks and sleeping: clock_gettime, clock_getres, gettimeofday,
//! nanosleep, clock_nanosleep.
//!
//! Time is the host's. Sleeps block the thread running the guest (the
//! guest has nothing else to do: it is single-threaded).

use std::time::Duration;

use super::sigwait::sleep_until_signal;
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;
const CLOCK_PROCESS_CPUTIME_ID: u32 = 2;
const CLOCK_THREAD_CPUTIME_ID: u32 = 3;
const CLOCK_MONOTONIC_RAW: u32 = 4;
const CLOCK_REALTIME_COARSE: u32 = 5;
const CLOCK_MONOTONIC_COARSE: u32 = 6;
const CLOCK_BOOTTIME: u32 = 7;
const CLOCK_REALTIME_ALARM: u32 = 8;
const CLOCK_BOOTTIME_ALARM: u32 = 9;
const CLOCK_TAI: u32 = 11;
const TIMER_ABSTIME: u64 = 1;

const NSEC_PER_SEC: i64 = 1_000_000_000;

/// The host clock for a guest clock id. Clock ids are the same on every
/// Linux; the CPU-time clocks measure the thread that runs the guest.
/// Negative ids (per-process CPU clocks of other pids) are not supported.
fn host_clock(id: u64) -> Result<libc::clockid_t, Errno> {
    let id = id as i32;
    let ok = u32::try_from(id).is_ok_and(|c| {
        matches!(
            c,
            CLOCK_REALTIME
                | CLOCK_MONOTONIC
                | CLOCK_PROCESS_CPUTIME_ID
                | CLOCK_THREAD_CPUTIME_ID
                | CLOCK_MONOTONIC_RAW
                | CLOCK_REALTIME_COARSE
                | CLOCK_MONOTONIC_COARSE
                | CLOCK_BOOTTIME
                | CLOCK_REALTIME_ALARM
                | CLOCK_BOOTTIME_ALARM
                | CLOCK_TAI
        )
    });
    if !ok {
        return Err(Errno::EINVAL);
    }
    Ok(match id as u32 {
        CLOCK_PROCESS_CPUTIME_ID => libc::CLOCK_THREAD_CPUTIME_ID,
        // The alarm clocks read like their base clocks.
        CLOCK_REALTIME_ALARM => libc::CLOCK_REALTIME,
        CLOCK_BOOTTIME_ALARM => libc::CLOCK_BOOTTIME,
        c => c as libc::clockid_t,
    })
}

/// struct timespec { i64 tv_sec; i64 tv_nsec; }
fn timespec_bytes(sec: i64, nsec: i64) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&sec.to_le_bytes());
    b[8..].copy_from_slice(&nsec.to_le_bytes());
    b
}

/// Read a struct timespec; EINVAL unless 0 <= nsec < 1e9 and sec >= 0
/// (timespec64_valid).
pub(super) fn read_timespec(mem: &mut Memory, addr: u64) -> Result<(i64, i64), Errno> {
    let b = uaccess::read_array::<16>(mem, addr)?;
    let sec = i64::from_le_bytes(b[..8].try_into().unwrap_or_default());
    let nsec = i64::from_le_bytes(b[8..].try_into().unwrap_or_default());
    if sec < 0 || !(0..NSEC_PER_SEC).contains(&nsec) {
        return Err(Errno::EINVAL);
    }
    Ok((sec, nsec))
}

pub fn sys_clock_gettime(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (sec, nsec) = host::clock_gettime(host_clock(a[0])?)?;
    uaccess::write(mem, a[1], &timespec_bytes(sec, nsec))?;
    Ok(0)
}

pub fn sys_clock_getres(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (sec, nsec) = host::clock_getres(host_clock(a[0])?)?;
    // A null pointer asks only whether the clock exists.
    if a[1] != 0 {
        uaccess::write(mem, a[1], &timespec_bytes(sec, nsec))?;
    }
    Ok(0)
}

pub fn sys_gettimeofday(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (tv, tz) = (a[0], a[1]);
    if tv != 0 {
        let (sec, nsec) = host::clock_gettime(libc::CLOCK_REALTIME)?;
        // struct timeval { i64 tv_sec; i64 tv_usec; }
        uaccess::write(mem, tv, &timespec_bytes(sec, nsec / 1000))?;
    }
    if tz != 0 {
        // struct timezone { int minuteswest; int dsttime; }: the kernel's
        // is zero unless set with settimeofday.
        uaccess::write(mem, tz, &[0u8; 8])?;
    }
    Ok(0)
}

pub fn sys_nanosleep(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (sec, nsec) = read_timespec(mem, a[0])?;
    sleep(p, mem, Duration::new(sec as u64, nsec as u32), a[1])
}

/// Sleep for `wait`; a signal that can be acted on cuts it short with
/// EINTR and the time left written to `rem` (if not null), as for a
/// relative sleep on Linux (with or without SA_RESTART: nanosleep is
/// never restarted once a handler ran).
fn sleep(p: &mut Process, mem: &mut Memory, wait: Duration, rem: u64) -> SysResult {
    let deadline = p.restart.deadline(std::time::Instant::now().checked_add(wait));
    if !sleep_until_signal(p, deadline, 0)? {
        return Ok(0);
    }
    if rem != 0 {
        let left = deadline.map_or(wait, |d| d.saturating_duration_since(std::time::Instant::now()));
        uaccess::write(mem, rem, &timespec_bytes(left.as_secs() as i64, left.subsec_nanos() as i64))?;
    }
    Err(Errno::EINTR)
}

pub fn sys_clock_nanosleep(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (clock, flags, req, rem) = (a[0], a[1], a[2], a[3]);
    let id = host_clock(clock)?;
    // Sleeping on the calling thread's own CPU clock could never end.
    if clock as u32 == CLOCK_THREAD_CPUTIME_ID || clock as u32 == CLOCK_PROCESS_CPUTIME_ID {
        return Err(Errno::EINVAL);
    }
    let (sec, nsec) = read_timespec(mem, req)?;
    if flags & TIMER_ABSTIME != 0 {
        // An absolute sleep has no time left to report.
        return sleep(p, mem, until(id, sec, nsec)?, 0);
    }
    sleep(p, mem, Duration::new(sec as u64, nsec as u32), rem)
}

/// Time left until `clock` reads (sec, nsec); zero when already past.
fn until(clock: libc::clockid_t, sec: i64, nsec: i64) -> Result<Duration, Errno> {
    let (now_s, now_ns) = host::clock_gettime(clock)?;
    let target = sec as i128 * NSEC_PER_SEC as i128 + nsec as i128;
    let now = now_s as i128 * NSEC_PER_SEC as i128 + now_ns as i128;
    Ok(Duration::from_nanos(u64::try_from((target - now).max(0)).unwrap_or(u64::MAX)))
}

/// A futex timeout: relative, or absolute on CLOCK_MONOTONIC (CLOCK_REALTIME
/// when `realtime`).
pub fn timeout(mem: &mut Memory, addr: u64, absolute: bool, realtime: bool) -> Result<Duration, Errno> {
    let (sec, nsec) = read_timespec(mem, addr)?;
    if !absolute {
        return Ok(Duration::new(sec as u64, nsec as u32));
    }
    until(if realtime { libc::CLOCK_REALTIME } else { libc::CLOCK_MONOTONIC }, sec, nsec)
}
