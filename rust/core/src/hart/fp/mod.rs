//! Floating-point computation: every F and D instruction other than the
//! loads and stores (`Op::is_fp_compute`), following the unprivileged
//! spec's F and D chapters bit for bit, as Spike and QEMU do.
//!
//! Arithmetic and conversions go through Berkeley SoftFloat (`softfloat`);
//! sign injection, moves, comparisons, min/max and classification are pure
//! bit manipulation (`bits`, `compare`, `classify`).

mod bits;
mod classify;
mod compare;
mod rounding;
mod softfloat;
#[cfg(test)]
mod tests;

pub use classify::{
    NEG_INF, NEG_NORMAL, NEG_SUBNORMAL, NEG_ZERO, POS_INF, POS_NORMAL, POS_SUBNORMAL, POS_ZERO,
    QUIET_NAN, SIGNALING_NAN,
};
pub use rounding::RoundingMode;

use super::{Exception, Hart};
use crate::isa::{Inst, Op};
use bits::{nan_box, unbox, SIGN_D, SIGN_S};
use classify::fclass;
use compare::{feq, fle, flt, fmax, fmin};
use softfloat as sf;

/// Execute one floating-point compute instruction (`Op::is_fp_compute`).
///
/// Accrues the raised exception flags into `hart.fflags`. An `rm` field of
/// 5 or 6, or a dynamic `rm` while `frm` holds 5..=7, makes the instruction
/// illegal: it returns `IllegalInstruction(0)` (the caller supplies the
/// instruction bits) and changes no state. Any other op is also reported
/// as illegal.
pub fn execute(hart: &mut Hart, inst: &Inst) -> Result<(), Exception> {
    use Op::*;
    let ops = Operands::of(inst);
    match inst.op {
        // Fused multiply-add, one rounding. The negated forms negate the
        // product and/or the addend before the operation, as Spike and QEMU
        // do; that decides the sign of an exact zero result (fnmadd of
        // +0 * 1 and -0 is -0 + +0 = +0 under RNE).
        FmaddS => ops.s3(hart, inst, sf::f32_mul_add),
        FmsubS => ops.s3(hart, inst, |a, b, c| sf::f32_mul_add(a, b, c ^ SIGN_S)),
        FnmsubS => ops.s3(hart, inst, |a, b, c| sf::f32_mul_add(a ^ SIGN_S, b, c)),
        FnmaddS => ops.s3(hart, inst, |a, b, c| {
            sf::f32_mul_add(a ^ SIGN_S, b, c ^ SIGN_S)
        }),
        FmaddD => ops.d3(hart, inst, sf::f64_mul_add),
        FmsubD => ops.d3(hart, inst, |a, b, c| sf::f64_mul_add(a, b, c ^ SIGN_D)),
        FnmsubD => ops.d3(hart, inst, |a, b, c| sf::f64_mul_add(a ^ SIGN_D, b, c)),
        FnmaddD => ops.d3(hart, inst, |a, b, c| {
            sf::f64_mul_add(a ^ SIGN_D, b, c ^ SIGN_D)
        }),

        FaddS => ops.s2(hart, inst, sf::f32_add),
        FsubS => ops.s2(hart, inst, sf::f32_sub),
        FmulS => ops.s2(hart, inst, sf::f32_mul),
        FdivS => ops.s2(hart, inst, sf::f32_div),
        FsqrtS => ops.s1(hart, inst, sf::f32_sqrt),
        FaddD => ops.d2(hart, inst, sf::f64_add),
        FsubD => ops.d2(hart, inst, sf::f64_sub),
        FmulD => ops.d2(hart, inst, sf::f64_mul),
        FdivD => ops.d2(hart, inst, sf::f64_div),
        FsqrtD => ops.d1(hart, inst, sf::f64_sqrt),

        // Sign injection: no rounding, no flags; rm is 0 (the decoder folds funct3 into the op).
        FsgnjS => ops.s_bits(hart, bits::sgnj),
        FsgnjnS => ops.s_bits(hart, bits::sgnjn),
        FsgnjxS => ops.s_bits(hart, bits::sgnjx),
        FsgnjD => ops.d_bits(hart, bits::sgnj),
        FsgnjnD => ops.d_bits(hart, bits::sgnjn),
        FsgnjxD => ops.d_bits(hart, bits::sgnjx),

        FminS => ops.s_bits_flags(hart, fmin),
        FmaxS => ops.s_bits_flags(hart, fmax),
        FminD => ops.d_bits_flags(hart, fmin),
        FmaxD => ops.d_bits_flags(hart, fmax),

        // Float to integer. The 32-bit results are sign-extended to 64
        // bits, the unsigned ones (fcvt.wu) included.
        FcvtWS => ops.s_to_x(hart, inst, |a, rm| sf::f32_to_i32(a, rm) as i64 as u64),
        FcvtWuS => ops.s_to_x(hart, inst, |a, rm| {
            sf::f32_to_u32(a, rm) as i32 as i64 as u64
        }),
        FcvtLS => ops.s_to_x(hart, inst, |a, rm| sf::f32_to_i64(a, rm) as u64),
        FcvtLuS => ops.s_to_x(hart, inst, sf::f32_to_u64),
        FcvtWD => ops.d_to_x(hart, inst, |a, rm| sf::f64_to_i32(a, rm) as i64 as u64),
        FcvtWuD => ops.d_to_x(hart, inst, |a, rm| {
            sf::f64_to_u32(a, rm) as i32 as i64 as u64
        }),
        FcvtLD => ops.d_to_x(hart, inst, |a, rm| sf::f64_to_i64(a, rm) as u64),
        FcvtLuD => ops.d_to_x(hart, inst, sf::f64_to_u64),

        // Integer to float. The W forms read the low 32 bits of rs1. The
        // D results of W forms are exact, but their rm field must still be
        // a valid mode (Spike and QEMU check it), as for fcvt.d.s.
        FcvtSW => ops.x_to_s(hart, inst, |a| sf::i32_to_f32(a as i32)),
        FcvtSWu => ops.x_to_s(hart, inst, |a| sf::u32_to_f32(a as u32)),
        FcvtSL => ops.x_to_s(hart, inst, |a| sf::i64_to_f32(a as i64)),
        FcvtSLu => ops.x_to_s(hart, inst, sf::u64_to_f32),
        FcvtDW => ops.x_to_d(hart, inst, |a| sf::i32_to_f64(a as i32)),
        FcvtDWu => ops.x_to_d(hart, inst, |a| sf::u32_to_f64(a as u32)),
        FcvtDL => ops.x_to_d(hart, inst, |a| sf::i64_to_f64(a as i64)),
        FcvtDLu => ops.x_to_d(hart, inst, sf::u64_to_f64),

        // Between the two float formats; NaNs become the canonical NaN.
        FcvtSD => {
            let a = hart.f[ops.rs1];
            let v = rounded(hart, inst, |_| sf::f64_to_f32(a))?;
            set_s(hart, ops.rd, v)
        }
        FcvtDS => {
            let a = unbox(hart.f[ops.rs1]);
            let v = rounded(hart, inst, |_| sf::f32_to_f64(a))?;
            set_d(hart, ops.rd, v)
        }

        // Moves copy bits unchanged: fmv.x.w ignores NaN-boxing and
        // sign-extends the low word; fmv.w.x boxes.
        FmvXW => set_x(hart, ops.rd, hart.f[ops.rs1] as u32 as i32 as i64 as u64),
        FmvWX => set_s(hart, ops.rd, hart.x[ops.rs1] as u32),
        FmvXD => set_x(hart, ops.rd, hart.f[ops.rs1]),
        FmvDX => set_d(hart, ops.rd, hart.x[ops.rs1]),

        // Comparisons write 0 or 1 to an integer register.
        FeqS => ops.s_compare(hart, feq),
        FltS => ops.s_compare(hart, flt),
        FleS => ops.s_compare(hart, fle),
        FeqD => ops.d_compare(hart, feq),
        FltD => ops.d_compare(hart, flt),
        FleD => ops.d_compare(hart, fle),

        FclassS => set_x(hart, ops.rd, fclass(unbox(hart.f[ops.rs1]))),
        FclassD => set_x(hart, ops.rd, fclass(hart.f[ops.rs1])),

        _ => Err(Exception::IllegalInstruction(0)),
    }
}

/// Register numbers of an instruction, as indices into the register files.
/// The helpers read their sources, run an operation and write `rd`; the
/// `s` ones read singles through NaN-unboxing and write them boxed.
#[derive(Clone, Copy)]
struct Operands {
    rd: usize,
    rs1: usize,
    rs2: usize,
    rs3: usize,
}

impl Operands {
    #[inline(always)]
    fn of(inst: &Inst) -> Self {
        // The mask only documents that register numbers are 5 bits; it
        // lets the compiler drop the bounds checks.
        let r = |n: u8| n as usize & 31;
        Operands {
            rd: r(inst.rd),
            rs1: r(inst.rs1),
            rs2: r(inst.rs2),
            rs3: r(inst.rs3),
        }
    }

    #[inline(always)]
    fn s1(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u32) -> u32,
    ) -> Result<(), Exception> {
        let a = unbox(hart.f[self.rs1]);
        let v = rounded(hart, inst, |_| op(a))?;
        set_s(hart, self.rd, v)
    }

    #[inline(always)]
    fn s2(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u32, u32) -> u32,
    ) -> Result<(), Exception> {
        let (a, b) = (unbox(hart.f[self.rs1]), unbox(hart.f[self.rs2]));
        let v = rounded(hart, inst, |_| op(a, b))?;
        set_s(hart, self.rd, v)
    }

    #[inline(always)]
    fn s3(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u32, u32, u32) -> u32,
    ) -> Result<(), Exception> {
        let (a, b, c) = (
            unbox(hart.f[self.rs1]),
            unbox(hart.f[self.rs2]),
            unbox(hart.f[self.rs3]),
        );
        let v = rounded(hart, inst, |_| op(a, b, c))?;
        set_s(hart, self.rd, v)
    }

    #[inline(always)]
    fn d1(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u64) -> u64,
    ) -> Result<(), Exception> {
        let a = hart.f[self.rs1];
        let v = rounded(hart, inst, |_| op(a))?;
        set_d(hart, self.rd, v)
    }

    #[inline(always)]
    fn d2(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u64, u64) -> u64,
    ) -> Result<(), Exception> {
        let (a, b) = (hart.f[self.rs1], hart.f[self.rs2]);
        let v = rounded(hart, inst, |_| op(a, b))?;
        set_d(hart, self.rd, v)
    }

    #[inline(always)]
    fn d3(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u64, u64, u64) -> u64,
    ) -> Result<(), Exception> {
        let (a, b, c) = (hart.f[self.rs1], hart.f[self.rs2], hart.f[self.rs3]);
        let v = rounded(hart, inst, |_| op(a, b, c))?;
        set_d(hart, self.rd, v)
    }

    #[inline(always)]
    fn s_to_x(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u32, RoundingMode) -> u64,
    ) -> Result<(), Exception> {
        let a = unbox(hart.f[self.rs1]);
        let v = rounded(hart, inst, |rm| op(a, rm))?;
        set_x(hart, self.rd, v)
    }

    #[inline(always)]
    fn d_to_x(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u64, RoundingMode) -> u64,
    ) -> Result<(), Exception> {
        let a = hart.f[self.rs1];
        let v = rounded(hart, inst, |rm| op(a, rm))?;
        set_x(hart, self.rd, v)
    }

    #[inline(always)]
    fn x_to_s(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u64) -> u32,
    ) -> Result<(), Exception> {
        let a = hart.x[self.rs1];
        let v = rounded(hart, inst, |_| op(a))?;
        set_s(hart, self.rd, v)
    }

    #[inline(always)]
    fn x_to_d(
        self,
        hart: &mut Hart,
        inst: &Inst,
        op: impl FnOnce(u64) -> u64,
    ) -> Result<(), Exception> {
        let a = hart.x[self.rs1];
        let v = rounded(hart, inst, |_| op(a))?;
        set_d(hart, self.rd, v)
    }

    /// Operations on two singles that neither round nor raise flags.
    #[inline(always)]
    fn s_bits(self, hart: &mut Hart, op: impl FnOnce(u32, u32) -> u32) -> Result<(), Exception> {
        let v = op(unbox(hart.f[self.rs1]), unbox(hart.f[self.rs2]));
        set_s(hart, self.rd, v)
    }

    #[inline(always)]
    fn d_bits(self, hart: &mut Hart, op: impl FnOnce(u64, u64) -> u64) -> Result<(), Exception> {
        let v = op(hart.f[self.rs1], hart.f[self.rs2]);
        set_d(hart, self.rd, v)
    }

    /// Operations on two singles that do not round but may raise flags.
    #[inline(always)]
    fn s_bits_flags(
        self,
        hart: &mut Hart,
        op: impl FnOnce(u32, u32) -> (u32, u8),
    ) -> Result<(), Exception> {
        let (v, flags) = op(unbox(hart.f[self.rs1]), unbox(hart.f[self.rs2]));
        hart.fflags |= flags;
        set_s(hart, self.rd, v)
    }

    #[inline(always)]
    fn d_bits_flags(
        self,
        hart: &mut Hart,
        op: impl FnOnce(u64, u64) -> (u64, u8),
    ) -> Result<(), Exception> {
        let (v, flags) = op(hart.f[self.rs1], hart.f[self.rs2]);
        hart.fflags |= flags;
        set_d(hart, self.rd, v)
    }

    #[inline(always)]
    fn s_compare(
        self,
        hart: &mut Hart,
        op: impl FnOnce(u32, u32) -> (bool, u8),
    ) -> Result<(), Exception> {
        let (v, flags) = op(unbox(hart.f[self.rs1]), unbox(hart.f[self.rs2]));
        hart.fflags |= flags;
        set_x(hart, self.rd, v as u64)
    }

    #[inline(always)]
    fn d_compare(
        self,
        hart: &mut Hart,
        op: impl FnOnce(u64, u64) -> (bool, u8),
    ) -> Result<(), Exception> {
        let (v, flags) = op(hart.f[self.rs1], hart.f[self.rs2]);
        hart.fflags |= flags;
        set_x(hart, self.rd, v as u64)
    }
}

/// Run a SoftFloat operation under the instruction's rounding mode and
/// accrue the flags it raises. Fails, with nothing changed, when the
/// rounding mode is reserved.
#[inline(always)]
fn rounded<T>(
    hart: &mut Hart,
    inst: &Inst,
    op: impl FnOnce(RoundingMode) -> T,
) -> Result<T, Exception> {
    let rm = RoundingMode::resolve(inst.rm, hart.frm).ok_or(Exception::IllegalInstruction(0))?;
    let (v, flags) = sf::run(rm, || op(rm));
    hart.fflags |= flags;
    Ok(v)
}

#[inline(always)]
fn set_s(hart: &mut Hart, rd: usize, v: u32) -> Result<(), Exception> {
    hart.f[rd] = nan_box(v);
    Ok(())
}

#[inline(always)]
fn set_d(hart: &mut Hart, rd: usize, v: u64) -> Result<(), Exception> {
    hart.f[rd] = v;
    Ok(())
}

/// Integer results; writes to x0 are dropped.
#[inline(always)]
fn set_x(hart: &mut Hart, rd: usize, v: u64) -> Result<(), Exception> {
    if rd != 0 {
        hart.x[rd] = v;
    }
    Ok(())
}
