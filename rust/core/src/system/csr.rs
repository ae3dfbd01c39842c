//! The privileged CSRs of one hart and the rules for reaching them
//! (privileged spec 1.12, chapters 2, 3 and 4).
//!
//! WARL choices: misa, mvendorid, marchid, mimpid, mhartid, menvcfg and
//! senvcfg read constant values and ignore writes; pmpcfg/pmpaddr follow
//! their WARL rules but protect nothing (see `pmp`); the hpm counters and events read
//! zero. mstatus.FS never reads Clean: Initial and Clean read back as Dirty,
//! the conservative answer that lets a kernel skip no FP state save. With
//! FS Off the FP CSRs are illegal, but FP instructions still run (the
//! interpreter does not consult mstatus).

use crate::hart::{Exception, Hart};
use crate::isa::csr::{self, is_read_only, min_privilege};
use crate::mem::{Translation, TranslationMode};
use super::pmp::Pmp;

pub const PRIV_U: u8 = 0;
pub const PRIV_S: u8 = 1;
pub const PRIV_M: u8 = 3;

/// mstatus bits (privileged spec 3.1.6, figure 3.7).
pub mod status {
    pub const SIE: u64 = 1 << 1;
    pub const MIE: u64 = 1 << 3;
    pub const SPIE: u64 = 1 << 5;
    pub const MPIE: u64 = 1 << 7;
    pub const SPP: u64 = 1 << 8;
    pub const MPP_SHIFT: u32 = 11;
    pub const MPP: u64 = 3 << MPP_SHIFT;
    pub const FS: u64 = 3 << 13;
    pub const MPRV: u64 = 1 << 17;
    pub const SUM: u64 = 1 << 18;
    pub const MXR: u64 = 1 << 19;
    pub const TVM: u64 = 1 << 20;
    pub const TW: u64 = 1 << 21;
    pub const TSR: u64 = 1 << 22;
    /// UXL = SXL = 2: U and S run with XLEN 64 (read-only).
    pub const XLEN_FIELDS: u64 = (2 << 32) | (2 << 34);
    pub const SD: u64 = 1 << 63;
    pub const WRITABLE: u64 = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    /// The part of mstatus that sstatus shows.
    pub const SSTATUS: u64 = SIE | SPIE | SPP | FS | SUM | MXR | (3 << 32) | SD;
}

/// Interrupt numbers (mip/mie bits and mcause codes).
pub mod irq {
    pub const SSI: u64 = 1;
    pub const MSI: u64 = 3;
    pub const STI: u64 = 5;
    pub const MTI: u64 = 7;
    pub const SEI: u64 = 9;
    pub const MEI: u64 = 11;
    /// Interrupts S mode may own (mideleg's writable bits).
    pub const SUPERVISOR: u64 = (1 << SSI) | (1 << STI) | (1 << SEI);
    pub const ALL: u64 = SUPERVISOR | (1 << MSI) | (1 << MTI) | (1 << MEI);
    /// Priority order for taking interrupts (privileged spec 3.1.9).
    pub const PRIORITY: [u64; 6] = [MEI, MSI, MTI, SEI, SSI, STI];
}

/// misa: RV64 (MXL = 2) with A, C, D, F, I, M, S and U.
const MISA: u64 = (2 << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
/// Exceptions medeleg can delegate: all but ecall from M (11) and the
/// reserved codes 10 and 14.
const DELEGABLE_EXCEPTIONS: u64 = 0xb3ff;
/// Supervisor software interrupt: the only sip bit S mode may write.
const SIP_WRITABLE: u64 = 1 << irq::SSI;
/// mip bits written by software; MSIP, MTIP and MEIP come from devices.
const MIP_WRITABLE: u64 = irq::SUPERVISOR;
/// One mtime tick per this many retired instructions: a 10 MHz timebase
/// for a hart taken to run 100 million instructions per second. With
/// several harts, mtime counts the instructions of all of them: harts take
/// turns on one host thread, so the board's time advances with whichever
/// runs, and N harts sharing work see time pass N times faster per hart
/// than one hart alone would.
pub const INSTRUCTIONS_PER_TICK: u64 = 10;
/// The mtime rate the device tree announces (timebase-frequency).
pub const TIMEBASE_FREQUENCY: u32 = 10_000_000;

/// The privileged state of one hart.
#[derive(Clone, Debug)]
pub struct Csrs {
    pub privilege: u8,
    /// The writable bits of mstatus (sstatus is a view of it).
    pub mstatus: u64,
    pub medeleg: u64,
    pub mideleg: u64,
    pub mie: u64,
    /// The software-written bits of mip; device bits come from `devices`.
    pub mip_soft: u64,
    /// Device-driven mip bits (MSIP, MTIP, MEIP, SEIP), refreshed at block boundaries.
    pub mip_devices: u64,
    pub mtvec: u64,
    pub stvec: u64,
    pub mepc: u64,
    pub sepc: u64,
    pub mcause: u64,
    pub scause: u64,
    pub mtval: u64,
    pub stval: u64,
    pub mscratch: u64,
    pub sscratch: u64,
    pub mcounteren: u64,
    pub scounteren: u64,
    pub satp: u64,
    pub pmp: Pmp,
    /// minstret = hart.instret + this (the engine's budget counts the
    /// hart's own counter, which guest writes must not move).
    pub instret_offset: u64,
    /// mtime = (hart.instret + time_base) / INSTRUCTIONS_PER_TICK + this.
    /// Shared by all harts: the board hands it from hart to hart.
    pub time_offset: u64,
    /// Instructions the other harts retired: time counts the instructions
    /// of the whole board (set by the board when this hart starts to run).
    pub time_base: u64,
    pub hartid: u64,
}

impl Csrs {
    pub fn new(hartid: u64) -> Self {
        Csrs {
            privilege: PRIV_M,
            mstatus: 0,
            medeleg: 0,
            mideleg: 0,
            mie: 0,
            mip_soft: 0,
            mip_devices: 0,
            mtvec: 0,
            stvec: 0,
            mepc: 0,
            sepc: 0,
            mcause: 0,
            scause: 0,
            mtval: 0,
            stval: 0,
            mscratch: 0,
            sscratch: 0,
            mcounteren: 0,
            scounteren: 0,
            satp: 0,
            pmp: Pmp::default(),
            instret_offset: 0,
            time_offset: 0,
            time_base: 0,
            hartid,
        }
    }

    pub fn mip(&self) -> u64 {
        self.mip_soft | self.mip_devices
    }

    /// mstatus as software reads it, with the read-only fields and SD.
    pub fn read_mstatus(&self) -> u64 {
        let sd = if self.mstatus & status::FS == status::FS { status::SD } else { 0 };
        self.mstatus | status::XLEN_FIELDS | sd
    }

    /// Instructions all harts retired, this one included.
    pub fn board_instructions(&self, hart: &Hart) -> u64 {
        hart.instret.wrapping_add(self.time_base)
    }

    pub fn mtime(&self, hart: &Hart) -> u64 {
        (self.board_instructions(hart) / INSTRUCTIONS_PER_TICK).wrapping_add(self.time_offset)
    }

    /// The translation loads, stores and fetches use now.
    pub fn translation(&self) -> Translation {
        let data_privilege = if self.mstatus & status::MPRV != 0 {
            ((self.mstatus & status::MPP) >> status::MPP_SHIFT) as u8
        } else {
            self.privilege
        };
        let mode = match self.satp >> 60 {
            8 => TranslationMode::Sv39,
            9 => TranslationMode::Sv48,
            _ => TranslationMode::Bare,
        };
        Translation {
            mode,
            root: (self.satp & ((1 << 44) - 1)) << 12,
            asid: (self.satp >> 44) as u16,
            fetch_privilege: self.privilege,
            data_privilege,
            sum: self.mstatus & status::SUM != 0,
            mxr: self.mstatus & status::MXR != 0,
        }
    }

    /// Access check of privileged spec 2.1 and 3.1.11: the CSR's privilege
    /// level, writes to read-only CSRs, counter enables, TVM for satp and FS
    /// for the floating-point CSRs.
    fn check(&self, num: u16, writes: bool) -> Result<(), Exception> {
        let illegal = Err(Exception::IllegalInstruction(0));
        if self.privilege < min_privilege(num) || (writes && is_read_only(num)) {
            return illegal;
        }
        match num {
            csr::CYCLE | csr::TIME | csr::INSTRET | 0xc03..=0xc1f => {
                let bit = 1 << (num - csr::CYCLE);
                let denied = (self.privilege < PRIV_M && self.mcounteren & bit == 0)
                    || (self.privilege == PRIV_U && self.scounteren & bit == 0);
                if denied {
                    return illegal;
                }
            }
            csr::SATP if self.privilege == PRIV_S && self.mstatus & status::TVM != 0 => return illegal,
            csr::FFLAGS | csr::FRM | csr::FCSR if self.mstatus & status::FS == 0 => return illegal,
            _ => {}
        }
        Ok(())
    }

    /// Read CSR `num`; unknown CSRs and denied accesses are illegal
    /// instructions. `writes` tells whether the instruction also writes.
    pub fn read(&self, hart: &Hart, num: u16, writes: bool) -> Result<u64, Exception> {
        self.check(num, writes)?;
        let sie_mask = self.mideleg & irq::SUPERVISOR;
        Ok(match num {
            csr::FFLAGS => hart.fflags as u64,
            csr::FRM => hart.frm as u64,
            csr::FCSR => hart.fcsr(),
            csr::CYCLE | csr::INSTRET | csr::MCYCLE | csr::MINSTRET => hart.instret.wrapping_add(self.instret_offset),
            csr::TIME => self.mtime(hart),
            0xc03..=0xc1f | 0xb03..=0xb1f | 0x323..=0x33f | csr::MCOUNTINHIBIT => 0,

            csr::SSTATUS => self.read_mstatus() & status::SSTATUS,
            csr::SIE => self.mie & sie_mask,
            csr::STVEC => self.stvec,
            csr::SCOUNTEREN => self.scounteren,
            csr::SENVCFG => 0,
            csr::SSCRATCH => self.sscratch,
            csr::SEPC => self.sepc,
            csr::SCAUSE => self.scause,
            csr::STVAL => self.stval,
            csr::SIP => self.mip() & sie_mask,
            csr::SATP => self.satp,

            csr::MVENDORID | csr::MARCHID | csr::MIMPID | csr::MCONFIGPTR => 0,
            csr::MHARTID => self.hartid,
            csr::MSTATUS => self.read_mstatus(),
            csr::MISA => MISA,
            csr::MEDELEG => self.medeleg,
            csr::MIDELEG => self.mideleg,
            csr::MIE => self.mie,
            csr::MTVEC => self.mtvec,
            csr::MCOUNTEREN => self.mcounteren,
            csr::MENVCFG => 0,
            csr::MSCRATCH => self.mscratch,
            csr::MEPC => self.mepc,
            csr::MCAUSE => self.mcause,
            csr::MTVAL => self.mtval,
            csr::MIP => self.mip(),
            n @ 0x3a0..=0x3ae if n % 2 == 0 => self.pmp.read_cfg((n - csr::PMPCFG0) as usize),
            n @ 0x3b0..=0x3ef => self.pmp.read_addr((n - csr::PMPADDR0) as usize),
            _ => return Err(Exception::IllegalInstruction(0)),
        })
    }

    /// Write CSR `num` (already checked by `read` of the same instruction).
    /// The caller resynchronises memory with `translation()`.
    pub fn write(&mut self, hart: &mut Hart, num: u16, v: u64) -> Result<(), Exception> {
        let sie_mask = self.mideleg & irq::SUPERVISOR;
        match num {
            csr::FFLAGS => hart.fflags = (v & 0x1f) as u8,
            csr::FRM => hart.frm = (v & 7) as u8,
            csr::FCSR => hart.set_fcsr(v),
            csr::MCYCLE | csr::MINSTRET => self.instret_offset = v.wrapping_sub(hart.instret),
            0xb03..=0xb1f | 0x323..=0x33f | csr::MCOUNTINHIBIT => {}

            csr::SSTATUS => self.set_mstatus((self.mstatus & !status::SSTATUS) | (v & status::SSTATUS)),
            csr::SIE => self.mie = (self.mie & !sie_mask) | (v & sie_mask),
            csr::STVEC => self.stvec = legal_tvec(v),
            csr::SCOUNTEREN => self.scounteren = v & 0xffff_ffff,
            csr::SENVCFG => {}
            csr::SSCRATCH => self.sscratch = v,
            csr::SEPC => self.sepc = v & !1,
            csr::SCAUSE => self.scause = v,
            csr::STVAL => self.stval = v,
            csr::SIP => {
                let mask = sie_mask & SIP_WRITABLE;
                self.mip_soft = (self.mip_soft & !mask) | (v & mask);
            }
            csr::SATP => {
                // An unsupported MODE leaves satp unchanged (4.1.11).
                if matches!(v >> 60, 0 | 8 | 9) {
                    self.satp = v;
                }
            }

            csr::MSTATUS => self.set_mstatus(v),
            csr::MISA => {}
            csr::MEDELEG => self.medeleg = v & DELEGABLE_EXCEPTIONS,
            csr::MIDELEG => self.mideleg = v & irq::SUPERVISOR,
            csr::MIE => self.mie = v & irq::ALL,
            csr::MTVEC => self.mtvec = legal_tvec(v),
            csr::MCOUNTEREN => self.mcounteren = v & 0xffff_ffff,
            csr::MENVCFG => {}
            csr::MSCRATCH => self.mscratch = v,
            csr::MEPC => self.mepc = v & !1,
            csr::MCAUSE => self.mcause = v,
            csr::MTVAL => self.mtval = v,
            csr::MIP => self.mip_soft = (self.mip_soft & !MIP_WRITABLE) | (v & MIP_WRITABLE),
            n @ 0x3a0..=0x3ae if n % 2 == 0 => self.pmp.write_cfg((n - csr::PMPCFG0) as usize, v),
            n @ 0x3b0..=0x3ef => self.pmp.write_addr((n - csr::PMPADDR0) as usize, v),
            _ => return Err(Exception::IllegalInstruction(0)),
        }
        Ok(())
    }

    /// Write mstatus's writable fields: MPP keeps its value when given the
    /// reserved level 2, and FS Initial/Clean read as Dirty.
    pub fn set_mstatus(&mut self, v: u64) {
        let mut new = v & status::WRITABLE;
        if (new & status::MPP) >> status::MPP_SHIFT == 2 {
            new = (new & !status::MPP) | (self.mstatus & status::MPP);
        }
        if new & status::FS != 0 {
            new |= status::FS;
        }
        self.mstatus = new;
    }
}

/// mtvec/stvec: MODE 0 (direct) and 1 (vectored); other modes read as
/// direct. BASE is 4-byte aligned.
fn legal_tvec(v: u64) -> u64 {
    match v & 3 {
        1 => v,
        _ => v & !3,
    }
}
