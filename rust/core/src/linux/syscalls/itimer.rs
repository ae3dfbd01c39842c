//! setitimer and getitimer. ITIMER_REAL only: the CPU-time timers
//! (ITIMER_VIRTUAL, ITIMER_PROF) would need the engine to count guest CPU
//! time and are refused with EINVAL.

use std::time::{Duration, Instant};

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::{uaccess, Process};
use crate::mem::Memory;

const ITIMER_REAL: u64 = 0;
const USEC_PER_SEC: i64 = 1_000_000;

/// struct timeval -> Duration; EINVAL for negative or >= 1e6 usec.
fn timeval(b: &[u8]) -> Result<Duration, Errno> {
    let sec = i64::from_le_bytes(b[..8].try_into().unwrap_or_default());
    let usec = i64::from_le_bytes(b[8..16].try_into().unwrap_or_default());
    if sec < 0 || !(0..USEC_PER_SEC).contains(&usec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(sec as u64, usec as u32 * 1000))
}

/// struct itimerval { it_interval; it_value; } of two timevals.
fn itimerval_bytes(value: Duration, interval: Duration) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (at, d) in [(0, interval), (16, value)] {
        b[at..at + 8].copy_from_slice(&(d.as_secs() as i64).to_le_bytes());
        b[at + 8..at + 16].copy_from_slice(&(d.subsec_micros() as i64).to_le_bytes());
    }
    b
}

pub fn sys_getitimer(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    if a[0] as u32 as u64 != ITIMER_REAL {
        return Err(Errno::EINVAL);
    }
    let (value, interval) = p.signals.timer.get(Instant::now());
    uaccess::write(mem, a[1], &itimerval_bytes(value, interval))?;
    Ok(0)
}

pub fn sys_setitimer(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (which, new, old) = (a[0], a[1], a[2]);
    if which as u32 as u64 != ITIMER_REAL {
        return Err(Errno::EINVAL);
    }
    // A null new value disarms (Linux still accepts it, with a warning).
    let (value, interval) = if new != 0 {
        let b = uaccess::read_array::<32>(mem, new)?;
        (timeval(&b[16..])?, timeval(&b[..16])?)
    } else {
        (Duration::ZERO, Duration::ZERO)
    };
    let (old_value, old_interval) = p.signals.timer.set(value, interval, Instant::now());
    if old != 0 {
        uaccess::write(mem, old, &itimerval_bytes(old_value, old_interval))?;
    }
    Ok(0)
}
