//! The engine: a machine's run loop, its stop reasons and statistics.

pub mod block;
mod stop;

use std::time::{Duration, Instant};

use crate::hart::{Exception, Hart};
use crate::interp::{self, BlockExit};
use crate::linux::{ElfError, LinuxConfig, Process, SyscallOutcome};
use crate::mem::Memory;
use block::BlockCache;
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

/// Execution statistics of one machine.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Instructions retired, all tiers together.
    pub instructions: u64,
    /// Instructions retired by the interpreter.
    pub interp_instructions: u64,
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
}

impl Machine {
    /// A Linux user-mode machine running the ELF executable `image`.
    pub fn linux(image: &[u8], config: LinuxConfig) -> Result<Machine, VmError> {
        let mut hart = Hart::new();
        let mut mem = Memory::new();
        let process = Process::load(image, config, &mut mem, &mut hart)?;
        Ok(Machine {
            hart,
            mem,
            process,
            cache: BlockCache::new(),
            finished: None,
            syscalls: 0,
            run_time: Duration::ZERO,
        })
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
        let stop = self.run_loop(max_instructions.unwrap_or(u64::MAX));
        self.run_time += started.elapsed();
        if stop.kind != StopKind::Budget {
            self.finished = Some(stop.clone());
        }
        stop
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
            let block = self.cache.get(id);
            let limit = remaining.min(usize::MAX as u64) as usize;
            let (exit, retired) = interp::run_block(&mut self.hart, &mut self.mem, block, limit);
            self.hart.instret += retired as u64;
            match exit {
                BlockExit::Continue => {}
                BlockExit::FenceI => self.cache.flush(),
                BlockExit::Trap(Exception::EcallFromU) => {
                    // The ecall retires; the syscall sees pc at the ecall
                    // and the guest resumes after it.
                    self.hart.instret += 1;
                    self.syscalls += 1;
                    let outcome = self.process.syscall(&mut self.hart, &mut self.mem);
                    self.hart.pc = self.hart.pc.wrapping_add(4);
                    match outcome {
                        SyscallOutcome::Continue => {}
                        SyscallOutcome::FlushIcache => self.cache.flush(),
                        SyscallOutcome::Exit(code) => return StopReason::exited(code, self.hart.pc - 4),
                    }
                }
                BlockExit::Trap(e) => return self.fault(e),
            }
        }
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

    /// Drop all decoded code (after the guest's code changed behind the
    /// engine's back, e.g. through a debugger write).
    pub fn flush_code_cache(&mut self) {
        self.cache.flush();
    }

    pub fn stats(&self) -> Stats {
        let tlb = self.mem.tlb_stats();
        let c = &self.cache.stats;
        Stats {
            instructions: self.hart.instret,
            interp_instructions: self.hart.instret,
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
