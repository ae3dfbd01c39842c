//! Why a run stopped.

use crate::hart::Exception;
use crate::mem::Access;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopKind {
    /// The guest called exit or exit_group.
    Exited,
    /// The instruction budget ran out; the machine can run on.
    Budget,
    /// The guest was killed by a synchronous fault (a signal).
    Fault,
    /// The guest was killed by a signal that is not a fault of its own
    /// instruction: kill/raise/abort, SIGPIPE, a timer.
    Signal,
    /// System mode: the hart can make no progress (wfi with nothing to
    /// wake it, a request the board cannot serve).
    Halted,
    /// System mode: an access needs the host (a device it serves, a RAM
    /// page it fills); `Memory::host_request` says what. `pc` is the
    /// accessing instruction, which runs again once the host served the
    /// request. The bindings serve it and resume: users never see it.
    HostRequest,
    /// The next instruction to run is at a breakpoint (`pc`); it has not
    /// run. The next run starts with it.
    Breakpoint,
    /// The instruction at `pc` is about to access a watched range
    /// (`Machine::watch_hit` says how); it has not run. The next run
    /// executes it without stopping for that access again.
    Watch,
    /// The ecall at `pc` makes a hooked syscall; it has not run. The
    /// caller decides how it completes (`Machine::resolve_syscall`) and
    /// runs on.
    Syscall,
    /// A syscall resolved with a report request completed
    /// (`Machine::take_syscall_record`); `pc` is the next instruction.
    SyscallDone,
}

impl StopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StopKind::Exited => "exited",
            StopKind::Budget => "budget",
            StopKind::Fault => "fault",
            StopKind::Signal => "signal",
            StopKind::Halted => "halted",
            StopKind::HostRequest => "request",
            StopKind::Breakpoint => "breakpoint",
            StopKind::Watch => "watch",
            StopKind::Syscall => "syscall",
            StopKind::SyscallDone => "syscall_done",
        }
    }

    /// True when the guest has ended: later runs return the same stop.
    /// The other kinds leave a machine that runs on.
    pub fn is_final(self) -> bool {
        matches!(self, StopKind::Exited | StopKind::Fault | StopKind::Signal | StopKind::Halted)
    }
}

/// Linux signal numbers of the faults a guest can die of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Signal {
    Sigill = 4,
    Sigtrap = 5,
    Sigbus = 7,
    Sigsegv = 11,
}

impl Signal {
    pub fn name(self) -> &'static str {
        signal_name(self as i32)
    }
}

/// The name of Linux signal `sig` ("SIG42" for unnamed real-time ones).
pub fn signal_name(sig: i32) -> &'static str {
    const NAMES: [&str; 32] = [
        "SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];
    usize::try_from(sig).ok().and_then(|i| NAMES.get(i)).copied().unwrap_or("a real-time signal")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopReason {
    pub kind: StopKind,
    /// The exit status: the guest's own, or 128 + signal for a fault (as a
    /// shell reports it).
    pub exit_code: Option<i32>,
    /// The signal that ended the guest (Fault and Signal stops).
    pub signal: Option<i32>,
    /// pc of the exiting ecall, of the faulting instruction, or of the next
    /// instruction to run after a budget stop.
    pub pc: u64,
    pub fault_addr: Option<u64>,
    pub access: Option<Access>,
    /// Raw bits of an illegal instruction.
    pub bits: Option<u32>,
    pub message: String,
}

impl StopReason {
    /// A stop with no exit status, signal or fault details.
    fn plain(kind: StopKind, pc: u64, message: String) -> Self {
        StopReason { kind, exit_code: None, signal: None, pc, fault_addr: None, access: None, bits: None, message }
    }

    pub fn exited(code: i32, pc: u64) -> Self {
        StopReason {
            exit_code: Some(code),
            ..Self::plain(StopKind::Exited, pc, format!("exited with status {code}"))
        }
    }

    pub fn budget(pc: u64) -> Self {
        Self::plain(StopKind::Budget, pc, format!("instruction budget exhausted at pc {pc:#x}"))
    }

    pub fn breakpoint(pc: u64) -> Self {
        Self::plain(StopKind::Breakpoint, pc, format!("breakpoint at pc {pc:#x}"))
    }

    /// The instruction at `pc` is about to make `access` at `addr`, in a
    /// watched range.
    pub fn watch(pc: u64, addr: u64, access: Access) -> Self {
        let message = format!("watched {} at {addr:#x} by the instruction at pc {pc:#x}", access.as_str());
        StopReason { fault_addr: Some(addr), access: Some(access), ..Self::plain(StopKind::Watch, pc, message) }
    }

    /// The ecall at `pc` makes hooked syscall `nr`.
    pub fn syscall(pc: u64, nr: u64) -> Self {
        Self::plain(StopKind::Syscall, pc, format!("hooked syscall {nr} at pc {pc:#x}"))
    }

    /// A reported syscall completed; the guest goes on at `pc`.
    pub fn syscall_done(pc: u64) -> Self {
        Self::plain(StopKind::SyscallDone, pc, format!("syscall completed, next pc {pc:#x}"))
    }

    pub fn halted(pc: u64, message: String) -> Self {
        Self::plain(StopKind::Halted, pc, message)
    }

    /// A pause for the host at the instruction at `pc`.
    pub fn host_request(pc: u64) -> Self {
        Self::plain(StopKind::HostRequest, pc, format!("waiting for the host at pc {pc:#x}"))
    }

    /// The stop of a guest killed by signal `sig` (not a fault of the
    /// instruction at `pc`, the next one to run).
    pub fn killed(sig: i32, pc: u64) -> Self {
        let message = format!("killed by {} ({sig}) at pc {pc:#x}", signal_name(sig));
        StopReason { exit_code: Some(128 + sig), signal: Some(sig), ..Self::plain(StopKind::Signal, pc, message) }
    }

    /// The stop of a guest killed by exception `e` at `pc`. `mapped` tells
    /// whether the faulting address lies in a mapping (permission fault) or
    /// not (nothing mapped there).
    pub fn from_exception(e: Exception, pc: u64, mapped: bool) -> Self {
        use Exception::*;
        let (signal, access) = match e {
            IllegalInstruction(_) => (Signal::Sigill, None),
            Breakpoint(_) => (Signal::Sigtrap, None),
            LoadMisaligned(_) => (Signal::Sigbus, Some(Access::Read)),
            StoreMisaligned(_) => (Signal::Sigbus, Some(Access::Write)),
            InstructionMisaligned(_) => (Signal::Sigbus, Some(Access::Fetch)),
            InstructionAccessFault(_) | InstructionPageFault(_) => (Signal::Sigsegv, Some(Access::Fetch)),
            LoadAccessFault(_) | LoadPageFault(_) => (Signal::Sigsegv, Some(Access::Read)),
            StoreAccessFault(_) | StorePageFault(_) => (Signal::Sigsegv, Some(Access::Write)),
            EcallFromU | EcallFromS | EcallFromM => (Signal::Sigill, None),
        };
        let bits = match e {
            IllegalInstruction(b) => Some(b),
            _ => None,
        };
        let fault_addr = access.map(|_| e.tval());
        let message = match (signal, access, bits) {
            (Signal::Sigill, _, Some(b)) => {
                format!("{}: illegal instruction {b:#010x} at pc {pc:#x}", signal.name())
            }
            (_, Some(a), _) => {
                let why = match (signal, mapped) {
                    (Signal::Sigbus, _) => "misaligned atomic access",
                    (_, true) => "permission denied",
                    (_, false) => "unmapped address",
                };
                format!("{}: {} at {:#x} ({why}) at pc {pc:#x}", signal.name(), a.as_str(), e.tval())
            }
            _ => format!("{}: breakpoint at pc {pc:#x}", signal.name()),
        };
        StopReason {
            kind: StopKind::Fault,
            exit_code: Some(128 + signal as i32),
            signal: Some(signal as i32),
            pc,
            fault_addr,
            access,
            bits,
            message,
        }
    }
}
