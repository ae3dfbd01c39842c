//! Signal dispositions and sending: rt_sigaction, rt_sigprocmask,
//! sigaltstack, rt_sigpending, kill, tkill, tgkill, rt_sigqueueinfo.
//!
//! Only the process itself can be signalled: there is one thread, and
//! the host's other processes are out of the guest's reach (ESRCH).

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::signals::{
    default_action, DefaultAction, SigAction, SigInfo, NSIG, SIGKILL, SIGSTOP, SIG_DFL, SIG_IGN, SI_TKILL,
    SI_USER, UNBLOCKABLE,
};
use crate::linux::{host, uaccess, Process};
use crate::mem::Memory;

/// sizeof(sigset_t) in the kernel ABI.
const SIGSET_SIZE: u64 = 8;

const SIG_BLOCK: u64 = 0;
const SIG_UNBLOCK: u64 = 1;
const SIG_SETMASK: u64 = 2;

/// A signal number argument (an int): 1..=64, or 0 to only check that
/// the target exists.
fn signal_arg(raw: u64) -> Result<u32, Errno> {
    let sig = raw as u32;
    if sig > NSIG {
        return Err(Errno::EINVAL);
    }
    Ok(sig)
}

pub fn sys_rt_sigaction(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (sig, act, oact, size) = (a[0] as u32, a[1], a[2], a[3]);
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let new = if act != 0 { Some(SigAction::from_bytes(&uaccess::read_array::<24>(mem, act)?)) } else { None };
    if !(1..=NSIG).contains(&sig) || (new.is_some() && (sig == SIGKILL || sig == SIGSTOP)) {
        return Err(Errno::EINVAL);
    }
    let old = p.signals.action(sig);
    if let Some(mut new) = new {
        new.mask &= !UNBLOCKABLE;
        p.signals.actions[(sig - 1) as usize] = new;
        // A signal that is now ignored is dropped even when pending.
        let ignored = new.handler == SIG_IGN
            || (new.handler == SIG_DFL
                && matches!(default_action(sig), DefaultAction::Ignore | DefaultAction::JobControl));
        if ignored {
            p.signals.discard(sig);
        }
    }
    if oact != 0 {
        uaccess::write(mem, oact, &old.to_bytes())?;
    }
    Ok(0)
}

pub fn sys_rt_sigprocmask(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (how, set, oset, size) = (a[0], a[1], a[2], a[3]);
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let old = p.signals.blocked;
    if set != 0 {
        let new = uaccess::read_u64(mem, set)?;
        let mask = match how as u32 as u64 {
            SIG_BLOCK => old | new,
            SIG_UNBLOCK => old & !new,
            SIG_SETMASK => new,
            _ => return Err(Errno::EINVAL),
        };
        p.signals.blocked = mask & !UNBLOCKABLE;
    }
    if oset != 0 {
        uaccess::write_u64(mem, oset, old)?;
    }
    Ok(0)
}

pub fn sys_rt_sigpending(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (set, size) = (a[0], a[1]);
    if size > SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let pending = p.signals.pending_set() & p.signals.blocked;
    uaccess::write(mem, set, &pending.to_le_bytes()[..size as usize])?;
    Ok(0)
}

pub fn sys_sigaltstack(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (ss, old_ss) = (a[0], a[1]);
    let sp = p.signals.syscall_sp;
    let (old_sp, old_size, _) = p.signals.altstack;
    let old_flags = p.signals.altstack_flags(sp);
    if ss != 0 {
        // stack_t: ss_sp (8), ss_flags (int, padded to 8), ss_size (8).
        let b = uaccess::read_array::<24>(mem, ss)?;
        let ss_sp = u64::from_le_bytes(b[..8].try_into().unwrap_or_default());
        let flags = u32::from_le_bytes(b[8..12].try_into().unwrap_or_default());
        let size = u64::from_le_bytes(b[16..].try_into().unwrap_or_default());
        p.signals.set_altstack(ss_sp, flags, size, sp)?;
    }
    if old_ss != 0 {
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&old_sp.to_le_bytes());
        b[8..12].copy_from_slice(&old_flags.to_le_bytes());
        b[16..].copy_from_slice(&old_size.to_le_bytes());
        uaccess::write(mem, old_ss, &b)?;
    }
    Ok(0)
}

/// Queue `info` unless it only checks that the target exists (signal 0).
fn send(p: &mut Process, info: SigInfo) -> SysResult {
    if info.signo != 0 {
        p.signals.send(info);
    }
    Ok(0)
}

pub fn sys_kill(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (pid, sig) = (a[0] as i32, signal_arg(a[1])?);
    let me = p.ids.pid;
    // 0 and -pgrp name our process group, -1 every process but ourselves.
    let ourselves = pid == me || pid == 0 || (pid < -1 && pid.checked_neg() == Some(host::pgrp()));
    if !ourselves {
        return Err(Errno::ESRCH);
    }
    send(p, SigInfo::from_process(sig, SI_USER, me, p.ids.uid))
}

pub fn sys_tkill(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (tid, sig) = (a[0] as i32, signal_arg(a[1])?);
    if tid <= 0 {
        return Err(Errno::EINVAL);
    }
    if tid != p.ids.pid {
        return Err(Errno::ESRCH);
    }
    send(p, SigInfo::from_process(sig, SI_TKILL, p.ids.pid, p.ids.uid))
}

pub fn sys_tgkill(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (tgid, tid, sig) = (a[0] as i32, a[1] as i32, signal_arg(a[2])?);
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    if tgid != p.ids.pid || tid != p.ids.pid {
        return Err(Errno::ESRCH);
    }
    send(p, SigInfo::from_process(sig, SI_TKILL, p.ids.pid, p.ids.uid))
}

pub fn sys_rt_sigqueueinfo(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (pid, sig, uinfo) = (a[0] as i32, signal_arg(a[1])?, a[2]);
    let bytes = uaccess::read_array::<128>(mem, uinfo)?;
    if pid != p.ids.pid {
        return Err(Errno::ESRCH);
    }
    send(p, SigInfo::from_guest(sig, bytes))
}
