//! The harts of a board and their turns on the one host thread.
//!
//! One hart runs at a time: its registers are the machine's `hart`, its
//! CSRs the board's `csrs`, its TLBs and walk cache those of memory. The
//! others are parked here and swapped in when their turn comes. Turns are
//! round-robin, `QUANTUM` retired instructions each, so a run is the same
//! on every engine (turns end at the same instruction counts). A hart in
//! wfi with no interrupt pending gives up its turn at once and is skipped
//! until an enabled interrupt is pending for it (an IPI through its CLINT
//! msip, its timer, a PLIC context of its own). When every hart waits,
//! time jumps to the earliest armed timer among them, as a lone hart's wfi
//! does; with none armed, the board is halted. A hart caught in a trap loop
//! (its trap vector cannot be fetched) is left out for good.
//!
//! An LR reservation does not outlive its hart's turn: another hart may
//! store to the reserved address during its own turn, so the outgoing
//! hart's SC fails. The specification allows a reservation to be lost at
//! any time, and a retry a whole turn away from the next switch succeeds.

use crate::hart::{Hart, NO_RESERVATION};
use crate::mem::HartMmu;

/// Harts a board may have: a bound on parked state (each hart keeps its
/// own TLBs and walk cache).
pub const MAX_HARTS: u32 = 8;

/// Instructions a hart retires per turn: a switch swaps registers, CSRs
/// and TLB pointers, which a thousand instructions amortise, and a hart
/// spinning on a lock another holds gives way after as many.
pub const QUANTUM: u64 = 1000;

/// What a hart that is not running keeps.
pub(super) struct Parked {
    pub hart: Hart,
    pub csrs: super::Csrs,
    pub mmu: HartMmu,
}

pub(super) struct Harts {
    /// Indexed by hart id; None at the running hart.
    pub parked: Vec<Option<Parked>>,
    /// Harts in wfi with nothing pending (the running one included once it
    /// gave up its turn).
    pub waiting: Vec<bool>,
    /// Harts trapping forever without retiring (their trap vector cannot
    /// be fetched): they never run again.
    pub stuck: Vec<bool>,
    pub current: usize,
    /// The running hart's instret at which its turn ends.
    pub turn_end: u64,
}

impl Harts {
    /// Harts 1..count parked at reset, starting at `entry` with a0 = hart
    /// id and a1 = `fdt_addr`; hart 0 runs first.
    pub fn reset(count: u32, entry: u64, fdt_addr: u64) -> Harts {
        let parked = (0..count as u64)
            .map(|id| {
                (id != 0).then(|| {
                    let mut hart = Hart::new();
                    hart.pc = entry;
                    hart.x[10] = id;
                    hart.x[11] = fdt_addr;
                    Parked { hart, csrs: super::Csrs::new(id), mmu: HartMmu::new() }
                })
            })
            .collect();
        let none = vec![false; count as usize];
        Harts { parked, waiting: none.clone(), stuck: none, current: 0, turn_end: QUANTUM }
    }

    pub fn count(&self) -> usize {
        self.parked.len()
    }

    /// The running hart's instret at which its turn ends (never when it
    /// is alone).
    pub fn turn_end(&self) -> u64 {
        if self.parked.len() == 1 {
            return u64::MAX;
        }
        self.turn_end
    }

    /// The next hart after the running one, in round-robin order, for
    /// which `runnable` holds; the running hart itself comes last.
    pub fn next_after_current(&self, mut runnable: impl FnMut(usize) -> bool) -> Option<usize> {
        let n = self.count();
        (1..=n).map(|k| (self.current + k) % n).find(|&h| runnable(h))
    }

    /// Park the running hart (`hart`, `csrs`, memory's translation state)
    /// and make `to` run. The outgoing hart loses its reservation.
    pub fn switch(&mut self, to: usize, hart: &mut Hart, csrs: &mut super::Csrs, mem: &mut crate::mem::Memory) {
        let Some(mut state) = self.parked.get_mut(to).and_then(Option::take) else { return };
        hart.reservation = NO_RESERVATION;
        let board_instructions = csrs.board_instructions(hart);
        let time_offset = csrs.time_offset;
        std::mem::swap(hart, &mut state.hart);
        std::mem::swap(csrs, &mut state.csrs);
        mem.swap_hart_mmu(&mut state.mmu);
        csrs.time_offset = time_offset;
        csrs.time_base = board_instructions.wrapping_sub(hart.instret);
        self.parked[self.current] = Some(state);
        self.current = to;
        self.turn_end = hart.instret.saturating_add(QUANTUM);
    }

    /// The registers and CSRs of hart `id` when it is parked.
    pub fn parked(&self, id: usize) -> Option<(&Hart, &super::Csrs)> {
        self.parked.get(id)?.as_ref().map(|p| (&p.hart, &p.csrs))
    }

    pub fn parked_mut(&mut self, id: usize) -> Option<&mut Hart> {
        self.parked.get_mut(id)?.as_mut().map(|p| &mut p.hart)
    }
}
