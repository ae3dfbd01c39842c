//! The run loop of a system-mode machine, on either tier.
//!
//! An access the host must serve (mem/host_io.rs) stops the loop before
//! the exception it raised is taken, with pc at the accessing instruction.
//! Once served, that instruction runs again alone, interpreted: no
//! interrupt is taken before it (it has begun) and nothing else runs with
//! the served values. Compiled code never raises such a request: host
//! ranges and unfilled pages are never in the TLB, so it leaves for the
//! interpreter before them.
//!
//! Interrupts are taken at block boundaries. Privileged instructions end
//! their block (CSR accesses even run alone in theirs), so the board
//! executes them between blocks; the JIT translates none of them but an
//! ecall ending a block, which leaves compiled code for the board to trap
//! on. Exceptions become traps into the guest; the loop stops only on HTIF
//! exit, budget or a halted hart. Decoded and compiled code is kept per
//! code context (contexts.rs): before each block the loop follows the
//! board's context.
//!
//! Compiled code chains blocks without coming back to the loop, so the loop
//! bounds the instructions it may run by the time left until the timer
//! fires: mtime counts retired instructions (system/csr.rs), so that count
//! is exact, and a block that would cross it is interpreted whole. Every
//! other interrupt source changes only in the loop: CSR writes run on the
//! board, and device registers (CLINT msip and mtimecmp, the UART) never
//! enter the TLB, so compiled code leaves for the interpreter before
//! touching them. When compiled code leaves a block early like that, the
//! interpreter finishes exactly that block before the next interrupt check.
//! Interrupts are thus taken at the block boundaries where the interpreter
//! alone takes them, and a guest retires the same instructions in the same
//! order on either tier.
//!
//! Several harts take turns (system/harts.rs): the running hart is the
//! machine's `hart`, and its turn is one more bound on the instructions a
//! block may run, so turns end at the same instruction on every engine. A
//! turn ends only at a point where nothing of the hart's is half done (no
//! block compiled code left unfinished, no host request being replayed).
//! The budget counts the instructions of all harts.
//!
//! A trap whose handler cannot be fetched traps again without retiring
//! anything; hardware would spin there forever, but nothing can ever change
//! (each trap lands on the same vector), so after `DEAD_TRAP_LOOP` traps in
//! a row without a retired instruction the hart is reported halted rather
//! than spinning outside the instruction budget. On a board with other
//! harts only that hart stops for good (on hardware it would spin while the
//! others go on); the board halts once no hart can run.

use super::block::BlockId;
use super::{Compiled, EngineKind, Environment, Machine, StopReason};
use crate::hart::{Exception, Hart};
use crate::interp::{self, BlockExit};
use crate::system::csr::Csrs;
use crate::system::{is_privileged, Board, Outcome, Trap};

const DEAD_TRAP_LOOP: u32 = 64;

/// The encoding of ecall, for the board to execute one compiled code left at.
const ECALL: u32 = 0x0000_0073;

impl Machine {
    pub(super) fn run_system(&mut self, budget: u64) -> StopReason {
        if self.board().is_none() {
            return StopReason::halted(self.hart.pc, "not a system-mode machine".into());
        }
        let end = self.instructions_retired().saturating_add(budget);
        let mut limit = self.instret_limit(end);
        let mut idle_traps = 0;
        // Instructions left of a block compiled code left early.
        let mut unfinished = None;
        if budget > 0 {
            self.hooks.start_run(self.hart.pc);
        }
        loop {
            let before = self.hart.instret;
            self.invalidate_dirty_code();
            let mut remaining = limit.saturating_sub(self.hart.instret);
            if remaining == 0 {
                let budget_left = end.saturating_sub(self.instructions_retired());
                if budget_left == 0 {
                    return StopReason::budget(self.hart.pc);
                }
                // The turn is over, unless something of it is half done:
                // that outlives the turn, by its rest.
                if unfinished.is_none() && self.mem.host_replay_pc() != Some(self.hart.pc) {
                    if let Some(stop) = self.next_turn() {
                        return stop;
                    }
                    limit = self.instret_limit(end);
                    continue;
                }
                remaining = budget_left;
            }
            self.follow_code_context();
            self.install_finished_compiles();
            let replay = self.host_replay_due();
            let step = if replay {
                unfinished = None;
                self.finish_block(1)
            } else {
                match unfinished.take() {
                    Some(left) => self.finish_block(remaining.min(left)),
                    None => self.next_block(remaining).map(|(outcome, left)| {
                        unfinished = left;
                        outcome
                    }),
                }
            };
            let mut outcome = match step {
                Ok(outcome) => outcome,
                Err(stop) => return stop,
            };
            if replay {
                self.mem.end_host_replay();
            }
            let board = board_of(&mut self.env);
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
                    if !board_of(&mut self.env).abandon_hart() {
                        return StopReason::halted(self.hart.pc, message);
                    }
                    idle_traps = 0;
                    if let Some(stop) = self.next_turn() {
                        return stop;
                    }
                    limit = self.instret_limit(end);
                    continue;
                }
            }
            match outcome {
                Outcome::Continue => {}
                Outcome::FlushCode => self.flush_blocks(),
                Outcome::Exit(code) => {
                    let code = i32::try_from(code).unwrap_or(i32::MAX);
                    return StopReason::exited(code, self.hart.pc);
                }
                Outcome::Halt(message) => return StopReason::halted(self.hart.pc, message),
                Outcome::Yield => {
                    if let Some(stop) = self.next_turn() {
                        return stop;
                    }
                    limit = self.instret_limit(end);
                }
            }
        }
    }

    /// The running hart's instret at which the loop must stop running it:
    /// where the budget ending when all harts retired `end` instructions
    /// runs out, or its turn ends, whichever comes first. Fixed while the
    /// hart runs (the others retire nothing meanwhile), so the loop bounds
    /// blocks by it as a lone hart's loop bounds them by the budget.
    fn instret_limit(&mut self, end: u64) -> u64 {
        let board = board_of(&mut self.env);
        let own_end = end.saturating_sub(board.instructions(&self.hart)).saturating_add(self.hart.instret);
        own_end.min(board.turn_end())
    }

    /// Give the turn to the next hart that can run; the stop if none can
    /// ever run again.
    fn next_turn(&mut self) -> Option<StopReason> {
        match board_of(&mut self.env).next_turn(&mut self.hart, &mut self.mem) {
            Outcome::Halt(message) => Some(StopReason::halted(self.hart.pc, message)),
            _ => None,
        }
    }

    /// Instructions retired by all harts (those of the machine's hart when
    /// it is alone or not a board's).
    #[inline]
    pub fn instructions_retired(&self) -> u64 {
        match &self.env {
            Environment::System(board) => board.instructions(&self.hart),
            Environment::Linux(_) => self.hart.instret,
        }
    }

    /// Harts of the machine: a board's, or the one of a Linux process.
    pub fn hart_count(&self) -> usize {
        self.board().map_or(1, Board::hart_count)
    }

    /// The id of the hart that runs (or ran last): `hart` holds its state.
    pub fn current_hart(&self) -> usize {
        self.board().map_or(0, Board::current_hart)
    }

    /// The registers of hart `id`.
    pub fn hart_at(&self, id: usize) -> Option<&Hart> {
        if id == self.current_hart() {
            return Some(&self.hart);
        }
        self.board()?.parked_hart(id).map(|(hart, _)| hart)
    }

    pub fn hart_at_mut(&mut self, id: usize) -> Option<&mut Hart> {
        if id == self.current_hart() {
            return Some(&mut self.hart);
        }
        match &mut self.env {
            Environment::System(board) => board.parked_hart_mut(id),
            Environment::Linux(_) => None,
        }
    }

    /// The CSRs of hart `id` of a board.
    pub fn csrs_at(&self, id: usize) -> Option<&Csrs> {
        let board = self.board()?;
        if id == board.current_hart() {
            return Some(&board.csrs);
        }
        board.parked_hart(id).map(|(_, csrs)| csrs)
    }

    /// Make the active block cache that of the board's code context.
    #[inline]
    fn follow_code_context(&mut self) {
        let now = board_of(&mut self.env).code_context();
        if now != self.contexts.active() {
            self.contexts.switch(&mut self.cache, now);
        }
    }

    /// True when the instruction at pc is the one whose host request was
    /// served: it runs again now. Served values for any other pc (the
    /// guest was moved elsewhere) belong to no instruction any more.
    fn host_replay_due(&mut self) -> bool {
        match self.mem.host_replay_pc() {
            Some(pc) if pc == self.hart.pc => true,
            Some(_) => {
                self.mem.end_host_replay();
                false
            }
            None => false,
        }
    }

    /// Stop for the host request the instruction at pc raised.
    fn stop_for_host(&mut self) -> StopReason {
        self.mem.stop_for_host_request(self.hart.pc);
        StopReason::host_request(self.hart.pc)
    }

    /// Take exception `e` as a trap, unless it is an access the host must
    /// serve first: then the loop stops, pc at the instruction.
    fn take_exception(&mut self, e: Exception) -> Result<Outcome, StopReason> {
        if self.mem.host_request_raised() {
            return Err(self.stop_for_host());
        }
        Ok(board_of(&mut self.env).trap(&mut self.hart, &mut self.mem, Trap::Exception(e)))
    }

    /// At a block boundary: take a pending interrupt, or run the block at
    /// `hart.pc` (at most `remaining` instructions) on the board, compiled
    /// or interpreted. Also returns how much of the block compiled code
    /// left undone, if it left early. Err: the run stops (a breakpoint,
    /// an access the host must serve).
    fn next_block(&mut self, remaining: u64) -> Result<(Outcome, Option<u64>), StopReason> {
        let board = board_of(&mut self.env);
        if let Some(n) = board.poll_interrupts(&self.hart, &mut self.mem) {
            return Ok((board.trap(&mut self.hart, &mut self.mem, Trap::Interrupt(n)), None));
        }
        let id = match self.cache.lookup(&mut self.mem, self.hart.pc) {
            Ok(id) => id,
            Err(e) => return Ok((self.take_exception(e)?, None)),
        };
        let block = self.cache.get(id);
        if block.breakpoint {
            if let Some(stop) = self.hooks.breakpoint_stop(block.start) {
                return Err(stop);
            }
        }
        let first = block.insts[0];
        let board = board_of(&mut self.env);
        if block.insts.len() == 1 && is_privileged(first.op) {
            return Ok((board.execute(&mut self.hart, &mut self.mem, &first), None));
        }
        let n = block.insts.len() as u64;
        if self.jit.is_some() && self.engine != EngineKind::Interp {
            if let Some(code) = self.tier_up(id) {
                let board = board_of(&mut self.env);
                let before_timer = board.instructions_until_timer(&self.hart, &mut self.mem);
                let budget = before_timer.map_or(remaining, |t| t.min(remaining));
                // A block the budget does not cover is interpreted whole.
                if budget >= n {
                    return self.run_system_compiled(id, code, budget);
                }
            }
        }
        Ok((self.interpret_block(id, remaining)?, None))
    }

    /// Run compiled code from block `id` with `budget` instructions and
    /// complete its exit on the board.
    fn run_system_compiled(&mut self, id: BlockId, code: u64, budget: u64) -> Result<(Outcome, Option<u64>), StopReason> {
        let ran = self.run_compiled(id, code, budget);
        let board = board_of(&mut self.env);
        Ok(match ran {
            Compiled::Ran => (Outcome::Continue, None),
            Compiled::Interpret { left } => (Outcome::Continue, Some(left)),
            Compiled::Ecall => {
                let ecall = crate::isa::decode(ECALL);
                (board.execute(&mut self.hart, &mut self.mem, &ecall), None)
            }
            Compiled::Trap(e) => (self.take_exception(e)?, None),
        })
    }

    /// Interpret the `left` instructions from `hart.pc` that compiled code
    /// left of its block: no block boundary lies between them.
    fn finish_block(&mut self, left: u64) -> Result<Outcome, StopReason> {
        match self.cache.lookup(&mut self.mem, self.hart.pc) {
            Ok(id) => self.interpret_block(id, left),
            Err(e) => self.take_exception(e),
        }
    }

    /// Interpret at most `limit` instructions of block `id`; a privileged
    /// instruction it stops at runs on the board, an exception traps.
    /// Err: stop for the host.
    fn interpret_block(&mut self, id: BlockId, limit: u64) -> Result<Outcome, StopReason> {
        let board = board_of(&mut self.env);
        let block = self.cache.get(id);
        let limit = limit.min(usize::MAX as u64) as usize;
        let (exit, retired) = interp::run_block(&mut self.hart, &mut self.mem, block, limit);
        self.hart.instret += retired as u64;
        match exit {
            BlockExit::Continue => Ok(Outcome::Continue),
            BlockExit::FenceI => Ok(Outcome::FlushCode),
            BlockExit::Trap(e) => match block.insts.get(retired) {
                Some(inst) if is_privileged(inst.op) => {
                    let inst = *inst;
                    Ok(board.execute(&mut self.hart, &mut self.mem, &inst))
                }
                _ => self.take_exception(e),
            },
        }
    }
}

/// The board of a system-mode machine (`run_system` checked that it is one).
#[inline(always)]
fn board_of(env: &mut Environment) -> &mut Board {
    match env {
        Environment::System(board) => board,
        Environment::Linux(_) => unreachable!("the system run loop runs only system-mode machines"),
    }
}
