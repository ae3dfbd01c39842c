//! Trap and interrupt rules checked on the CSR state directly.

use super::csr::{irq, status, Csrs, PRIV_M, PRIV_S, PRIV_U};
use super::trap::{self, Trap};
use crate::hart::{Exception, Hart};

fn csrs_at(privilege: u8) -> Csrs {
    let mut c = Csrs::new(0);
    c.privilege = privilege;
    c
}

#[test]
fn machine_interrupts_need_mie_only_in_machine_mode() {
    let mut c = csrs_at(PRIV_M);
    c.mie = 1 << irq::MTI;
    c.mip_devices = 1 << irq::MTI;
    assert_eq!(trap::pending_interrupt(&c), None);
    c.mstatus |= status::MIE;
    assert_eq!(trap::pending_interrupt(&c), Some(irq::MTI));
    c.mstatus = 0;
    c.privilege = PRIV_S;
    assert_eq!(trap::pending_interrupt(&c), Some(irq::MTI));
}

#[test]
fn delegated_interrupts_never_interrupt_machine_mode() {
    let mut c = csrs_at(PRIV_M);
    c.mstatus = status::MIE | status::SIE;
    c.mideleg = 1 << irq::SSI;
    c.mie = 1 << irq::SSI;
    c.mip_soft = 1 << irq::SSI;
    assert_eq!(trap::pending_interrupt(&c), None);
    c.privilege = PRIV_S;
    assert_eq!(trap::pending_interrupt(&c), Some(irq::SSI));
    c.mstatus = 0;
    assert_eq!(trap::pending_interrupt(&c), None);
    c.privilege = PRIV_U;
    assert_eq!(trap::pending_interrupt(&c), Some(irq::SSI));
}

#[test]
fn priority_is_mei_msi_mti_sei_ssi_sti() {
    let mut c = csrs_at(PRIV_U);
    c.mie = irq::ALL;
    c.mip_soft = irq::SUPERVISOR;
    c.mip_devices = (1 << irq::MSI) | (1 << irq::MTI);
    assert_eq!(trap::pending_interrupt(&c), Some(irq::MSI));
    c.mip_devices = 1 << irq::MTI;
    assert_eq!(trap::pending_interrupt(&c), Some(irq::MTI));
    c.mip_devices = 0;
    assert_eq!(trap::pending_interrupt(&c), Some(irq::SEI));
    c.mip_soft = (1 << irq::STI) | (1 << irq::SSI);
    assert_eq!(trap::pending_interrupt(&c), Some(irq::SSI));
}

#[test]
fn delegated_exception_from_user_goes_to_supervisor() {
    let mut c = csrs_at(PRIV_U);
    c.medeleg = 1 << 13;
    c.stvec = 0x8000_0100 | 1;
    c.mstatus = status::SIE;
    let mut hart = Hart::new();
    hart.pc = 0x1000;
    hart.reservation = 0x2000;
    trap::enter(&mut c, &mut hart, Trap::Exception(Exception::LoadPageFault(0xdead)));
    assert_eq!((c.privilege, c.scause, c.stval, c.sepc), (PRIV_S, 13, 0xdead, 0x1000));
    // Vectored mode sends only interrupts to BASE + 4 * cause.
    assert_eq!(hart.pc, 0x8000_0100);
    assert_eq!(c.mstatus & (status::SPP | status::SPIE | status::SIE), status::SPIE);
    assert_eq!(hart.reservation, crate::hart::NO_RESERVATION);
    trap::enter(&mut c, &mut hart, Trap::Interrupt(irq::STI));
    assert_eq!(c.privilege, PRIV_M, "STI is not delegated");
    c.privilege = PRIV_S;
    c.mideleg = 1 << irq::STI;
    trap::enter(&mut c, &mut hart, Trap::Interrupt(irq::STI));
    assert_eq!(hart.pc, 0x8000_0100 + 4 * irq::STI);
    assert_eq!(c.scause, (1 << 63) | irq::STI);
    assert_ne!(c.mstatus & status::SPP, 0);
}

#[test]
fn machine_mode_traps_are_never_delegated() {
    let mut c = csrs_at(PRIV_M);
    c.medeleg = u64::MAX;
    c.mtvec = 0x8000_0000;
    c.mstatus = status::MIE;
    let mut hart = Hart::new();
    hart.pc = 0x8000_0040;
    trap::enter(&mut c, &mut hart, Trap::Exception(Exception::EcallFromM));
    assert_eq!((c.mcause, c.mepc, hart.pc), (11, 0x8000_0040, 0x8000_0000));
    assert_eq!(c.mstatus & (status::MPP | status::MPIE | status::MIE), status::MPP | status::MPIE);
    trap::mret(&mut c, &mut hart);
    assert_eq!((c.privilege, hart.pc), (PRIV_M, 0x8000_0040));
    assert_eq!(c.mstatus & (status::MPP | status::MPIE | status::MIE), status::MPIE | status::MIE);
}
