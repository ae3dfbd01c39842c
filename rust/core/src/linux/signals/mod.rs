//! Signals of the one-thread process: dispositions, the blocked mask, the
//! alternate stack, pending signals, the ITIMER_REAL timer, and delivery
//! to guest handlers through RISC-V signal frames.
//!
//! Signals are queued here by syscalls (kill, SIGPIPE), the timer and the
//! engine (faults); the engine asks `Process::deliver_signals` to act on
//! them after syscalls and at block boundaries, so nothing is checked on
//! the hot path of guest code.

mod deliver;
mod fault;
mod frame;
mod itimer;

pub use deliver::Death;
pub use fault::fault_siginfo;
use super::errno::Errno;
pub use itimer::RealTimer;

pub const NSIG: u32 = 64;
pub const SIGILL: u32 = 4;
pub const SIGTRAP: u32 = 5;
pub const SIGBUS: u32 = 7;
pub const SIGKILL: u32 = 9;
pub const SIGSEGV: u32 = 11;
pub const SIGPIPE: u32 = 13;
pub const SIGALRM: u32 = 14;
pub const SIGSTOP: u32 = 19;
/// Below this number signals are standard (pending at most once); from it
/// on real-time (queued as often as sent).
pub const SIGRTMIN: u32 = 32;

pub const SIG_DFL: u64 = 0;
pub const SIG_IGN: u64 = 1;

pub const SA_SIGINFO: u64 = 4;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;

/// si_code values.
pub const SI_USER: i32 = 0;
pub const SI_KERNEL: i32 = 0x80;
pub const SI_QUEUE: i32 = -1;
pub const SI_TKILL: i32 = -6;

pub const SS_ONSTACK: u32 = 1;
pub const SS_DISABLE: u32 = 2;
pub const SS_AUTODISARM: u32 = 1 << 31;
/// MINSIGSTKSZ of riscv64.
const MINSIGSTKSZ: u64 = 2048;

/// The bit of signal `sig` in a sigset.
pub fn bit(sig: u32) -> u64 {
    1 << (sig - 1)
}

/// SIGKILL and SIGSTOP can be neither caught nor blocked.
pub const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

/// Signals raised by the instruction that runs: delivered before others.
/// SIGILL, SIGTRAP, SIGBUS, SIGFPE (8), SIGSEGV, SIGSYS (31).
const SYNCHRONOUS: u64 = (1 << (SIGILL - 1))
    | (1 << (SIGTRAP - 1))
    | (1 << (SIGBUS - 1))
    | (1 << (8 - 1))
    | (1 << (SIGSEGV - 1))
    | (1 << (31 - 1));

/// A struct sigaction as riscv64 passes it (no sa_restorer there):
/// handler, flags, mask; 24 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigAction {
    pub handler: u64,
    pub flags: u64,
    pub mask: u64,
}

impl SigAction {
    pub fn from_bytes(b: &[u8; 24]) -> SigAction {
        let word = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or_default());
        SigAction { handler: word(0), flags: word(1), mask: word(2) }
    }

    pub fn to_bytes(self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&self.handler.to_le_bytes());
        b[8..16].copy_from_slice(&self.flags.to_le_bytes());
        b[16..].copy_from_slice(&self.mask.to_le_bytes());
        b
    }
}

/// What SIG_DFL does with a signal (the kernel's sig_kernel_* sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultAction {
    Ignore,
    Terminate,
    /// Terminate with a core dump (the status is the same without one).
    Core,
    /// Stop or continue job control: a process without a job-control
    /// parent carries on, so both are ignored here.
    JobControl,
}

pub fn default_action(sig: u32) -> DefaultAction {
    match sig {
        // SIGCHLD, SIGURG, SIGWINCH
        17 | 23 | 28 => DefaultAction::Ignore,
        // SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
        18..=22 => DefaultAction::JobControl,
        // SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
        // SIGXCPU, SIGXFSZ, SIGSYS
        3..=8 | 11 | 24 | 25 | 31 => DefaultAction::Core,
        _ => DefaultAction::Terminate,
    }
}

/// A siginfo_t (128 bytes) for one pending signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigInfo {
    pub signo: u32,
    pub bytes: [u8; 128],
}

impl SigInfo {
    fn header(signo: u32, code: i32) -> SigInfo {
        let mut bytes = [0u8; 128];
        bytes[..4].copy_from_slice(&signo.to_le_bytes());
        bytes[8..12].copy_from_slice(&code.to_le_bytes());
        SigInfo { signo, bytes }
    }

    /// Sent by a process (kill, tgkill, SIGPIPE): si_pid and si_uid.
    pub fn from_process(signo: u32, code: i32, pid: i32, uid: u32) -> SigInfo {
        let mut s = SigInfo::header(signo, code);
        s.bytes[16..20].copy_from_slice(&pid.to_le_bytes());
        s.bytes[20..24].copy_from_slice(&uid.to_le_bytes());
        s
    }

    /// Raised by an instruction: si_addr.
    pub fn fault(signo: u32, code: i32, addr: u64) -> SigInfo {
        let mut s = SigInfo::header(signo, code);
        s.bytes[16..24].copy_from_slice(&addr.to_le_bytes());
        s
    }

    /// Sent by the kernel itself (timers, a bad signal frame).
    pub fn kernel(signo: u32) -> SigInfo {
        SigInfo::header(signo, SI_KERNEL)
    }

    /// A guest-made siginfo (rt_sigqueueinfo), with si_signo forced.
    pub fn from_guest(signo: u32, mut bytes: [u8; 128]) -> SigInfo {
        bytes[..4].copy_from_slice(&signo.to_le_bytes());
        SigInfo { signo, bytes }
    }
}

/// The process's signal dispositions, blocked mask, alternate stack and
/// pending signals.
#[derive(Clone, Debug)]
pub struct Signals {
    /// Indexed by signal number - 1; SIG_DFL (0) initially.
    pub actions: [SigAction; NSIG as usize],
    pub blocked: u64,
    /// (ss_sp, ss_size, SS_AUTODISARM flag); size 0 means disabled.
    pub altstack: (u64, u64, u32),
    /// In sending order; a standard signal appears at most once.
    pending: Vec<SigInfo>,
    /// The mask to restore once a handler has been set up (or at once if
    /// none is) after a call that waits with a temporary mask
    /// (rt_sigsuspend, ppoll): the frame saves this one, not the temporary.
    pub saved_mask: Option<u64>,
    pub timer: RealTimer,
    /// a0 of a syscall interrupted by a signal that restarts unless a
    /// handler without SA_RESTART runs.
    pub restart_a0: Option<u64>,
    /// Address of the sigreturn trampoline, once mapped.
    pub trampoline: Option<u64>,
    /// The guest's sp at the current syscall (sigaltstack's notion of
    /// "running on the alternate stack").
    pub syscall_sp: u64,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            actions: [SigAction::default(); NSIG as usize],
            blocked: 0,
            altstack: (0, 0, 0),
            pending: Vec::new(),
            saved_mask: None,
            timer: RealTimer::default(),
            restart_a0: None,
            trampoline: None,
            syscall_sp: 0,
        }
    }
}

impl Signals {
    pub fn action(&self, sig: u32) -> SigAction {
        self.actions[(sig - 1) as usize]
    }

    /// True when `sig` would be thrown away at once: ignored and not
    /// blocked (a blocked signal waits, its handler may change meanwhile).
    fn ignored(&self, sig: u32) -> bool {
        if self.blocked & bit(sig) != 0 {
            return false;
        }
        let h = self.action(sig).handler;
        h == SIG_IGN
            || (h == SIG_DFL && matches!(default_action(sig), DefaultAction::Ignore | DefaultAction::JobControl))
    }

    /// Make a signal pending (send_signal).
    pub fn send(&mut self, info: SigInfo) {
        let sig = info.signo;
        if self.ignored(sig) {
            return;
        }
        if sig < SIGRTMIN && self.pending.iter().any(|p| p.signo == sig) {
            return;
        }
        self.pending.push(info);
    }

    /// A signal the process cannot refuse (force_sig_info): if blocked or
    /// ignored it is unblocked and its action reset, so it kills.
    pub fn force(&mut self, info: SigInfo) {
        let sig = info.signo;
        let slot = &mut self.actions[(sig - 1) as usize];
        let blocked = self.blocked & bit(sig) != 0;
        if blocked || slot.handler == SIG_IGN {
            slot.handler = SIG_DFL;
            self.blocked &= !bit(sig);
        }
        if !self.pending.iter().any(|p| p.signo == sig) {
            self.pending.push(info);
        }
    }

    /// Signals pending, as a sigset.
    pub fn pending_set(&self) -> u64 {
        self.pending.iter().fold(0, |m, p| m | bit(p.signo))
    }

    pub fn any_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// True when a pending signal is not blocked.
    pub fn deliverable(&self) -> bool {
        self.pending_set() & !self.blocked != 0
    }

    /// Take the signal to act on next among `allowed`: synchronous ones
    /// first, then the lowest number, the oldest of its kind.
    pub fn dequeue(&mut self, allowed: u64) -> Option<SigInfo> {
        let ready = self.pending_set() & allowed;
        if ready == 0 {
            return None;
        }
        let first = if ready & SYNCHRONOUS != 0 { ready & SYNCHRONOUS } else { ready };
        let sig = first.trailing_zeros() + 1;
        let at = self.pending.iter().position(|p| p.signo == sig)?;
        Some(self.pending.remove(at))
    }

    /// Drop pending instances of `sig` (its action became ignore).
    pub fn discard(&mut self, sig: u32) {
        self.pending.retain(|p| p.signo != sig);
    }

    /// Whether `sp` lies on the alternate stack (on_sig_stack); never
    /// while SS_AUTODISARM is set, as the stack may be reused at once.
    pub fn on_altstack(&self, sp: u64) -> bool {
        let (ss_sp, size, auto) = self.altstack;
        auto == 0 && sp > ss_sp && sp - ss_sp <= size
    }

    /// Install an alternate stack (do_sigaltstack); not while running on
    /// the current one (`sp` the guest's stack pointer).
    pub fn set_altstack(&mut self, ss_sp: u64, flags: u32, size: u64, sp: u64) -> Result<(), Errno> {
        if self.on_altstack(sp) {
            return Err(Errno::EPERM);
        }
        let mode = flags & !SS_AUTODISARM;
        if mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE {
            return Err(Errno::EINVAL);
        }
        self.altstack = if mode == SS_DISABLE {
            (0, 0, 0)
        } else if size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        } else {
            (ss_sp, size, flags & SS_AUTODISARM)
        };
        Ok(())
    }

    /// What a forked child inherits (copy_process): dispositions, mask and
    /// alternate stack, but neither pending signals nor the parent's
    /// interval timer.
    pub fn on_fork(&mut self) {
        self.pending.clear();
        self.timer = RealTimer::default();
    }

    /// What survives execve (flush_signal_handlers): handlers go back to
    /// SIG_DFL unless ignored, the alternate stack and the trampoline
    /// (its page went with the old memory) are gone; the blocked mask,
    /// pending signals and the interval timer stay.
    pub fn on_exec(&mut self) {
        for action in self.actions.iter_mut() {
            if action.handler != SIG_IGN {
                *action = SigAction::default();
            }
        }
        self.altstack = (0, 0, 0);
        self.trampoline = None;
    }

    /// ss_flags as sigaltstack and uc_stack report them: SS_DISABLE,
    /// SS_ONSTACK or 0 (sas_ss_flags), with SS_AUTODISARM if set.
    pub fn altstack_flags(&self, sp: u64) -> u32 {
        let (_, size, auto) = self.altstack;
        let state = if size == 0 {
            SS_DISABLE
        } else if self.on_altstack(sp) {
            SS_ONSTACK
        } else {
            0
        };
        state | auto
    }
}
