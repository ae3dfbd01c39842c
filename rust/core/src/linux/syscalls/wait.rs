//! Waiting for children (wait4, waitid) and process groups and sessions
//! (setpgid, getpgid, getsid, setsid).
//!
//! Children are host processes (fork.rs), so their statuses are the host
//! kernel's. Only this guest's own children are waited for, never other
//! children of the host program: each is waited for by pid (waitid P_PID
//! with WNOHANG), and a blocking wait sleeps in poll on the children's
//! pidfds, waking too for output to relay from captured streams.

use std::os::fd::AsRawFd;
use std::time::Instant;

use super::sigwait::block;
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

const WNOHANG: u32 = 1;
const WUNTRACED: u32 = 2;
const WSTOPPED: u32 = 2;
const WEXITED: u32 = 4;
const WCONTINUED: u32 = 8;
const WNOWAIT: u32 = 0x0100_0000;
const WNOTHREAD: u32 = 0x2000_0000;
const WALL: u32 = 0x4000_0000;
const WCLONE: u32 = 0x8000_0000;

const P_ALL: u32 = 0;
const P_PID: u32 = 1;
const P_PGID: u32 = 2;

/// si_code values of SIGCHLD.
const CLD_EXITED: i32 = 1;
const CLD_KILLED: i32 = 2;
const CLD_DUMPED: i32 = 3;
const CLD_CONTINUED: i32 = 6;

/// How long a blocking wait sleeps before looking again at children it
/// has no pidfd for, or at stops and continues (which pidfds do not
/// announce).
const RESCAN: std::time::Duration = std::time::Duration::from_millis(50);

/// Which children a wait is about.
#[derive(Clone, Copy)]
enum Which {
    Any,
    Pid(i32),
    Group(i32),
}

/// A child whose state changed: the kernel's siginfo and its usage.
struct Found {
    info: [u8; host::SIGINFO_SIZE],
    usage: [u8; host::RUSAGE_SIZE],
}

impl Found {
    fn int(&self, off: usize) -> i32 {
        i32::from_le_bytes(self.info[off..off + 4].try_into().unwrap_or_default())
    }

    fn pid(&self) -> i32 {
        self.int(16)
    }

    /// The wait status (as wait4 reports it) the siginfo describes.
    fn status(&self) -> u32 {
        let (code, st) = (self.int(8), self.int(24) as u32);
        match code {
            CLD_EXITED => (st & 0xff) << 8,
            CLD_KILLED => st & 0x7f,
            CLD_DUMPED => (st & 0x7f) | 0x80,
            CLD_CONTINUED => 0xffff,
            // Stopped or trapped.
            _ => (st & 0xff) << 8 | 0x7f,
        }
    }

    /// Whether the child is gone (no longer to be waited for).
    fn ended(&self) -> bool {
        matches!(self.int(8), CLD_EXITED | CLD_KILLED | CLD_DUMPED)
    }
}

pub fn sys_wait4(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (pid, status, options, rusage) = (a[0] as i32, a[1], a[2] as u32, a[3]);
    if options & !(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE) != 0 {
        return Err(Errno::EINVAL);
    }
    let which = match pid {
        -1 => Which::Any,
        0 => Which::Group(host::getpgid(0)?),
        // i32::MIN has no group: Linux answers ESRCH.
        i32::MIN => return Err(Errno::ESRCH),
        n if n < 0 => Which::Group(-n),
        n => Which::Pid(n),
    };
    let Some(found) = wait(p, which, WEXITED | (options & (WNOHANG | WUNTRACED | WCONTINUED)))? else {
        return Ok(0);
    };
    if status != 0 {
        uaccess::write_u32(mem, status, found.status())?;
    }
    if rusage != 0 {
        uaccess::write(mem, rusage, &found.usage)?;
    }
    Ok(found.pid() as u64)
}

pub fn sys_waitid(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (idtype, id, infop, options, rusage) = (a[0] as u32, a[1] as i32, a[2], a[3] as u32, a[4]);
    if options & !(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE) != 0
        || options & (WEXITED | WSTOPPED | WCONTINUED) == 0
    {
        return Err(Errno::EINVAL);
    }
    let which = match idtype {
        P_ALL => Which::Any,
        P_PID if id > 0 => Which::Pid(id),
        P_PGID if id == 0 => Which::Group(host::getpgid(0)?),
        P_PGID if id > 0 => Which::Group(id),
        _ => return Err(Errno::EINVAL),
    };
    let found = wait(p, which, options)?;
    // waitid writes signo, errno, code, pid, uid and status (28 bytes);
    // all zero when WNOHANG found nothing.
    if infop != 0 {
        let fields = found.as_ref().map_or([0u8; 28], |f| f.info[..28].try_into().unwrap_or_default());
        uaccess::write(mem, infop, &fields)?;
    }
    if rusage != 0 {
        let usage = found.as_ref().map_or([0u8; host::RUSAGE_SIZE], |f| f.usage);
        uaccess::write(mem, rusage, &usage)?;
    }
    Ok(0)
}

/// Wait for one of the children `which` selects to change state as
/// `options` (waitid's) asks; None when WNOHANG found none ready.
fn wait(p: &mut Process, which: Which, options: u32) -> Result<Option<Found>, Errno> {
    let host_options = (options & (WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT)) as i32 | libc::WNOHANG;
    loop {
        p.relay.drain(&mut p.captured);
        let pids = selected(p, which);
        if pids.is_empty() {
            return Err(Errno::ECHILD);
        }
        for &pid in &pids {
            let (info, usage) = match host::waitid(pid, host_options) {
                Ok(r) => r,
                // Reaped behind our back (SIGCHLD ignored on the host).
                Err(Errno::ECHILD) => {
                    p.family.children.remove(&pid);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let found = Found { info, usage };
            if found.pid() == 0 {
                continue;
            }
            if found.ended() && options & WNOWAIT == 0 {
                p.family.children.remove(&pid);
            }
            return Ok(Some(found));
        }
        if options & WNOHANG != 0 {
            return Ok(None);
        }
        let children = pids.iter().filter_map(|pid| p.family.children.get(pid)?.as_ref().map(|f| f.as_raw_fd()));
        let mut fds: Vec<libc::pollfd> =
            children.chain(p.relay.sources()).map(|fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 }).collect();
        // Which descriptor woke us does not matter: the loop rescans.
        if block(p, &mut fds, Instant::now().checked_add(RESCAN), None) == Err(Errno::ERESTARTNOINTR) {
            return Err(Errno::ERESTARTNOINTR);
        }
    }
}

/// The live children `which` names (a pid that is not a child: none).
fn selected(p: &Process, which: Which) -> Vec<i32> {
    let children = p.family.children.keys().copied();
    match which {
        Which::Any => children.collect(),
        Which::Pid(pid) => children.filter(|&c| c == pid).collect(),
        Which::Group(g) => children.filter(|&c| host::getpgid(c) == Ok(g)).collect(),
    }
}

/// Process groups and sessions are the host's: a forked child owns its
/// host process and may move it; the machine in the caller's own process
/// may not take the host process (Python's) out of its group or session.
pub fn sys_setpgid(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    if !p.is_forked_child() {
        return Err(Errno::EPERM);
    }
    host::setpgid(a[0] as i32, a[1] as i32).map(|_| 0)
}

pub fn sys_getpgid(_p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    host::getpgid(a[0] as i32).map(|g| g as u64)
}

pub fn sys_getsid(_p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    host::getsid(a[0] as i32).map(|s| s as u64)
}

pub fn sys_setsid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    if !p.is_forked_child() {
        return Err(Errno::EPERM);
    }
    host::setsid().map(|s| s as u64)
}
