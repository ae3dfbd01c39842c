//! The run loop of a system-mode machine (interpreter only).
//!
//! Interrupts are taken at block boundaries. Privileged instructions end
//! their block (CSR accesses even run alone in theirs), so the board
//! executes them between blocks. Exceptions become traps into the guest;
//! the loop stops only on HTIF exit, budget or a halted hart.
//!
//! A trap whose handler cannot be fetched traps again without retiring
//! anything; hardware would spin there forever, but nothing can ever change
//! (each trap lands on the same vector), so after `DEAD_TRAP_LOOP` traps in
//! a row without a retired instruction the hart is reported halted rather
//! than spinning outside the instruction budget.

use super::{Environment, Machine, StopReason};
use crate::interp::{self, BlockExit};
use crate::system::{is_privileged, Outcome, Trap};

const DEAD_TRAP_LOOP: u32 = 64;

impl Machine {
    pub(super) fn run_system(&mut self, budget: u64) -> StopReason {
        let end = self.hart.instret.saturating_add(budget);
        let Environment::System(board) = &mut self.env else {
            return StopReason::halted(self.hart.pc, "not a system-mode machine".into());
        };
        let mut idle_traps = 0;
        if budget > 0 {
            self.hooks.start_run(self.hart.pc);
        }
        loop {
            let before = self.hart.instret;
            if self.mem.has_dirty_code() {
                for vpn in self.mem.take_dirty_code_pages() {
                    self.cache.invalidate_page(vpn);
                }
            }
            let remaining = end.saturating_sub(self.hart.instret);
            if remaining == 0 {
                return StopReason::budget(self.hart.pc);
            }
            let mut outcome = match board.poll_interrupts(&self.hart, &mut self.mem) {
                Some(n) => board.trap(&mut self.hart, &mut self.mem, Trap::Interrupt(n)),
                None => match self.cache.lookup(&mut self.mem, self.hart.pc) {
                    Err(e) => board.trap(&mut self.hart, &mut self.mem, Trap::Exception(e)),
                    Ok(id) => {
                        let block = self.cache.get(id);
                        if block.breakpoint {
                            if let Some(stop) = self.hooks.breakpoint_stop(block.start) {
                                return stop;
                            }
                        }
                        let first = block.insts[0];
                        if block.insts.len() == 1 && is_privileged(first.op) {
                            board.execute(&mut self.hart, &mut self.mem, &first)
                        } else {
                            let limit = remaining.min(usize::MAX as u64) as usize;
                            let (exit, retired) = interp::run_block(&mut self.hart, &mut self.mem, block, limit);
                            self.hart.instret += retired as u64;
                            match exit {
                                BlockExit::Continue => Outcome::Continue,
                                BlockExit::FenceI => Outcome::FlushCode,
                                BlockExit::Trap(e) => match block.insts.get(retired) {
                                    Some(inst) if is_privileged(inst.op) => {
                                        let inst = *inst;
                                        board.execute(&mut self.hart, &mut self.mem, &inst)
                                    }
                                    _ => board.trap(&mut self.hart, &mut self.mem, Trap::Exception(e)),
                                },
                            }
                        }
                    }
                },
            };
            if self.mem.take_watch_hit() {
                let htif = board.htif(&mut self.mem);
                if htif != Outcome::Continue {
                    outcome = htif;
                }
            }
            if self.hart.instret != before {
                idle_traps = 0;
            } else {
                idle_traps += 1;
                if idle_traps >= DEAD_TRAP_LOOP {
                    let message = format!("trap loop: the trap handler at pc {:#x} cannot be fetched", self.hart.pc);
                    return StopReason::halted(self.hart.pc, message);
                }
            }
            match outcome {
                Outcome::Continue => {}
                Outcome::FlushCode => self.cache.flush(),
                Outcome::Exit(code) => {
                    let code = i32::try_from(code).unwrap_or(i32::MAX);
                    return StopReason::exited(code, self.hart.pc);
                }
                Outcome::Halt(message) => return StopReason::halted(self.hart.pc, message),
            }
        }
    }
}
