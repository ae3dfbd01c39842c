//! fork, vfork and fork-like clone: a real fork of the host process, as
//! qemu-riscv64 does.
//!
//! The child is a host process running a copy of the machine (memory,
//! registers, descriptor table, decoded blocks), so pids, pipes, process
//! groups and wait statuses are the host kernel's own. The host process
//! may be a multi-threaded program (a Python interpreter with a thread
//! pool); in the child only the thread that forked exists, so the child
//! never returns to its caller: the engine runs the child's guest to its
//! end on that thread, ignoring instruction budgets, and then ends the
//! host process with the guest's status: `_exit(code)`, or, for a guest
//! killed by a signal, death by that same signal (default action, no core
//! file), so the parent's wait4 sees exactly what Linux reports.
//!
//! Captured output written by children is relayed to the capturing
//! process through pipes (relay.rs). CLONE_VM|CLONE_VFORK (vfork, glibc's
//! posix_spawn) is a fork too: the parent waits until the child has
//! called execve or ended, as vfork does, but the two do not share memory,
//! so a posix_spawn child's exec failure shows as exit status 127 instead
//! of an error from posix_spawn. Threads (CLONE_THREAD, or CLONE_VM
//! without CLONE_VFORK), shared tables (CLONE_FILES, CLONE_FS,
//! CLONE_SIGHAND), CLONE_PARENT, CLONE_PIDFD and namespaces are ENOSYS;
//! clone3 is ENOSYS too, which makes glibc fall back to clone.
//!
//! Known limits: host descriptors of the host program that are not the
//! guest's (other machines' files, the host's own) stay open in a child
//! until it ends; standard input given as bytes is copied, not shared.

use std::collections::BTreeMap;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;

use super::Args;
use crate::hart::Hart;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::interruption::Interruption;
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

const CSIGNAL: u64 = 0xff;
const CLONE_VM: u64 = 0x100;
const CLONE_FS: u64 = 0x200;
const CLONE_SIGHAND: u64 = 0x800;
const CLONE_PTRACE: u64 = 0x2000;
const CLONE_VFORK: u64 = 0x4000;
const CLONE_THREAD: u64 = 0x10000;
const CLONE_NEWNS: u64 = 0x20000;
const CLONE_SYSVSEM: u64 = 0x40000;
const CLONE_SETTLS: u64 = 0x80000;
const CLONE_PARENT_SETTID: u64 = 0x100000;
const CLONE_CHILD_CLEARTID: u64 = 0x200000;
const CLONE_DETACHED: u64 = 0x400000;
const CLONE_UNTRACED: u64 = 0x800000;
const CLONE_CHILD_SETTID: u64 = 0x0100_0000;
const CLONE_NEWUSER: u64 = 0x1000_0000;
const CLONE_IO: u64 = 0x8000_0000;

/// The flags a fork-like clone may carry.
const FORK_FLAGS: u64 = CSIGNAL
    | CLONE_VM
    | CLONE_VFORK
    | CLONE_PTRACE
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_DETACHED
    | CLONE_UNTRACED
    | CLONE_CHILD_SETTID
    | CLONE_IO;

/// A process's children and its own place among processes.
#[derive(Debug, Default)]
pub struct Family {
    /// Live (not yet reaped) children by pid, each with a pidfd that
    /// becomes readable when the child ends (None if the host had none).
    pub children: BTreeMap<i32, Option<OwnedFd>>,
    /// This process is a forked child: it must never return to the
    /// machine's caller.
    pub forked: bool,
    /// In a vfork child: the pipe end its parent waits on, closed at
    /// execve or when the child ends.
    pub vfork_done: Option<OwnedFd>,
}

/// clone(flags, newsp, parent_tid, child_tid, tls) — riscv64 has no
/// CLONE_BACKWARDS, so this is the generic argument order.
pub fn clone(p: &mut Process, hart: &mut Hart, mem: &mut Memory, a: Args) -> SysResult {
    let (flags, newsp, parent_tid, child_tid, tls) = (a[0], a[1], a[2], a[3], a[4]);
    check_flags(flags)?;
    p.relay.prepare()?;
    let vfork = if flags & CLONE_VFORK != 0 { Some(host::pipe2(0)?) } else { None };
    let pid = host::fork()?;
    if pid == 0 {
        become_child(p, vfork.map(|(_, w)| w));
        if newsp != 0 {
            hart.x[2] = newsp;
        }
        if flags & CLONE_SETTLS != 0 {
            hart.x[4] = tls;
        }
        if flags & CLONE_CHILD_SETTID != 0 {
            // As in schedule_tail, a bad address is not the child's error.
            let _ = uaccess::write_u32(mem, child_tid, p.ids.pid as u32);
        }
        if flags & CLONE_CHILD_CLEARTID != 0 {
            p.thread.clear_child_tid = child_tid;
        }
        return Ok(0);
    }
    p.family.children.insert(pid, host::pidfd_open(pid).ok());
    if flags & CLONE_PARENT_SETTID != 0 {
        let _ = uaccess::write_u32(mem, parent_tid, pid as u32);
    }
    if let Some((r, w)) = vfork {
        drop(w);
        wait_for_exec(&r);
    }
    Ok(pid as u64)
}

/// EINVAL for combinations Linux refuses, ENOSYS for what is not a fork.
fn check_flags(flags: u64) -> Result<(), Errno> {
    let both = |a: u64, b: u64| flags & a != 0 && flags & b != 0;
    if both(CLONE_NEWNS, CLONE_FS) || both(CLONE_NEWUSER, CLONE_FS) {
        return Err(Errno::EINVAL);
    }
    if flags & CLONE_THREAD != 0 && flags & CLONE_SIGHAND == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & CLONE_SIGHAND != 0 && flags & CLONE_VM == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & !FORK_FLAGS != 0 || (flags & CLONE_VM != 0 && flags & CLONE_VFORK == 0) {
        return Err(Errno::ENOSYS);
    }
    Ok(())
}

/// The child's side of a fork: its own ids, no children, output relayed.
fn become_child(p: &mut Process, vfork_done: Option<OwnedFd>) {
    let ids = host::ids();
    p.ids.pid = ids.pid;
    p.ids.ppid = ids.ppid;
    p.family = Family { children: BTreeMap::new(), forked: true, vfork_done };
    p.relay.become_child();
    p.signals.on_fork();
    // Requests to stop the parent's run are not the child's.
    p.interruption = Arc::new(Interruption::new());
    // Output the parent captured before the fork is the parent's to hand
    // over.
    p.captured = [Vec::new(), Vec::new()];
}

/// Block until the vfork child closed its end of the pipe (execve or end).
fn wait_for_exec(r: &OwnedFd) {
    let mut b = [0u8; 1];
    loop {
        match host::read(r.as_raw_fd(), &mut b) {
            Err(Errno::EINTR) | Ok(1..) => {}
            _ => return,
        }
    }
}
