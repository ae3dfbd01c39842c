//! The engine: a machine's run loop, its stop reasons and statistics.

pub mod block;
mod contexts;
mod hooks;
mod region;
mod stop;
mod system;

use std::time::{Duration, Instant};

use crate::hart::{Exception, Hart};
use crate::interp::{self, BlockExit};
use crate::linux::{signals, ElfError, LinuxConfig, LinuxOptions, Process, SyscallOutcome};
use crate::mem::Memory;
use crate::system::{Board, SystemConfig, SystemError};
use crate::jit::background::{self, CompileQueue, Finished};
use crate::jit::context::{exit, JitContext};
use crate::jit::Jit;
use block::{BlockCache, Tier};
use contexts::Contexts;
pub use hooks::{SyscallArgs, SyscallDecision, SyscallRecord};
pub use stop::{Signal, StopKind, StopReason};

/// Errors of building or driving a machine (not guest faults: those are
/// `StopReason`s).
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    #[error(transparent)]
    Elf(#[from] ElfError),
    #[error(transparent)]
    System(#[from] SystemError),
    #[error("engine {0:?} is not available: {1}")]
    EngineUnavailable(String, String),
    #[error("{0}")]
    Io(String),
}

/// Which tier runs guest code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// The interpreter only.
    Interp,
    /// Compile every block the JIT can translate on its first run.
    Jit,
    /// Interpret blocks until they ran `jit_threshold` times, then compile.
    Auto,
}

/// Runs of a block before `Auto` compiles it. Compiling a block costs
/// about as much as interpreting a few thousand instructions, so on
/// tests/guest/bin/bench a high threshold won both short runs (10 rounds:
/// 8 -> 39 ms, 50 -> 18 ms, 1000 -> 12 ms) and long ones (300 rounds: 8 ->
/// 74 ms, 1000 -> 54 ms).
pub const DEFAULT_JIT_THRESHOLD: u32 = 1000;

/// While the guest's interval timer is armed, the run loop checks the clock
/// at least this often (in instructions): compiled code chains blocks
/// without coming back to the loop, so runs are cut into slices this long.
/// About a millisecond of guest work.
const TIMER_POLL_INSTRUCTIONS: u64 = 200_000;

/// Execution statistics of one machine.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Instructions retired, all tiers (and all harts) together.
    pub instructions: u64,
    /// Instructions retired by the interpreter (and ecalls).
    pub interp_instructions: u64,
    /// Instructions retired inside compiled code. Ecalls retire in the run
    /// loop and count as interpreted.
    pub jit_instructions: u64,
    pub blocks_compiled: u64,
    /// Background compiles whose result was thrown away: their block was
    /// invalidated (or its code memory flushed) while they ran.
    pub compiles_discarded: u64,
    /// Total and median time compiling one block.
    pub compile_time: Duration,
    pub compile_time_median: Duration,
    /// Machine code bytes emitted.
    pub code_bytes: u64,
    /// Compiled blocks entered straight from other compiled code through
    /// the pc table (no run-loop visit). Jumps between the blocks of one
    /// compiled region are direct and not counted: a counter in every
    /// loop iteration cost a register.
    pub chain_hits: u64,
    /// Entries from the run loop into compiled code.
    pub jit_entries: u64,
    /// Compiled blocks whose code was dropped (stores to code, fence.i,
    /// munmap/mprotect, code-cache flushes).
    pub code_invalidated: u64,
    /// Flushes of all code because the code-cache limit was reached.
    pub code_cache_flushes: u64,
    /// Blocks the JIT cannot translate (they run interpreted).
    pub blocks_unsupported: u64,
    pub blocks_decoded: u64,
    pub blocks_invalidated: u64,
    pub block_lookups: u64,
    pub jump_cache_hits: u64,
    /// TLB counters count the accesses of all harts.
    pub tlb_hits: u64,
    pub tlb_misses: u64,
    /// System mode: the second-level (ASID-tagged) TLB behind the
    /// host-pointer TLBs, and the page-table walks it did not spare.
    pub tlb_l2_hits: u64,
    pub tlb_l2_misses: u64,
    pub page_walks: u64,
    pub syscalls: u64,
    /// Syscall numbers that returned -ENOSYS, with how often.
    pub unknown_syscalls: Vec<(u64, u64)>,
    /// Wall time spent inside `run`.
    pub run_time: Duration,
    /// Host bytes backing guest memory.
    pub resident_bytes: u64,
}

/// How a run of compiled code ended, for the run loop.
enum Compiled {
    /// It stopped at a block boundary: the loop goes on from `hart.pc`.
    Ran,
    /// It stopped before a memory access it leaves to the interpreter;
    /// `left` instructions of that block remain, the access included.
    Interpret { left: u64 },
    /// An ecall at `hart.pc`, not retired yet, for the environment.
    Ecall,
    /// An exception raised by compiled code at `hart.pc`.
    Trap(Exception),
}

/// What surrounds the hart: chosen once, when the machine is built.
// One per machine, so the size difference costs nothing; boxing the
// process would add an indirection to every syscall.
#[allow(clippy::large_enum_variant)]
pub enum Environment {
    /// User mode: ecalls are Linux system calls, faults kill the process.
    Linux(Process),
    /// System mode: a board; ecalls, faults and interrupts are traps.
    System(Box<Board>),
}

/// One RISC-V hart with its memory and the environment around it.
pub struct Machine {
    /// The running hart: a board with several keeps the others parked
    /// (`hart_at` reaches each).
    pub hart: Hart,
    pub mem: Memory,
    pub env: Environment,
    /// The block cache in use: in system mode, that of the current code
    /// context.
    cache: BlockCache,
    /// System mode: the code context of `cache`, and the caches of others.
    contexts: Contexts,
    /// Set once the guest exited or was killed; later runs return it again.
    finished: Option<StopReason>,
    syscalls: u64,
    run_time: Duration,
    engine: EngineKind,
    jit_threshold: u32,
    code_limit: u64,
    /// Created on first use.
    jit: Option<Jit>,
    /// Whether `Auto` compiles hot blocks in the background.
    background: bool,
    /// This machine's line to the background compiler, made on first use.
    compile_queue: Option<CompileQueue>,
    compiles_discarded: u64,
    /// Instructions retired inside compiled code.
    jit_instructions: u64,
    chain_hits: u64,
    jit_entries: u64,
    /// instret at which the run loop next reads the clock for the timer.
    next_timer_poll: u64,
    hooks: hooks::Hooks,
}

impl Machine {
    /// A Linux user-mode machine running the ELF executable `image`.
    pub fn linux(image: &[u8], config: LinuxConfig) -> Result<Machine, VmError> {
        Machine::linux_with(image, config, &LinuxOptions::default())
    }

    /// `linux` with options (a sysroot for dynamically linked programs).
    pub fn linux_with(image: &[u8], config: LinuxConfig, options: &LinuxOptions) -> Result<Machine, VmError> {
        let mut hart = Hart::new();
        let mut mem = Memory::new();
        let process = Process::load_with(image, config, options, &mut mem, &mut hart)?;
        Ok(Machine::with_env(hart, mem, Environment::Linux(process)))
    }

    /// A system-mode machine: a board with RAM at 0x8000_0000 booting
    /// `image` (an ELF placed at its physical addresses, or a raw binary at
    /// the start of RAM) in machine mode.
    pub fn system(image: &[u8], config: SystemConfig) -> Result<Machine, VmError> {
        let mut hart = Hart::new();
        let mut mem = Memory::new();
        let board = Board::load(image, &config, &mut mem, &mut hart)?;
        Ok(Machine::with_env(hart, mem, Environment::System(Box::new(board))))
    }

    fn with_env(hart: Hart, mem: Memory, env: Environment) -> Machine {
        Machine {
            hart,
            mem,
            env,
            cache: BlockCache::new(),
            contexts: Contexts::default(),
            finished: None,
            syscalls: 0,
            run_time: Duration::ZERO,
            engine: EngineKind::Interp,
            jit_threshold: DEFAULT_JIT_THRESHOLD,
            code_limit: crate::jit::DEFAULT_CODE_LIMIT,
            jit: None,
            background: background::enabled_by_default(),
            compile_queue: None,
            compiles_discarded: 0,
            jit_instructions: 0,
            chain_hits: 0,
            jit_entries: 0,
            next_timer_poll: 0,
            hooks: hooks::Hooks::default(),
        }
    }

    /// The Linux process of a user-mode machine.
    pub fn process(&self) -> Option<&Process> {
        match &self.env {
            Environment::Linux(p) => Some(p),
            Environment::System(_) => None,
        }
    }

    pub fn process_mut(&mut self) -> Option<&mut Process> {
        match &mut self.env {
            Environment::Linux(p) => Some(p),
            Environment::System(_) => None,
        }
    }

    /// The board of a system-mode machine.
    pub fn board(&self) -> Option<&Board> {
        match &self.env {
            Environment::System(b) => Some(b),
            Environment::Linux(_) => None,
        }
    }

    /// Captured output of file descriptor `fd` (1 = stdout, 2 = stderr)
    /// since the last call. A board's console (UART and HTIF) is its
    /// stdout.
    pub fn take_output(&mut self, fd: u32) -> Vec<u8> {
        match &mut self.env {
            Environment::Linux(p) => p.take_output(fd),
            Environment::System(b) if fd == 1 => b.take_console(&mut self.mem),
            Environment::System(_) => Vec::new(),
        }
    }

    /// Choose the tier. `Jit` fails with `EngineUnavailable` when this host
    /// cannot run generated code; `Auto` then quietly interprets.
    pub fn set_engine(&mut self, kind: EngineKind) -> Result<(), VmError> {
        if kind != EngineKind::Interp && self.jit.is_none() {
            match Jit::with_code_limit(self.code_limit) {
                Ok(j) => self.jit = Some(j),
                Err(e) if kind == EngineKind::Jit => {
                    return Err(VmError::EngineUnavailable("jit".into(), e.0));
                }
                Err(_) => {}
            }
        }
        self.engine = kind;
        Ok(())
    }

    pub fn engine(&self) -> EngineKind {
        self.engine
    }

    /// Runs of a block before `Auto` compiles it (at least 1).
    pub fn set_jit_threshold(&mut self, runs: u32) {
        self.jit_threshold = runs.max(1);
    }

    /// Whether `Auto` compiles hot blocks on a background thread while the
    /// guest goes on interpreting them (`Jit` always compiles before it
    /// runs a block). Results are the same either way; only when blocks
    /// start running compiled code differs.
    pub fn set_background_compile(&mut self, on: bool) {
        self.background = on;
        if !on && self.compile_queue.take().is_some() {
            // The results in flight have nowhere to go now: their blocks
            // count towards compiling again.
            self.cache.forget_queued();
        }
    }

    /// Keep background compile requests back (`on`) or let them go: with
    /// `wait_for_compiles`, fixes when code is compiled and installed
    /// relative to the guest, whatever the threads' timing.
    pub fn hold_compiles(&mut self, on: bool) {
        if self.compile_queue.is_none() {
            self.compile_queue = CompileQueue::new();
        }
        if let Some(q) = &mut self.compile_queue {
            q.hold(on);
        }
    }

    /// Wait for the background compiles in flight (not those held back)
    /// and install their code where still valid.
    pub fn wait_for_compiles(&mut self) {
        self.invalidate_dirty_code();
        while let Some(done) = self.compile_queue.as_mut().and_then(CompileQueue::wait_take) {
            self.install_compiled(done);
        }
    }

    /// Host code memory after which all compiled code is dropped.
    pub fn set_code_cache_limit(&mut self, bytes: u64) {
        self.code_limit = bytes;
        if let Some(j) = &mut self.jit {
            j.code_limit = bytes;
        }
    }

    /// The stop reason of a guest that has ended, if it has.
    pub fn finished(&self) -> Option<&StopReason> {
        self.finished.as_ref()
    }

    /// Run until the guest exits or faults, or `max_instructions` more
    /// instructions have retired (exactly that many: the budget is exact).
    pub fn run(&mut self, max_instructions: Option<u64>) -> StopReason {
        if let Some(done) = &self.finished {
            return done.clone();
        }
        let started = Instant::now();
        let budget = max_instructions.unwrap_or(u64::MAX);
        let stop = match self.env {
            Environment::Linux(_) => self.guarded_run_loop(budget),
            Environment::System(_) => {
                self.mem.clear_host_request();
                self.run_system(budget)
            }
        };
        if self.process().is_some_and(Process::is_forked_child) {
            self.finish_forked_child(stop);
        }
        self.run_time += started.elapsed();
        if stop.kind.is_final() {
            self.finished = Some(stop.clone());
        }
        stop
    }

    /// A forked child (linux/syscalls/fork.rs) runs to its end here and
    /// ends its host process with the guest's status; it never returns to
    /// the caller, who lives on in the parent.
    fn finish_forked_child(&mut self, mut stop: StopReason) -> ! {
        while !stop.kind.is_final() {
            stop = self.guarded_run_loop(u64::MAX);
        }
        let signal = if stop.kind == StopKind::Exited { None } else { stop.signal };
        let Environment::Linux(process) = &mut self.env else {
            unreachable!("only a Linux process forks")
        };
        process.end_forked_child(stop.exit_code.unwrap_or(0), signal)
    }

    /// `run_loop`, except that a forked child never unwinds a panic into
    /// its caller's frames (they belong to the parent's threads): it
    /// aborts.
    fn guarded_run_loop(&mut self, budget: u64) -> StopReason {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_loop(budget))) {
            Ok(stop) => stop,
            Err(_) if self.process().is_some_and(Process::is_forked_child) => std::process::abort(),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn run_loop(&mut self, budget: u64) -> StopReason {
        let end = self.hart.instret.saturating_add(budget);
        // Compiled code left before an access its fast path cannot do: the
        // interpreter runs the block from there, so the access happens.
        let mut interpret_next = false;
        if budget > 0 {
            if let Some(stop) = self.resume_from_hooks() {
                return stop;
            }
        }
        loop {
            self.invalidate_dirty_code();
            self.install_finished_compiles();
            let mut remaining = end - self.hart.instret;
            if remaining == 0 {
                return StopReason::budget(self.hart.pc);
            }
            if self.process().is_some_and(Process::timer_armed) {
                if self.hart.instret >= self.next_timer_poll {
                    self.next_timer_poll = self.hart.instret + TIMER_POLL_INSTRUCTIONS;
                    if let Some(p) = self.process_mut() {
                        p.poll_timer();
                    }
                    if let Some(stop) = self.deliver_signals() {
                        return stop;
                    }
                }
                remaining = remaining.min(self.next_timer_poll - self.hart.instret);
            }
            let id = match self.cache.lookup(&mut self.mem, self.hart.pc) {
                Ok(id) => id,
                Err(e) => match self.guest_fault(e) {
                    Some(stop) => return stop,
                    None => continue,
                },
            };
            if !std::mem::take(&mut interpret_next) && self.jit.is_some() && self.engine != EngineKind::Interp {
                if let Some(code) = self.tier_up(id) {
                    let n = self.cache.get(id).insts.len() as u64;
                    if remaining >= n {
                        let exit = match self.run_compiled(id, code, remaining) {
                            Compiled::Ran => continue,
                            Compiled::Interpret { .. } => {
                                interpret_next = true;
                                continue;
                            }
                            Compiled::Ecall => BlockExit::Trap(Exception::EcallFromU),
                            Compiled::Trap(e) => BlockExit::Trap(e),
                        };
                        if let Some(stop) = self.after_block(exit) {
                            return stop;
                        }
                        continue;
                    }
                }
            }
            let block = self.cache.get(id);
            if block.breakpoint {
                if let Some(stop) = self.hooks.breakpoint_stop(block.start) {
                    return stop;
                }
            }
            let limit = remaining.min(usize::MAX as u64) as usize;
            let (exit, retired) = interp::run_block(&mut self.hart, &mut self.mem, block, limit);
            self.hart.instret += retired as u64;
            if let Some(stop) = self.after_block(exit) {
                return stop;
            }
        }
    }

    /// Count a run of block `id` and compile it once hot (or queue it for
    /// the background compiler); its code if it has some.
    fn tier_up(&mut self, id: block::BlockId) -> Option<u64> {
        match self.cache.tier(id) {
            Tier::Compiled(code) => Some(code),
            Tier::Unsupported | Tier::Queued(_) => None,
            Tier::Interp(runs) => {
                let runs = runs.saturating_add(1);
                let hot = self.engine == EngineKind::Jit || runs >= self.jit_threshold;
                if !hot {
                    self.cache.set_tier(id, Tier::Interp(runs));
                    return None;
                }
                if !self.make_room() {
                    return None;
                }
                let members = region::pick(&mut self.cache, &mut self.mem, id);
                let in_background = self.engine == EngineKind::Auto && self.background;
                if in_background && self.compile_queue.is_none() {
                    self.compile_queue = CompileQueue::new();
                }
                let jit = self.jit.as_mut()?;
                let blocks: Vec<(u64, &[crate::isa::Inst])> = members
                    .iter()
                    .map(|&m| {
                        let b = self.cache.get(m);
                        (b.start, &b.insts[..])
                    })
                    .collect();
                let tier = match &mut self.compile_queue {
                    Some(queue) if in_background => {
                        if jit.accepts(&blocks) {
                            let insts = blocks.iter().map(|&(pc, insts)| (pc, insts.into())).collect();
                            Tier::Queued(queue.submit(id, insts))
                        } else {
                            Tier::Unsupported
                        }
                    }
                    _ => match jit.compile_region(&blocks) {
                        Some(code) => Tier::Compiled(code),
                        None => Tier::Unsupported,
                    },
                };
                self.cache.set_tier(id, tier);
                match tier {
                    Tier::Compiled(code) => Some(code),
                    _ => None,
                }
            }
        }
    }

    /// Make room in code memory for one more region, flushing all code
    /// when it is full; false when the JIT is gone (it could not start
    /// over).
    fn make_room(&mut self) -> bool {
        let Some(jit) = self.jit.as_mut() else { return false };
        if !jit.full() {
            return true;
        }
        self.cache.drop_code();
        self.contexts.drop_code();
        // SAFETY: the block caches forgot every code pointer just now, and
        // no compiled code is running.
        if unsafe { jit.flush() }.is_err() {
            self.jit = None;
            return false;
        }
        true
    }

    /// Install the code the background compiler has finished. Called
    /// between blocks, after pending invalidations were applied.
    #[inline]
    fn install_finished_compiles(&mut self) {
        while let Some(done) = self.compile_queue.as_mut().and_then(CompileQueue::try_take) {
            self.install_compiled(done);
        }
    }

    /// Install one background result, unless it is stale: its block was
    /// dropped, or its code or pending compile forgotten, since it was
    /// queued (stores to its page, fence.i, munmap/mprotect, sfence, a
    /// breakpoint, a flush).
    fn install_compiled(&mut self, done: Finished) {
        let Finished { key: id, ticket, insts, code, took } = done;
        if self.cache.live_tier(id) != Some(Tier::Queued(ticket)) {
            self.compiles_discarded += 1;
            return;
        }
        let Some(jit) = self.jit.as_mut() else { return };
        let tier = match code {
            Ok(bytes) => match jit.install(insts, &bytes, took) {
                Some(code) => Tier::Compiled(code),
                // Code memory full: compiled again once hot again.
                None => {
                    self.compiles_discarded += 1;
                    Tier::Interp(0)
                }
            },
            Err(_) => {
                jit.stats.compile_errors += 1;
                Tier::Unsupported
            }
        };
        self.cache.set_tier(id, tier);
    }

    /// Run compiled code from block `id` (at `hart.pc`), chaining through
    /// further compiled blocks.
    fn run_compiled(&mut self, id: block::BlockId, code: u64, remaining: u64) -> Compiled {
        self.cache.publish(id, code);
        let (read_tlb, write_tlb) = self.mem.tlb_arrays();
        let mut ctx = JitContext {
            budget: remaining,
            table: self.cache.jit_table(),
            read_tlb: read_tlb as *const u8,
            write_tlb: write_tlb as *const u8,
            entered: 0,
            hart: &mut self.hart,
            mem: &mut self.mem,
            fault: 0,
            left: 0,
            pending: None,
        };
        let Some(jit) = self.jit.as_ref() else { return Compiled::Ran };
        // SAFETY: the table holds only code of live blocks of this JIT
        // (invalidation clears entries, flushes clear the table first); the
        // hart and memory are lent exclusively to this call.
        let code = unsafe { jit.run(&mut ctx) };
        let retired = remaining - ctx.budget;
        self.hart.instret += retired;
        self.jit_instructions += retired;
        self.jit_entries += 1;
        self.chain_hits += ctx.entered.saturating_sub(1);
        match code {
            exit::ECALL => Compiled::Ecall,
            exit::FAULT => Compiled::Trap(ctx.pending.unwrap_or(Exception::IllegalInstruction(0))),
            exit::SLOW => Compiled::Interpret { left: ctx.left },
            _ => Compiled::Ran,
        }
    }

    /// Complete a block's exit in the run loop: a stop reason, or None to go on.
    fn after_block(&mut self, exit: BlockExit) -> Option<StopReason> {
        match exit {
            BlockExit::Continue => {}
            BlockExit::FenceI => self.flush_blocks(),
            BlockExit::Trap(Exception::EcallFromU) => {
                if !matches!(self.env, Environment::Linux(_)) {
                    return Some(self.fault(Exception::EcallFromU));
                }
                if self.hooks.stops_for_syscall(self.hart.x[17]) {
                    return Some(StopReason::syscall(self.hart.pc, self.hart.x[17]));
                }
                return match self.syscall(None) {
                    Ok(_) => self.deliver_signals(),
                    Err(stop) => Some(stop),
                };
            }
            BlockExit::Trap(e) => {
                if let Some(hit) = self.mem.take_watchpoint_hit() {
                    return Some(self.watch_stop(hit));
                }
                return self.guest_fault(e);
            }
        }
        None
    }

    /// Run the syscall of the ecall at `hart.pc`, with a0..a5 `args` instead
    /// of the guest's registers when given (a1..a5 keep their values). The
    /// ecall retires; the syscall sees pc at the ecall and the guest
    /// resumes after it. Whether it returned there (Ok), or the stop of a
    /// guest it ended. Signals are left pending for the caller.
    fn syscall(&mut self, args: Option<hooks::SyscallArgs>) -> Result<bool, StopReason> {
        self.hart.instret += 1;
        self.syscalls += 1;
        let Environment::Linux(process) = &mut self.env else {
            return Err(self.fault(Exception::EcallFromU));
        };
        let saved: Option<hooks::SyscallArgs> = args.map(|a| {
            let old = std::array::from_fn(|i| self.hart.x[10 + i]);
            self.hart.x[10..16].copy_from_slice(&a);
            old
        });
        let outcome = process.syscall(&mut self.hart, &mut self.mem);
        if outcome == SyscallOutcome::Interrupted {
            // Abandoned: the ecall has not retired and runs again, with
            // the guest's own arguments, when the machine resumes.
            if let Some(old) = saved {
                self.hart.x[10..16].copy_from_slice(&old);
            }
            self.hart.instret -= 1;
            self.syscalls -= 1;
            return Err(StopReason::budget(self.hart.pc));
        }
        let returns = !matches!(outcome, SyscallOutcome::Sigreturn | SyscallOutcome::Exec);
        if let (Some(old), true) = (saved, returns) {
            self.hart.x[11..16].copy_from_slice(&old[1..]);
        }
        if returns {
            self.hart.pc = self.hart.pc.wrapping_add(4);
        }
        match outcome {
            SyscallOutcome::Continue | SyscallOutcome::Sigreturn | SyscallOutcome::Interrupted => {}
            SyscallOutcome::FlushIcache => self.flush_blocks(),
            SyscallOutcome::Exec => self.drop_all_code(),
            SyscallOutcome::Forked => {
                self.leave_parents_code();
                self.drop_hooks();
            }
            SyscallOutcome::Exit(code) => return Err(StopReason::exited(code, self.hart.pc - 4)),
        }
        Ok(returns)
    }

    /// Act on pending signals: a stop if one ends the guest.
    fn deliver_signals(&mut self) -> Option<StopReason> {
        let Environment::Linux(process) = &mut self.env else { return None };
        if !process.signals_pending() {
            return None;
        }
        let death = process.deliver_signals(&mut self.hart, &mut self.mem)?;
        Some(StopReason::killed(death.signal as i32, self.hart.pc))
    }

    /// A synchronous exception at `hart.pc`: the guest's handler runs next
    /// (None), or the guest dies of it.
    fn guest_fault(&mut self, e: Exception) -> Option<StopReason> {
        let pc = self.hart.pc;
        let mapped = self.mem.region_at(e.tval()).is_some();
        let info = signals::fault_siginfo(e, pc, mapped);
        let signo = info.signo;
        let Environment::Linux(process) = &mut self.env else { return Some(self.fault(e)) };
        let death = process.fault_signal(&mut self.hart, &mut self.mem, info)?;
        if death.signal == signo {
            // Killed by its own fault: report it as the fault it is.
            self.hart.pc = pc;
            return Some(self.fault(e));
        }
        Some(StopReason::killed(death.signal as i32, self.hart.pc))
    }

    /// A synchronous exception the guest cannot handle: it dies with the
    /// matching signal, as under Linux without a handler.
    fn fault(&mut self, e: Exception) -> StopReason {
        let pc = self.hart.pc;
        let e = match e {
            // Some executors raise illegal-instruction without the bits;
            // read them back from memory for the report.
            Exception::IllegalInstruction(0) => Exception::IllegalInstruction(self.raw_bits(pc)),
            e => e,
        };
        let region = self.mem.region_at(e.tval()).is_some();
        StopReason::from_exception(e, pc, region)
    }

    fn raw_bits(&mut self, pc: u64) -> u32 {
        let mut b = [0u8; 4];
        if self.mem.peek(pc, &mut b[..2]).is_err() {
            return 0;
        }
        let lo = u16::from_le_bytes([b[0], b[1]]);
        if crate::isa::inst_len(lo) == 2 {
            return lo as u32;
        }
        if self.mem.peek(pc + 2, &mut b[2..]).is_err() {
            return lo as u32;
        }
        u32::from_le_bytes(b)
    }

    /// Drop the blocks that lie in code pages written since the last call.
    #[inline]
    fn invalidate_dirty_code(&mut self) {
        if self.mem.has_dirty_code() {
            for page in self.mem.take_dirty_code_pages() {
                self.cache.invalidate_page(page);
                self.contexts.invalidate_page(page);
            }
        }
    }

    /// Drop every decoded block, of every code context.
    fn flush_blocks(&mut self) {
        self.cache.flush();
        self.contexts.flush(&mut self.cache.stats);
    }

    /// Forget every block and free all compiled code: a new program runs.
    fn drop_all_code(&mut self) {
        self.flush_blocks();
        if let Some(jit) = &mut self.jit {
            // SAFETY: the block cache forgot every code pointer just now,
            // and no compiled code is running (this is the run loop).
            if unsafe { jit.flush() }.is_err() {
                self.jit = None;
            }
        }
    }

    /// In a forked child: the JIT's code memory is a shared mapping, still
    /// the parent's, so the child forgets it and compiles into its own.
    fn leave_parents_code(&mut self) {
        self.cache.drop_code();
        self.contexts.drop_code();
        // The compiler threads stayed in the parent: compile here.
        self.compile_queue = None;
        self.background = false;
        if self.jit.is_some() {
            self.jit = Jit::with_code_limit(self.code_limit).ok();
        }
    }

    /// Drop all decoded code (after the guest's code changed behind the
    /// engine's back, e.g. through a debugger write).
    pub fn flush_code_cache(&mut self) {
        self.flush_blocks();
    }

    pub fn stats(&self) -> Stats {
        let tlb = self.mem.tlb_stats();
        let c = &self.cache.stats;
        let j = self.jit.as_ref();
        Stats {
            instructions: self.instructions_retired(),
            interp_instructions: self.instructions_retired().saturating_sub(self.jit_instructions),
            jit_instructions: self.jit_instructions,
            blocks_compiled: j.map_or(0, |j| j.stats.blocks_compiled),
            compiles_discarded: self.compiles_discarded,
            compile_time: j.map_or(Duration::ZERO, |j| j.stats.compile_time),
            compile_time_median: j.map_or(Duration::ZERO, |j| j.median_compile_time()),
            code_bytes: j.map_or(0, |j| j.stats.code_bytes),
            chain_hits: self.chain_hits,
            jit_entries: self.jit_entries,
            code_invalidated: c.code_invalidated,
            code_cache_flushes: j.map_or(0, |j| j.stats.flushes),
            blocks_unsupported: j.map_or(0, |j| j.stats.blocks_unsupported),
            blocks_decoded: c.blocks_decoded,
            blocks_invalidated: c.blocks_invalidated,
            block_lookups: c.lookups,
            jump_cache_hits: c.jump_cache_hits,
            tlb_hits: tlb.hits,
            tlb_misses: tlb.misses,
            tlb_l2_hits: tlb.l2_hits,
            tlb_l2_misses: tlb.l2_misses,
            page_walks: tlb.walks,
            syscalls: self.syscalls,
            unknown_syscalls: self
                .process()
                .map(|p| p.unknown_syscalls().iter().map(|(&k, &v)| (k, v)).collect())
                .unwrap_or_default(),
            run_time: self.run_time,
            resident_bytes: self.mem.resident_bytes(),
        }
    }
}
