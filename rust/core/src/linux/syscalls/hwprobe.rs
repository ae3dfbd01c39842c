//! riscv_hwprobe: what the hart implements, as key/value pairs
//! (Documentation/arch/riscv/hwprobe.rst).
//!
//! The machine is one RV64GC hart of no particular vendor. Keys this
//! kernel interface does not know are answered with key -1, as Linux does.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::layout::TASK_SIZE;
use crate::linux::{uaccess, Process};
use crate::mem::Memory;

const KEY_MVENDORID: i64 = 0;
const KEY_MARCHID: i64 = 1;
const KEY_MIMPID: i64 = 2;
const KEY_BASE_BEHAVIOR: i64 = 3;
const KEY_IMA_EXT_0: i64 = 4;
const KEY_CPUPERF_0: i64 = 5;
const KEY_ZICBOZ_BLOCK_SIZE: i64 = 6;
const KEY_HIGHEST_VIRT_ADDRESS: i64 = 7;

/// RISCV_HWPROBE_BASE_BEHAVIOR_IMA: rv64ima user ISA as ratified.
const BASE_BEHAVIOR_IMA: u64 = 1;
/// RISCV_HWPROBE_IMA_FD | RISCV_HWPROBE_IMA_C.
const IMA_EXT_FD_C: u64 = 0b11;
/// RISCV_HWPROBE_MISALIGNED_UNKNOWN: no claim about misaligned speed.
const MISALIGNED_UNKNOWN: u64 = 0;

/// The most pairs answered per call (the kernel has no limit, but every
/// pair is 16 bytes of guest memory and a guest-chosen count must not
/// drive an unbounded loop of work).
const MAX_PAIRS: u64 = 1 << 16;

fn value(key: i64) -> Option<u64> {
    Some(match key {
        KEY_MVENDORID | KEY_MARCHID | KEY_MIMPID => 0,
        KEY_BASE_BEHAVIOR => BASE_BEHAVIOR_IMA,
        KEY_IMA_EXT_0 => IMA_EXT_FD_C,
        KEY_CPUPERF_0 => MISALIGNED_UNKNOWN,
        // No Zicboz.
        KEY_ZICBOZ_BLOCK_SIZE => 0,
        KEY_HIGHEST_VIRT_ADDRESS => TASK_SIZE - 1,
        _ => return None,
    })
}

pub fn sys_riscv_hwprobe(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (pairs, count, cpusetsize, cpus, flags) = (a[0], a[1], a[2], a[3], a[4]);
    // RISCV_HWPROBE_WHICH_CPUS (1) asks the reverse question; not answered.
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    // No set (size 0, null) means all CPUs; a given set must include
    // CPU 0, the only hart, else it is empty once limited to online CPUs.
    if cpusetsize != 0 || cpus != 0 {
        if cpusetsize == 0 {
            return Err(Errno::EINVAL);
        }
        let first = uaccess::read_array::<1>(mem, cpus)?[0];
        if first & 1 == 0 {
            return Err(Errno::EINVAL);
        }
    }
    for i in 0..count.min(MAX_PAIRS) {
        let at = pairs.checked_add(i * 16).ok_or(Errno::EFAULT)?;
        let key = uaccess::read_u64(mem, at)? as i64;
        let (key, val) = match value(key) {
            Some(v) => (key, v),
            None => (-1, 0),
        };
        uaccess::write_u64(mem, at, key as u64)?;
        uaccess::write_u64(mem, at + 8, val)?;
    }
    Ok(0)
}
