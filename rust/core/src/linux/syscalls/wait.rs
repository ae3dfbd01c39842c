//! wait4 for a process that never has children: every valid request ends
//! in ECHILD, as kernel/exit.c answers when no child matches.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::Process;
use crate::mem::Memory;

const WNOHANG: u32 = 0x1;
const WUNTRACED: u32 = 0x2;
const WCONTINUED: u32 = 0x8;
const WNOTHREAD: u32 = 0x2000_0000;
const WALL: u32 = 0x4000_0000;
const WCLONE: u32 = 0x8000_0000;

pub fn sys_wait4(_p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (pid, options) = (a[0] as i32, a[2] as u32);
    if options & !(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE) != 0 {
        return Err(Errno::EINVAL);
    }
    // pid INT_MIN cannot be negated into a process group.
    if pid == i32::MIN {
        return Err(Errno::ESRCH);
    }
    Err(Errno::ECHILD)
}
