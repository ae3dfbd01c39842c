//! Hooks on a machine: breakpoints, syscall hooks and watchpoints.
//!
//! Every hook works the same way: the run loop stops with a request
//! (`StopKind::Breakpoint`, `Syscall`, `Watch`) before the instruction
//! concerned has run, the caller serves it (the Python layer calls its
//! handler), and the next run resumes exactly there. A machine without
//! hooks pays nothing for them:
//! - breakpoints are decided when blocks are built: a breakpoint always
//!   starts a block, that block is never compiled (compiled code can then
//!   never chain into it) and the run loop stops before running it;
//! - syscall hooks are looked up on the ecall path only (a bitmap);
//! - watched pages stay out of the TLBs (mem::watch), so only accesses to
//!   them take the slow path, where the range check is.
//!
//! Resuming: after a breakpoint stop, the next run executes the block at
//! that pc without stopping for it again; after a watch stop, the next run
//! executes the instruction with watchpoints suppressed for it; after a
//! syscall stop, the next run first completes the ecall as
//! `resolve_syscall` decided (running the syscall, maybe with other
//! arguments, or setting a0 to an emulated result), or, with no decision,
//! stops again for the same ecall.
//!
//! A forked child runs without hooks: nobody could serve them.

use std::collections::BTreeSet;

use super::{Environment, Machine, StopReason, VmError};
use crate::interp;
use crate::mem::WatchHit;

/// a0..a5 of a syscall.
pub type SyscallArgs = [u64; 6];

/// Syscall numbers covered by the bitmap; higher ones (guest-defined
/// calls) are kept in a set.
const SYSCALL_BITS: u64 = 512;

#[derive(Default)]
pub(super) struct Hooks {
    syscall_bits: [u64; (SYSCALL_BITS / 64) as usize],
    syscall_high: BTreeSet<u64>,
    /// Stop before every syscall, hooked or not.
    trace_syscalls: bool,
    pending: Option<Pending>,
    /// pc of the breakpoint just reported: the next run goes past it.
    breakpoint_resume: Option<u64>,
    /// pc of the instruction whose watched access was just reported.
    watch_resume: Option<u64>,
    last_watch: Option<WatchHit>,
    record: Option<SyscallRecord>,
}

/// How the ecall of a `Syscall` stop completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyscallDecision {
    /// Run the real syscall with these a0..a5 (the guest's registers
    /// a1..a5 are left as they were, as the kernel leaves them).
    Run(SyscallArgs),
    /// Do not run it: a0 gets this value.
    Return(u64),
}

struct Pending {
    /// The ecall's pc: the decision is dropped if the guest was moved.
    pc: u64,
    decision: SyscallDecision,
    report: bool,
}

/// A completed syscall, for a caller that asked for a report: its number,
/// arguments, a0 after it (None when it does not return: exit, execve,
/// rt_sigreturn) and whether a hook emulated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyscallRecord {
    pub nr: u64,
    pub args: SyscallArgs,
    pub result: Option<u64>,
    pub emulated: bool,
}

impl Hooks {
    /// True when the ecall of syscall `nr` stops the run.
    #[inline]
    pub(super) fn stops_for_syscall(&self, nr: u64) -> bool {
        if nr < SYSCALL_BITS {
            self.syscall_bits[(nr / 64) as usize] & (1 << (nr % 64)) != 0 || self.trace_syscalls
        } else {
            self.trace_syscalls || self.syscall_high.contains(&nr)
        }
    }

    /// At the start of a run: the breakpoint just reported is passed only
    /// if the guest is still there.
    pub(super) fn start_run(&mut self, pc: u64) {
        if self.breakpoint_resume != Some(pc) {
            self.breakpoint_resume = None;
        }
    }

    /// The stop for the breakpoint block at `pc`, unless the run resumes
    /// past it.
    #[inline]
    pub(super) fn breakpoint_stop(&mut self, pc: u64) -> Option<StopReason> {
        if self.breakpoint_resume.take() == Some(pc) {
            return None;
        }
        self.breakpoint_resume = Some(pc);
        Some(StopReason::breakpoint(pc))
    }

    fn set_syscall(&mut self, nr: u64, on: bool) -> bool {
        if nr >= SYSCALL_BITS {
            return if on { self.syscall_high.insert(nr) } else { self.syscall_high.remove(&nr) };
        }
        let (word, bit) = (&mut self.syscall_bits[(nr / 64) as usize], 1u64 << (nr % 64));
        let was = *word & bit != 0;
        if on {
            *word |= bit;
        } else {
            *word &= !bit;
        }
        was != on
    }
}

impl Machine {
    fn require_linux(&self, what: &str) -> Result<(), VmError> {
        match self.env {
            Environment::Linux(_) => Ok(()),
            Environment::System(_) => Err(VmError::Io(format!("{what} need a Linux user-mode machine"))),
        }
    }

    /// Stop before the instruction at `pc` whenever the guest gets there;
    /// false when there was a breakpoint there already.
    pub fn add_breakpoint(&mut self, pc: u64) -> bool {
        self.cache.add_breakpoint(pc)
    }

    /// Remove the breakpoint at `pc`; false when there was none.
    pub fn remove_breakpoint(&mut self, pc: u64) -> bool {
        self.cache.remove_breakpoint(pc)
    }

    /// Breakpoint addresses, in order.
    pub fn breakpoints(&self) -> Vec<u64> {
        self.cache.breakpoints().collect()
    }

    /// Stop before syscall `nr` (or stop no longer); false when nothing
    /// changed.
    pub fn hook_syscall(&mut self, nr: u64, on: bool) -> Result<bool, VmError> {
        self.require_linux("syscall hooks")?;
        Ok(self.hooks.set_syscall(nr, on))
    }

    /// Stop before every syscall, hooked or not (an event stream that
    /// reports syscalls).
    pub fn trace_syscalls(&mut self, on: bool) {
        self.hooks.trace_syscalls = on;
    }

    /// Decide how the ecall of the last `Syscall` stop completes, on the
    /// next run. With `report`, that run stops right after it
    /// (`SyscallDone`, unless the syscall ended the guest) and
    /// `take_syscall_record` tells what it did.
    pub fn resolve_syscall(&mut self, decision: SyscallDecision, report: bool) {
        self.hooks.pending = Some(Pending { pc: self.hart.pc, decision, report });
    }

    /// The record of the last reported syscall, once.
    pub fn take_syscall_record(&mut self) -> Option<SyscallRecord> {
        self.hooks.record.take()
    }

    /// Watch `[addr, addr+len)` for the guest's loads (`read`) and stores
    /// (`write`); the watchpoint's id.
    pub fn add_watchpoint(&mut self, addr: u64, len: u64, read: bool, write: bool) -> Result<u64, VmError> {
        self.require_linux("watchpoints")?;
        if !read && !write {
            return Err(VmError::Io("a watchpoint watches reads, writes or both".into()));
        }
        self.mem
            .add_watchpoint(addr, len, read, write)
            .map_err(|_| VmError::Io(format!("cannot watch {len} bytes at {addr:#x}: outside the guest address space")))
    }

    /// Remove watchpoint `id`; false when there is none.
    pub fn remove_watchpoint(&mut self, id: u64) -> bool {
        self.mem.remove_watchpoint(id)
    }

    /// The access of the last `Watch` stop.
    pub fn watch_hit(&self) -> Option<WatchHit> {
        self.hooks.last_watch
    }

    /// The stop for a watched access by the instruction at `hart.pc`.
    pub(super) fn watch_stop(&mut self, hit: WatchHit) -> StopReason {
        let pc = self.hart.pc;
        self.hooks.watch_resume = Some(pc);
        self.hooks.last_watch = Some(hit);
        StopReason::watch(pc, hit.addr, hit.access)
    }

    /// At the start of a run with room for at least one instruction:
    /// finish what the last hook stop left (a decided ecall, an
    /// instruction whose watched access was reported). A stop if that
    /// ends the run.
    pub(super) fn resume_from_hooks(&mut self) -> Option<StopReason> {
        let pc = self.hart.pc;
        self.hooks.start_run(pc);
        if let Some(p) = self.hooks.pending.take() {
            if p.pc == pc {
                return self.complete_syscall(p);
            }
        }
        if self.hooks.watch_resume.take() == Some(pc) {
            return self.step_past_watch();
        }
        None
    }

    fn complete_syscall(&mut self, p: Pending) -> Option<StopReason> {
        let nr = self.hart.x[17];
        let (args, outcome) = match p.decision {
            SyscallDecision::Run(args) => (args, self.syscall(Some(args))),
            SyscallDecision::Return(v) => {
                let args = std::array::from_fn(|i| self.hart.x[10 + i]);
                self.hart.instret += 1;
                self.syscalls += 1;
                self.hart.x[10] = v;
                self.hart.pc = self.hart.pc.wrapping_add(4);
                (args, Ok(true))
            }
        };
        if p.report {
            // Read before signal delivery, which may enter a handler.
            let result = matches!(outcome, Ok(true)).then_some(self.hart.x[10]);
            let emulated = matches!(p.decision, SyscallDecision::Return(_));
            self.hooks.record = Some(SyscallRecord { nr, args, result, emulated });
        }
        let stop = match outcome {
            Ok(_) => self.deliver_signals(),
            Err(stop) => Some(stop),
        };
        match stop {
            None if p.report => Some(StopReason::syscall_done(self.hart.pc)),
            stop => stop,
        }
    }

    /// Execute the instruction at `hart.pc` alone, its watched accesses
    /// going through.
    fn step_past_watch(&mut self) -> Option<StopReason> {
        let id = match self.cache.lookup(&mut self.mem, self.hart.pc) {
            Ok(id) => id,
            Err(e) => return self.guest_fault(e),
        };
        self.mem.suppress_watchpoints(true);
        let (exit, retired) = interp::run_block(&mut self.hart, &mut self.mem, self.cache.get(id), 1);
        self.mem.suppress_watchpoints(false);
        self.hart.instret += retired as u64;
        self.after_block(exit)
    }

    /// Drop every hook: a forked child runs on its own, where nobody
    /// serves them.
    pub(super) fn drop_hooks(&mut self) {
        self.hooks = Hooks::default();
        for pc in self.cache.breakpoints().collect::<Vec<_>>() {
            self.cache.remove_breakpoint(pc);
        }
        self.mem.clear_watchpoints();
    }
}
