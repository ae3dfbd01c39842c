//! The CSRs a user-mode program can reach: fflags, frm, fcsr and the
//! cycle/time/instret counters.

use crate::hart::{Exception, Hart};
use crate::isa::{csr, Inst, Op};

/// Execute a Zicsr instruction. An unknown CSR, or a write to a read-only
/// one, is an illegal instruction (unprivileged spec chapter 9).
pub fn execute(hart: &mut Hart, inst: &Inst) -> Result<(), Exception> {
    let num = (inst.imm as u32 & 0xfff) as u16;
    let operand = match inst.op {
        Op::Csrrwi | Op::Csrrsi | Op::Csrrci => inst.rs1 as u64,
        _ => hart.x[inst.rs1 as usize],
    };
    // csrrs/csrrc with rs1 = x0 (or uimm = 0) do not write (no side effects).
    let writes = match inst.op {
        Op::Csrrw | Op::Csrrwi => true,
        _ => inst.rs1 != 0,
    };
    let old = read(hart, num).ok_or(Exception::IllegalInstruction(0))?;
    if writes {
        let new = match inst.op {
            Op::Csrrw | Op::Csrrwi => operand,
            Op::Csrrs | Op::Csrrsi => old | operand,
            _ => old & !operand,
        };
        write(hart, num, new)?;
    }
    if inst.rd != 0 {
        hart.x[inst.rd as usize] = old;
    }
    Ok(())
}

fn read(hart: &Hart, num: u16) -> Option<u64> {
    Some(match num {
        csr::FFLAGS => hart.fflags as u64,
        csr::FRM => hart.frm as u64,
        csr::FCSR => hart.fcsr(),
        csr::CYCLE | csr::INSTRET => hart.instret,
        csr::TIME => host_time_ticks(),
        _ => return None,
    })
}

fn write(hart: &mut Hart, num: u16, v: u64) -> Result<(), Exception> {
    match num {
        csr::FFLAGS => hart.fflags = (v & 0x1f) as u8,
        csr::FRM => hart.frm = (v & 7) as u8,
        csr::FCSR => hart.set_fcsr(v),
        _ => return Err(Exception::IllegalInstruction(0)),
    }
    Ok(())
}

/// The `time` CSR: a 10 MHz clock (the timebase Linux riscv boards use),
/// monotonic, counted from the first read in this process.
fn host_time_ticks() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    let start = START.get_or_init(Instant::now);
    (start.elapsed().as_nanos() / 100) as u64
}
