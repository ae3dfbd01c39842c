//! Trap entry and return: exceptions and interrupts with delegation,
//! mret and sret (privileged spec 3.1.6.1, 3.1.7, 3.1.9, 3.3.2).

use super::csr::{irq, status, Csrs, PRIV_M, PRIV_S, PRIV_U};
use crate::hart::{Exception, Hart};

/// The cause of a trap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trap {
    Exception(Exception),
    /// An interrupt by number (`irq::*`).
    Interrupt(u64),
}

const INTERRUPT_BIT: u64 = 1 << 63;

/// Take `trap` with `hart.pc` as the trapping pc (the interrupted or
/// faulting instruction).
pub fn enter(csrs: &mut Csrs, hart: &mut Hart, trap: Trap) {
    let (code, interrupt, tval, delegated) = match trap {
        Trap::Exception(e) => (e.cause(), false, e.tval(), csrs.medeleg >> e.cause() & 1 != 0),
        Trap::Interrupt(n) => (n, true, 0, csrs.mideleg >> n & 1 != 0),
    };
    let cause = if interrupt { INTERRUPT_BIT | code } else { code };
    hart.reservation = crate::hart::NO_RESERVATION;
    // Traps never go to a lower privilege: delegation only applies to
    // traps taken in S or U mode.
    if delegated && csrs.privilege <= PRIV_S {
        csrs.sepc = hart.pc;
        csrs.scause = cause;
        csrs.stval = tval;
        let mut s = csrs.mstatus & !(status::SPP | status::SPIE | status::SIE);
        if csrs.privilege == PRIV_S {
            s |= status::SPP;
        }
        if csrs.mstatus & status::SIE != 0 {
            s |= status::SPIE;
        }
        csrs.mstatus = s;
        csrs.privilege = PRIV_S;
        hart.pc = vector(csrs.stvec, code, interrupt);
    } else {
        csrs.mepc = hart.pc;
        csrs.mcause = cause;
        csrs.mtval = tval;
        let mut s = csrs.mstatus & !(status::MPP | status::MPIE | status::MIE);
        s |= (csrs.privilege as u64) << status::MPP_SHIFT;
        if csrs.mstatus & status::MIE != 0 {
            s |= status::MPIE;
        }
        csrs.mstatus = s;
        csrs.privilege = PRIV_M;
        hart.pc = vector(csrs.mtvec, code, interrupt);
    }
}

/// The handler address: vectored mode sends interrupts to BASE + 4*cause.
fn vector(tvec: u64, code: u64, interrupt: bool) -> u64 {
    let base = tvec & !3;
    if tvec & 3 == 1 && interrupt {
        base.wrapping_add(4 * code)
    } else {
        base
    }
}

/// The interrupt to take now, if any: pending and enabled, in priority
/// order, and globally enabled for the privilege it goes to.
pub fn pending_interrupt(csrs: &Csrs) -> Option<u64> {
    let pending = csrs.mip() & csrs.mie;
    if pending == 0 {
        return None;
    }
    let m_enabled = csrs.privilege < PRIV_M || csrs.mstatus & status::MIE != 0;
    let s_enabled = csrs.privilege < PRIV_S || (csrs.privilege == PRIV_S && csrs.mstatus & status::SIE != 0);
    let m_pending = pending & !csrs.mideleg;
    let s_pending = pending & csrs.mideleg;
    let take = |set: u64| irq::PRIORITY.into_iter().find(|&n| set >> n & 1 != 0);
    if m_enabled {
        if let Some(n) = take(m_pending) {
            return Some(n);
        }
    }
    if s_enabled {
        return take(s_pending);
    }
    None
}

/// mret: back to MPP with MIE = MPIE.
pub fn mret(csrs: &mut Csrs, hart: &mut Hart) {
    let to = ((csrs.mstatus & status::MPP) >> status::MPP_SHIFT) as u8;
    let mut s = csrs.mstatus & !(status::MPP | status::MIE);
    if csrs.mstatus & status::MPIE != 0 {
        s |= status::MIE;
    }
    s |= status::MPIE;
    if to != PRIV_M {
        s &= !status::MPRV;
    }
    csrs.mstatus = s;
    csrs.privilege = to;
    hart.pc = csrs.mepc;
}

/// sret: back to SPP with SIE = SPIE.
pub fn sret(csrs: &mut Csrs, hart: &mut Hart) {
    let to = if csrs.mstatus & status::SPP != 0 { PRIV_S } else { PRIV_U };
    let mut s = csrs.mstatus & !(status::SPP | status::SIE | status::MPRV);
    if csrs.mstatus & status::SPIE != 0 {
        s |= status::SIE;
    }
    s |= status::SPIE;
    csrs.mstatus = s;
    csrs.privilege = to;
    hart.pc = csrs.sepc;
}
