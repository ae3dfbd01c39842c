//! The engine: a machine's run loop, its stop reasons and statistics.

pub mod block;
mod stop;

use std::time::{Duration, Instant};

use crate::hart::{Exception, Hart};
use crate::interp::{self, BlockExit};
use crate::linux::{ElfError, LinuxConfig, LinuxOptions, Process, SyscallOutcome};
use crate::mem::Memory;
use crate::jit::context::{exit, JitContext};
use crate::jit::Jit;
use block::{BlockCache, Tier};
pub use stop::{Signal, StopKind, StopReason};

/// Errors of building or driving a machine (not guest faults: those are
/// `StopReason`s).
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    #[error(transparent)]
    Elf(#[from] ElfError),
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

/// Execution statistics of one machine.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Instructions retired, all tiers together.
    pub instructions: u64,
    /// Instructions retired by the interpreter (and ecalls).
    pub interp_instructions: u64,
    /// Instructions retired inside compiled code. Ecalls retire in the run
    /// loop and count as interpreted.
    pub jit_instructions: u64,
    pub blocks_compiled: u64,
    /// Total and median time compiling one block.
    pub compile_time: Duration,
    pub compile_time_median: Duration,
    /// Machine code bytes emitted.
    pub code_bytes: u64,
    /// Block-to-block transfers inside compiled code (no run-loop visit).
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
    pub tlb_hits: u64,
    pub tlb_misses: u64,
    pub syscalls: u64,
    /// Syscall numbers that returned -ENOSYS, with how often.
    pub unknown_syscalls: Vec<(u64, u64)>,
    /// Wall time spent inside `run`.
    pub run_time: Duration,
    /// Host bytes backing guest memory.
    pub resident_bytes: u64,
}

/// One RISC-V hart with its memory and the Linux process around it.
pub struct Machine {
    pub hart: Hart,
    pub mem: Memory,
    pub process: Process,
    cache: BlockCache,
    /// Set once the guest exited or was killed; later runs return it again.
    finished: Option<StopReason>,
    syscalls: u64,
    run_time: Duration,
    engine: EngineKind,
    jit_threshold: u32,
    code_limit: u64,
    /// Created on first use.
    jit: Option<Jit>,
    /// Instructions retired inside compiled code.
    jit_instructions: u64,
    chain_hits: u64,
    jit_entries: u64,
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
        Ok(Machine {
            hart,
            mem,
            process,
            cache: BlockCache::new(),
            finished: None,
            syscalls: 0,
            run_time: Duration::ZERO,
            engine: EngineKind::Interp,
            jit_threshold: DEFAULT_JIT_THRESHOLD,
            code_limit: crate::jit::DEFAULT_CODE_LIMIT,
            jit: None,
            jit_instructions: 0,
            chain_hits: 0,
            jit_entries: 0,
        })
    }

    /// Choose the tier. `Jit` fails with `EngineUnavailable` when this host
    /// cannot run generated code; `Auto` then quietly interprets.
    pub fn set_engine(&mut self, kind: EngineKind) -> Result<(), VmError> {
        if kind != EngineKind::Interp && self.jit.is_none() {
            match Jit::new() {
                Ok(mut j) => {
                    j.code_limit = self.code_limit;
                    self.jit = Some(j);
                }
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
        let stop = self.guarded_run_loop(max_instructions.unwrap_or(u64::MAX));
        if self.process.is_forked_child() {
            self.finish_forked_child(stop);
        }
        self.run_time += started.elapsed();
        if stop.kind != StopKind::Budget {
            self.finished = Some(stop.clone());
        }
        stop
    }

    /// A forked child (linux/syscalls/fork.rs) runs to its end here and
    /// ends its host process with the guest's status; it never returns to
    /// the caller, who lives on in the parent.
    fn finish_forked_child(&mut self, mut stop: StopReason) -> ! {
        while stop.kind == StopKind::Budget {
            stop = self.guarded_run_loop(u64::MAX);
        }
        let signal = if stop.kind == StopKind::Exited { None } else { stop.signal.map(|s| s as i32) };
        self.process.end_forked_child(stop.exit_code.unwrap_or(0), signal)
    }

    /// `run_loop`, except that a forked child never unwinds a panic into
    /// its caller's frames (they belong to the parent's threads): it
    /// aborts.
    fn guarded_run_loop(&mut self, budget: u64) -> StopReason {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_loop(budget))) {
            Ok(stop) => stop,
            Err(_) if self.process.is_forked_child() => std::process::abort(),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn run_loop(&mut self, budget: u64) -> StopReason {
        let end = self.hart.instret.saturating_add(budget);
        loop {
            if self.mem.has_dirty_code() {
                for vpn in self.mem.take_dirty_code_pages() {
                    self.cache.invalidate_page(vpn);
                }
            }
            let remaining = end - self.hart.instret;
            if remaining == 0 {
                return StopReason::budget(self.hart.pc);
            }
            let id = match self.cache.lookup(&mut self.mem, self.hart.pc) {
                Ok(id) => id,
                Err(e) => return self.fault(e),
            };
            if self.jit.is_some() && self.engine != EngineKind::Interp {
                if let Some(code) = self.tier_up(id) {
                    let n = self.cache.get(id).insts.len() as u64;
                    if remaining >= n {
                        match self.run_compiled(id, code, remaining) {
                            None => continue,
                            Some(exit) => {
                                if let Some(stop) = self.after_block(exit) {
                                    return stop;
                                }
                                continue;
                            }
                        }
                    }
                }
            }
            let block = self.cache.get(id);
            let limit = remaining.min(usize::MAX as u64) as usize;
            let (exit, retired) = interp::run_block(&mut self.hart, &mut self.mem, block, limit);
            self.hart.instret += retired as u64;
            if let Some(stop) = self.after_block(exit) {
                return stop;
            }
        }
    }

    /// Count a run of block `id` and compile it once hot; its code if it
    /// has some.
    fn tier_up(&mut self, id: block::BlockId) -> Option<u64> {
        match self.cache.tier(id) {
            Tier::Compiled(code) => Some(code),
            Tier::Unsupported => None,
            Tier::Interp(runs) => {
                let runs = runs.saturating_add(1);
                let hot = self.engine == EngineKind::Jit || runs >= self.jit_threshold;
                if !hot {
                    self.cache.set_tier(id, Tier::Interp(runs));
                    return None;
                }
                let jit = self.jit.as_mut()?;
                if jit.full() {
                    self.cache.drop_code();
                    // SAFETY: the block cache forgot every code pointer
                    // just now, and no compiled code is running.
                    if unsafe { jit.flush() }.is_err() {
                        self.jit = None;
                        return None;
                    }
                }
                let block = self.cache.get(id);
                let tier = match jit.compile(block.start, &block.insts) {
                    Some(code) => Tier::Compiled(code),
                    None => Tier::Unsupported,
                };
                self.cache.set_tier(id, tier);
                match tier {
                    Tier::Compiled(code) => Some(code),
                    _ => None,
                }
            }
        }
    }

    /// Run compiled code from block `id` (at `hart.pc`), chaining through
    /// further compiled blocks; None when the run loop simply goes on.
    fn run_compiled(&mut self, id: block::BlockId, code: u64, remaining: u64) -> Option<BlockExit> {
        self.cache.publish(id, code);
        let (read_tlb, write_tlb) = self.mem.tlb_arrays();
        let mut ctx = JitContext {
            budget: remaining,
            table: self.cache.jit_table(),
            read_tlb: read_tlb as *const u8,
            write_tlb: write_tlb as *const u8,
            stop: 0,
            entered: 0,
            hart: &mut self.hart,
            mem: &mut self.mem,
            fault: 0,
            pending: None,
        };
        let jit = self.jit.as_ref()?;
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
            exit::ECALL => Some(BlockExit::Trap(Exception::EcallFromU)),
            exit::FAULT => Some(BlockExit::Trap(ctx.pending.unwrap_or(Exception::IllegalInstruction(0)))),
            _ => None,
        }
    }

    /// Complete a block's exit in the run loop: a stop reason, or None to go on.
    fn after_block(&mut self, exit: BlockExit) -> Option<StopReason> {
        match exit {
            BlockExit::Continue => {}
            BlockExit::FenceI => self.cache.flush(),
            BlockExit::Trap(Exception::EcallFromU) => {
                // The ecall retires; the syscall sees pc at the ecall and
                // the guest resumes after it.
                self.hart.instret += 1;
                self.syscalls += 1;
                let outcome = self.process.syscall(&mut self.hart, &mut self.mem);
                if outcome != SyscallOutcome::Exec {
                    self.hart.pc = self.hart.pc.wrapping_add(4);
                }
                match outcome {
                    SyscallOutcome::Continue => {}
                    SyscallOutcome::FlushIcache => self.cache.flush(),
                    SyscallOutcome::Exec => self.drop_all_code(),
                    SyscallOutcome::Exit(code) => return Some(StopReason::exited(code, self.hart.pc - 4)),
                }
            }
            BlockExit::Trap(e) => return Some(self.fault(e)),
        }
        None
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

    /// Forget every block and free all compiled code: a new program runs.
    fn drop_all_code(&mut self) {
        self.cache.flush();
        if let Some(jit) = &mut self.jit {
            // SAFETY: the block cache forgot every code pointer just now,
            // and no compiled code is running (this is the run loop).
            if unsafe { jit.flush() }.is_err() {
                self.jit = None;
            }
        }
    }

    /// Drop all decoded code (after the guest's code changed behind the
    /// engine's back, e.g. through a debugger write).
    pub fn flush_code_cache(&mut self) {
        self.cache.flush();
    }

    pub fn stats(&self) -> Stats {
        let tlb = self.mem.tlb_stats();
        let c = &self.cache.stats;
        let j = self.jit.as_ref();
        Stats {
            instructions: self.hart.instret,
            interp_instructions: self.hart.instret.saturating_sub(self.jit_instructions),
            jit_instructions: self.jit_instructions,
            blocks_compiled: j.map_or(0, |j| j.stats.blocks_compiled),
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
            syscalls: self.syscalls,
            unknown_syscalls: self.process.unknown_syscalls().iter().map(|(&k, &v)| (k, v)).collect(),
            run_time: self.run_time,
            resident_bytes: self.mem.resident_bytes(),
        }
    }
}
