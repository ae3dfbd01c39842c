//! The process: ids, uname, resource limits, sysinfo, thread bookkeeping
//! (set_tid_address, robust lists), getrandom, scheduling, umask.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::layout::STACK_SIZE;
use crate::linux::uaccess::{self, CHUNK};
use crate::linux::{host, Process};
use crate::mem::{Access, Memory};

pub const RLIMIT_STACK: usize = 3;
pub const RLIMIT_NOFILE: usize = 7;
const RLIM_NLIMITS: usize = 16;
const RLIM_INFINITY: u64 = u64::MAX;
/// The soft limit on descriptors a process starts with on Linux.
const NOFILE_SOFT: u64 = 1024;
/// fs.nr_open: the highest RLIMIT_NOFILE Linux accepts by default.
const NR_OPEN: u64 = 1 << 20;

/// The guest's resource limits, (soft, hard) per RLIMIT_*.
#[derive(Clone, Debug)]
pub struct Limits([(u64, u64); RLIM_NLIMITS]);

impl Limits {
    /// The host's limits, except for what the machine itself decides: the
    /// stack is a fixed STACK_SIZE mapping, and the descriptor table starts
    /// with Linux's default soft limit.
    pub fn new() -> Limits {
        let mut l = [(RLIM_INFINITY, RLIM_INFINITY); RLIM_NLIMITS];
        for (i, slot) in l.iter_mut().enumerate() {
            if let Some(v) = host::getrlimit(i as u32) {
                *slot = v;
            }
        }
        l[RLIMIT_STACK] = (STACK_SIZE, l[RLIMIT_STACK].1.max(STACK_SIZE));
        let hard = l[RLIMIT_NOFILE].1.clamp(NOFILE_SOFT, NR_OPEN);
        l[RLIMIT_NOFILE] = (NOFILE_SOFT, hard);
        Limits(l)
    }

    pub fn get(&self, resource: usize) -> (u64, u64) {
        self.0.get(resource).copied().unwrap_or((RLIM_INFINITY, RLIM_INFINITY))
    }

    /// Set a limit as do_prlimit does: soft above hard is EINVAL, raising
    /// the hard limit needs privilege (EPERM), as does NOFILE above nr_open.
    fn set(&mut self, resource: usize, new: (u64, u64), privileged: bool) -> Result<(), Errno> {
        let slot = self.0.get_mut(resource).ok_or(Errno::EINVAL)?;
        if new.0 > new.1 {
            return Err(Errno::EINVAL);
        }
        if resource == RLIMIT_NOFILE && new.1 > NR_OPEN {
            return Err(Errno::EPERM);
        }
        if new.1 > slot.1 && !privileged {
            return Err(Errno::EPERM);
        }
        *slot = new;
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}

fn rlimit_bytes((cur, max): (u64, u64)) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&cur.to_le_bytes());
    b[8..].copy_from_slice(&max.to_le_bytes());
    b
}

fn read_rlimit(mem: &mut Memory, addr: u64) -> Result<(u64, u64), Errno> {
    let b = uaccess::read_array::<16>(mem, addr)?;
    let cur = u64::from_le_bytes(b[..8].try_into().unwrap_or_default());
    let max = u64::from_le_bytes(b[8..].try_into().unwrap_or_default());
    Ok((cur, max))
}

/// The pid argument of calls about "a process": 0 or our own pid.
fn check_self(p: &Process, pid: u64) -> Result<(), Errno> {
    let pid = pid as i32;
    if pid == 0 || pid == p.ids.pid {
        Ok(())
    } else {
        Err(Errno::ESRCH)
    }
}

pub fn sys_prlimit64(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (pid, resource, new, old) = (a[0], a[1] as u32 as usize, a[2], a[3]);
    check_self(p, pid)?;
    if resource >= RLIM_NLIMITS {
        return Err(Errno::EINVAL);
    }
    let new = if new != 0 { Some(read_rlimit(mem, new)?) } else { None };
    let before = p.limits.get(resource);
    if let Some(n) = new {
        p.limits.set(resource, n, p.ids.euid == 0)?;
    }
    if old != 0 {
        uaccess::write(mem, old, &rlimit_bytes(before))?;
    }
    Ok(0)
}

pub fn sys_getrlimit(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let resource = a[0] as u32 as usize;
    if resource >= RLIM_NLIMITS {
        return Err(Errno::EINVAL);
    }
    uaccess::write(mem, a[1], &rlimit_bytes(p.limits.get(resource)))?;
    Ok(0)
}

pub fn sys_setrlimit(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let resource = a[0] as u32 as usize;
    if resource >= RLIM_NLIMITS {
        return Err(Errno::EINVAL);
    }
    let new = read_rlimit(mem, a[1])?;
    p.limits.set(resource, new, p.ids.euid == 0)?;
    Ok(0)
}

/// The kernel release reported by uname: a current long-term kernel.
pub const UNAME_RELEASE: &[u8] = b"6.6.0";

pub fn sys_uname(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    // struct new_utsname: six fields of 65 bytes, NUL-padded.
    let fields: [&[u8]; 6] = [
        b"Linux",
        &host::nodename(),
        UNAME_RELEASE,
        b"#1 SMP PREEMPT_DYNAMIC vmjit",
        b"riscv64",
        b"(none)",
    ];
    let mut buf = [0u8; 6 * 65];
    for (i, f) in fields.iter().enumerate() {
        let n = f.len().min(64);
        buf[i * 65..i * 65 + n].copy_from_slice(&f[..n]);
    }
    uaccess::write(mem, a[0], &buf)?;
    Ok(0)
}

pub fn sys_sysinfo(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let si = host::sysinfo()?;
    // struct sysinfo on riscv64 (112 bytes): uptime, loads[3], totalram,
    // freeram, sharedram, bufferram, totalswap, freeswap (8 bytes each),
    // procs (u16) at 80, totalhigh at 88, freehigh at 96, mem_unit (u32)
    // at 104.
    let mut b = [0u8; 112];
    let longs = [
        si.uptime as u64,
        si.loads[0],
        si.loads[1],
        si.loads[2],
        si.totalram,
        si.freeram,
        si.sharedram,
        si.bufferram,
        si.totalswap,
        si.freeswap,
    ];
    for (i, v) in longs.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    b[80..82].copy_from_slice(&si.procs.to_le_bytes());
    b[88..96].copy_from_slice(&si.totalhigh.to_le_bytes());
    b[96..104].copy_from_slice(&si.freehigh.to_le_bytes());
    b[104..108].copy_from_slice(&si.mem_unit.to_le_bytes());
    uaccess::write(mem, a[0], &b)?;
    Ok(0)
}

const RUSAGE_SELF: i32 = 0;
const RUSAGE_CHILDREN: i32 = -1;
const RUSAGE_THREAD: i32 = 1;

pub fn sys_getrusage(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let usage = match a[0] as i32 {
        // The guest's one thread is the host thread running it.
        RUSAGE_SELF | RUSAGE_THREAD => host::thread_rusage()?,
        // Not accounted: the host process's children are not only the
        // guest's (wait4 and waitid do report each child's usage).
        RUSAGE_CHILDREN => [0u8; host::RUSAGE_SIZE],
        _ => return Err(Errno::EINVAL),
    };
    uaccess::write(mem, a[1], &usage)?;
    Ok(0)
}

pub fn sys_getpid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.pid as u64)
}

pub fn sys_getppid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.ppid as u64)
}

/// The only thread's id is the pid.
pub fn sys_gettid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.pid as u64)
}

pub fn sys_getuid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.uid as u64)
}

pub fn sys_geteuid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.euid as u64)
}

pub fn sys_getgid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.gid as u64)
}

pub fn sys_getegid(p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(p.ids.egid as u64)
}

pub fn sys_set_tid_address(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    // clear_child_tid: written and woken when the thread exits; with one
    // thread nobody waits for it, so it is only recorded.
    p.thread.clear_child_tid = a[0];
    Ok(p.ids.pid as u64)
}

/// sizeof(struct robust_list_head) on 64-bit.
const ROBUST_LIST_HEAD_SIZE: u64 = 24;

pub fn sys_set_robust_list(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    if a[1] != ROBUST_LIST_HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    p.thread.robust_list = a[0];
    Ok(0)
}

pub fn sys_get_robust_list(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    check_self(p, a[0])?;
    uaccess::write_u64(mem, a[1], p.thread.robust_list)?;
    uaccess::write_u64(mem, a[2], ROBUST_LIST_HEAD_SIZE)?;
    Ok(0)
}

const GRND_NONBLOCK: u64 = 1;
const GRND_RANDOM: u64 = 2;
const GRND_INSECURE: u64 = 4;
/// MAX_RW_COUNT: the most one call returns.
const MAX_RANDOM: u64 = 0x7fff_f000;

pub fn sys_getrandom(_p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (buf, len, flags) = (a[0], a[1].min(MAX_RANDOM), a[2]);
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0
        || flags & (GRND_INSECURE | GRND_RANDOM) == (GRND_INSECURE | GRND_RANDOM)
    {
        return Err(Errno::EINVAL);
    }
    let len = uaccess::usable(mem, buf, len, Access::Write)?;
    let mut chunk = vec![0u8; (len as usize).min(CHUNK)];
    let mut done = 0u64;
    while done < len {
        let n = ((len - done) as usize).min(CHUNK);
        host::getrandom(&mut chunk[..n])?;
        uaccess::write(mem, buf + done, &chunk[..n])?;
        done += n as u64;
    }
    Ok(done)
}

pub fn sys_sched_getaffinity(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (pid, len, mask) = (a[0], a[1], a[2]);
    check_self(p, pid)?;
    // The machine has one hart, CPU 0; the kernel's mask is a whole
    // number of longs.
    if len == 0 || len % 8 != 0 {
        return Err(Errno::EINVAL);
    }
    uaccess::write_u64(mem, mask, 1)?;
    Ok(8)
}

pub fn sys_sched_yield(_p: &mut Process, _mem: &mut Memory, _a: Args) -> SysResult {
    Ok(0)
}

pub fn sys_umask(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let old = p.umask;
    p.umask = a[0] as u32 & 0o777;
    Ok(old as u64)
}
