//! futex for a single-threaded process.
//!
//! No other thread can change a futex word or wake a waiter, so: a wait
//! whose word does not hold the expected value fails with EAGAIN as on
//! Linux; a wait that would block sleeps out its timeout (ETIMEDOUT, or
//! EINTR when a signal comes first) or, without one, returns EINTR (a spurious wake-up, which every futex user
//! must handle) instead of hanging the host thread forever. Wakes find no
//! waiters and return 0.

use std::time::Instant;

use super::sigwait::sleep_until_signal;
use super::time;
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::{uaccess, Process};
use crate::mem::Memory;

const FUTEX_WAIT: u64 = 0;
const FUTEX_WAKE: u64 = 1;
const FUTEX_REQUEUE: u64 = 3;
const FUTEX_CMP_REQUEUE: u64 = 4;
const FUTEX_WAKE_OP: u64 = 5;
const FUTEX_WAIT_BITSET: u64 = 9;
const FUTEX_WAKE_BITSET: u64 = 10;
const FUTEX_PRIVATE_FLAG: u64 = 128;
const FUTEX_CLOCK_REALTIME: u64 = 256;

pub fn sys_futex(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (uaddr, op, val, timeout, uaddr2, val3) = (a[0], a[1] as u32 as u64, a[2] as u32, a[3], a[4], a[5] as u32);
    let cmd = op & !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    if op & FUTEX_CLOCK_REALTIME != 0 && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT {
        return Err(Errno::ENOSYS);
    }
    if uaddr % 4 != 0 {
        return Err(Errno::EINVAL);
    }
    match cmd {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => {
            if cmd == FUTEX_WAIT_BITSET && val3 == 0 {
                return Err(Errno::EINVAL);
            }
            // FUTEX_WAIT's timeout is relative, FUTEX_WAIT_BITSET's absolute.
            let wait = if timeout != 0 {
                let realtime = op & FUTEX_CLOCK_REALTIME != 0;
                Some(time::timeout(mem, timeout, cmd == FUTEX_WAIT_BITSET, realtime)?)
            } else {
                None
            };
            if uaccess::read_u32(mem, uaddr)? != val {
                return Err(Errno::EAGAIN);
            }
            match wait {
                // No other thread can wake the futex: the wait ends at its
                // timeout, or early for a signal.
                Some(d) => {
                    let deadline = p.restart.deadline(Instant::now().checked_add(d));
                    match sleep_until_signal(p, deadline, 0)? {
                        true => Err(Errno::EINTR),
                        false => Err(Errno::ETIMEDOUT),
                    }
                }
                None => Err(Errno::EINTR),
            }
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => {
            if cmd == FUTEX_WAKE_BITSET && val3 == 0 {
                return Err(Errno::EINVAL);
            }
            Ok(0)
        }
        FUTEX_REQUEUE => Ok(0),
        FUTEX_CMP_REQUEUE => {
            if uaccess::read_u32(mem, uaddr)? != val3 {
                return Err(Errno::EAGAIN);
            }
            Ok(0)
        }
        FUTEX_WAKE_OP => wake_op(mem, uaddr2, val3),
        // The PI and requeue-PI operations.
        _ => Err(Errno::ENOSYS),
    }
}

/// FUTEX_WAKE_OP: apply the encoded operation to *uaddr2 (the only
/// visible effect when there are no waiters).
fn wake_op(mem: &mut Memory, uaddr2: u64, encoded: u32) -> SysResult {
    let op = (encoded >> 28) & 7;
    let shift = (encoded >> 28) & 8 != 0;
    let cmp = (encoded >> 24) & 15;
    // oparg: a signed 12-bit field.
    let mut oparg = (((encoded >> 12) & 0xfff) as i32) << 20 >> 20;
    if shift {
        // FUTEX_OP_OPARG_SHIFT: oparg is a shift count (masked to 0..31).
        oparg = 1i32.wrapping_shl(oparg as u32 & 31);
    }
    if op > 4 || cmp > 5 {
        return Err(Errno::ENOSYS);
    }
    if uaddr2 % 4 != 0 {
        return Err(Errno::EFAULT);
    }
    let old = uaccess::read_u32(mem, uaddr2)?;
    let arg = oparg as u32;
    let new = match op {
        0 => arg,
        1 => old.wrapping_add(arg),
        2 => old | arg,
        3 => old & !arg,
        _ => old ^ arg,
    };
    uaccess::write_u32(mem, uaddr2, new)?;
    Ok(0)
}
