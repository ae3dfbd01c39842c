//! prctl: the per-task settings single-threaded programs touch: the task
//! name (PR_SET_NAME/PR_GET_NAME), no_new_privs (xz sets it before
//! sandboxing itself) and the dumpable flag. Options Linux does not know,
//! and the ones this machine has nothing behind, are EINVAL, as
//! kernel/sys.c answers for an unknown option.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::{uaccess, Process};
use crate::mem::Memory;

const PR_GET_DUMPABLE: u64 = 3;
const PR_SET_DUMPABLE: u64 = 4;
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
const PR_SET_NO_NEW_PRIVS: u64 = 38;
const PR_GET_NO_NEW_PRIVS: u64 = 39;

/// TASK_COMM_LEN: the name with its NUL.
pub const TASK_COMM_LEN: usize = 16;

/// The task settings prctl reads and writes.
#[derive(Clone, Debug)]
pub struct Task {
    /// NUL-padded, at most TASK_COMM_LEN - 1 bytes of name.
    name: [u8; TASK_COMM_LEN],
    no_new_privs: bool,
    dumpable: bool,
}

impl Task {
    /// A task named after the last component of `exec_path`, as execve
    /// names it (__set_task_comm with kbasename).
    pub fn new(exec_path: &[u8]) -> Task {
        let base = exec_path.rsplit(|&b| b == b'/').next().unwrap_or_default();
        let mut task = Task { name: [0; TASK_COMM_LEN], no_new_privs: false, dumpable: true };
        task.set_name(base);
        task
    }

    fn set_name(&mut self, name: &[u8]) {
        let name = name.split(|&b| b == 0).next().unwrap_or_default();
        let n = name.len().min(TASK_COMM_LEN - 1);
        self.name = [0; TASK_COMM_LEN];
        self.name[..n].copy_from_slice(&name[..n]);
    }
}

pub fn sys_prctl(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let task = &mut p.task;
    match a[0] {
        PR_GET_DUMPABLE => Ok(task.dumpable as u64),
        PR_SET_DUMPABLE => {
            // SUID_DUMP_ROOT (2) is refused from user space.
            task.dumpable = match a[1] {
                0 => false,
                1 => true,
                _ => return Err(Errno::EINVAL),
            };
            Ok(0)
        }
        PR_SET_NAME => {
            // strncpy_from_user of at most TASK_COMM_LEN - 1 bytes: the
            // name needs no NUL within reach, only readable bytes.
            let mut raw = [0u8; TASK_COMM_LEN - 1];
            let n = uaccess::accessible(mem, a[1], raw.len() as u64, crate::mem::Access::Read) as usize;
            mem.read_bytes(a[1], &mut raw[..n]).map_err(|_| Errno::EFAULT)?;
            if n < raw.len() && !raw[..n].contains(&0) {
                return Err(Errno::EFAULT);
            }
            task.set_name(&raw);
            Ok(0)
        }
        PR_GET_NAME => {
            uaccess::write(mem, a[1], &task.name)?;
            Ok(0)
        }
        PR_SET_NO_NEW_PRIVS => {
            // The flag can only be set, never cleared.
            if a[1] != 1 || a[2] != 0 || a[3] != 0 || a[4] != 0 {
                return Err(Errno::EINVAL);
            }
            task.no_new_privs = true;
            Ok(0)
        }
        PR_GET_NO_NEW_PRIVS => {
            if a[1] != 0 || a[2] != 0 || a[3] != 0 || a[4] != 0 {
                return Err(Errno::EINVAL);
            }
            Ok(task.no_new_privs as u64)
        }
        _ => Err(Errno::EINVAL),
    }
}
