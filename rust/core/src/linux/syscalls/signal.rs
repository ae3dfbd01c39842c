//! Signal state: rt_sigaction, rt_sigprocmask, sigaltstack.
//!
//! Handlers, the blocked mask and the alternate stack are recorded and
//! reported back exactly as Linux does; delivering signals to handlers is
//! not implemented yet.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::{uaccess, Process};
use crate::mem::Memory;

const NSIG: u64 = 64;
const SIGKILL: u64 = 9;
const SIGSTOP: u64 = 19;
/// sizeof(sigset_t) in the kernel ABI.
const SIGSET_SIZE: u64 = 8;
/// SIGKILL and SIGSTOP can be neither caught nor blocked.
const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

const SIG_BLOCK: u64 = 0;
const SIG_UNBLOCK: u64 = 1;
const SIG_SETMASK: u64 = 2;

const SS_ONSTACK: u32 = 1;
const SS_DISABLE: u32 = 2;
const SS_AUTODISARM: u32 = 1 << 31;
/// MINSIGSTKSZ of riscv64.
const MINSIGSTKSZ: u64 = 2048;

/// A struct sigaction as riscv64 passes it (no sa_restorer there):
/// handler, flags, mask; 24 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigAction {
    pub handler: u64,
    pub flags: u64,
    pub mask: u64,
}

impl SigAction {
    fn from_bytes(b: &[u8; 24]) -> SigAction {
        let word = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or_default());
        SigAction { handler: word(0), flags: word(1), mask: word(2) }
    }

    fn to_bytes(self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&self.handler.to_le_bytes());
        b[8..16].copy_from_slice(&self.flags.to_le_bytes());
        b[16..].copy_from_slice(&self.mask.to_le_bytes());
        b
    }
}

/// The process's signal dispositions, blocked mask and alternate stack.
#[derive(Clone, Debug)]
pub struct Signals {
    /// Indexed by signal number - 1; SIG_DFL (0) initially.
    pub actions: [SigAction; NSIG as usize],
    pub blocked: u64,
    /// (ss_sp, ss_size, SS_AUTODISARM flag); size 0 means disabled.
    pub altstack: (u64, u64, u32),
}

impl Default for Signals {
    fn default() -> Self {
        Signals { actions: [SigAction::default(); NSIG as usize], blocked: 0, altstack: (0, 0, 0) }
    }
}

pub fn sys_rt_sigaction(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (sig, act, oact, size) = (a[0] as u32 as u64, a[1], a[2], a[3]);
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let new = if act != 0 { Some(SigAction::from_bytes(&uaccess::read_array::<24>(mem, act)?)) } else { None };
    if !(1..=NSIG).contains(&sig) || (new.is_some() && (sig == SIGKILL || sig == SIGSTOP)) {
        return Err(Errno::EINVAL);
    }
    let slot = &mut p.signals.actions[(sig - 1) as usize];
    let old = *slot;
    if let Some(mut new) = new {
        new.mask &= !UNBLOCKABLE;
        *slot = new;
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

pub fn sys_sigaltstack(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (ss, old_ss) = (a[0], a[1]);
    let old = p.signals.altstack;
    if ss != 0 {
        // stack_t: ss_sp (8), ss_flags (int, padded to 8), ss_size (8).
        let b = uaccess::read_array::<24>(mem, ss)?;
        let sp = u64::from_le_bytes(b[..8].try_into().unwrap_or_default());
        let flags = u32::from_le_bytes(b[8..12].try_into().unwrap_or_default());
        let size = u64::from_le_bytes(b[16..].try_into().unwrap_or_default());
        let mode = flags & !SS_AUTODISARM;
        if mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE {
            return Err(Errno::EINVAL);
        }
        p.signals.altstack = if mode == SS_DISABLE {
            (0, 0, 0)
        } else if size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        } else {
            (sp, size, flags & SS_AUTODISARM)
        };
    }
    if old_ss != 0 {
        let (sp, size, auto) = old;
        // Never on the alternate stack: no handler runs yet.
        let flags = if size == 0 { SS_DISABLE } else { auto };
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&sp.to_le_bytes());
        b[8..12].copy_from_slice(&flags.to_le_bytes());
        b[16..].copy_from_slice(&size.to_le_bytes());
        uaccess::write(mem, old_ss, &b)?;
    }
    Ok(0)
}
