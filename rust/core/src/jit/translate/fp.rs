//! Floating point in compiled code: the common cases as host instructions;
//! the reference (hart::fp) stays the only definition of the semantics.
//!
//! An inline fast path runs only where host IEEE 754 arithmetic provably
//! gives the reference's result and flags; otherwise the block leaves
//! before the instruction (exit SLOW, as on a TLB miss) and the interpreter
//! runs it from the unchanged registers. A shared exit, not a helper call
//! per instruction, keeps blocks small and cheap to compile; the cases that
//! take it are rare in FP code. Only fclass, static rounding modes other
//! than the inline ones and, on hosts without fma, the fused multiply-adds
//! call the helper (`helpers::fp`).
//!
//! Compiled code runs under the IEEE default environment (`jit::fpenv`),
//! so the host rounds to nearest even and keeps subnormals. For the
//! rounding operations the fast path requires:
//! - the rounding mode is RNE: a static rm of 0, or rm = DYN and frm = 0;
//! - singles are properly NaN-boxed (otherwise they read as a NaN);
//! - the result is finite and above the smallest normal number, so no NaN
//!   (NV), no overflow (OF) and no underflow (UF: RISC-V detects tininess
//!   after rounding, so a result equal to the smallest normal may be tiny;
//!   a sum is never tiny and inexact, so sums only need a normal result).
//!
//! Then the only flag the operation can raise is NX. Once NX is set in
//! fflags nothing more is needed (the common state of FP code); while it is
//! clear a cold block decides exactness with an error-free transformation:
//! TwoSum for sums, a fused multiply-add residual for products, quotients
//! and square roots (exact when the operands are not close to the
//! subnormal range, which the fast path also requires). The fused
//! multiply-adds have no cheap exact test: they take the fast path only
//! when NX is already set.
//!
//! Every f register, fflags and frm value loaded is kept for the rest of
//! the block; writes go through to the hart at once (unlike x registers,
//! which stay in variables until an exit: the helper gets them written
//! back first).
//! The fflags, frm and fcsr CSRs are read and written inline too.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{types, InstBuilder, MemFlags, Type, Value};

use super::{trusted, Tx, I64};
use crate::hart::fflags::NX;
use crate::hart::fp::RoundingMode;
use crate::isa::{csr, Inst, Op};
use crate::jit::context::{OFF_F, OFF_FFLAGS, OFF_FRM};
use crate::jit::{fpenv, helpers};

/// The upper half of an f register holding a properly NaN-boxed single.
const BOX: u64 = 0xffff_ffff_0000_0000;
/// The canonical NaN of binary32, boxed: what an improperly boxed single reads as.
const BOXED_CANONICAL_NAN: u64 = BOX | 0x7fc0_0000;
/// rm values (F chapter, "Floating-Point Control and Status Register").
const RNE: u8 = 0;
const RTZ: u8 = 1;
const DYN: u8 = 7;
/// `frm` values below this are rounding modes; the rest are reserved.
const MODES: i64 = 5;

// The inexact test's boolean is or-ed into fflags as it is.
const _: () = assert!(NX == 1);

/// What compiled code knows of the floating-point state within a block:
/// the f registers and fcsr fields already loaded or written.
pub(super) struct FpCache {
    f: [Option<Value>; 32],
    fflags: Option<Value>,
    frm: Option<Value>,
    /// The condition frm = RNE (the common dynamic rounding mode).
    frm_rne: Option<Value>,
    /// The host has a fused multiply-add instruction (Cranelift would
    /// otherwise call libm, which compiled code cannot relocate).
    native_fma: bool,
}

impl FpCache {
    pub(super) fn new(native_fma: bool) -> Self {
        FpCache { f: [None; 32], fflags: None, frm: None, frm_rne: None, native_fma }
    }

    /// Forget every cached value: a guest block entered from several
    /// places (in a region) loads them afresh.
    pub(super) fn forget_all(&mut self) {
        *self = FpCache::new(self.native_fma);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Fmt {
    S,
    D,
}

impl Fmt {
    fn ty(self) -> Type {
        match self {
            Fmt::S => types::F32,
            Fmt::D => types::F64,
        }
    }

    fn exp_bits(self) -> u32 {
        match self {
            Fmt::S => 8,
            Fmt::D => 11,
        }
    }

    /// Significand bits, the hidden one included.
    fn precision(self) -> u64 {
        match self {
            Fmt::S => 24,
            Fmt::D => 53,
        }
    }

    /// The biased exponent of infinities and NaNs.
    fn exp_max(self) -> u64 {
        (1 << self.exp_bits()) - 1
    }

    /// Left shift of an f register that leaves the magnitude (box and sign
    /// shifted out) with the exponent field on top: magnitudes then
    /// compare as unsigned integers.
    fn mag_shift(self) -> i64 {
        match self {
            Fmt::S => 33,
            Fmt::D => 1,
        }
    }

    /// The magnitude (as `mag_shift` leaves it) of 2^(e - bias).
    fn mag_at(self, e: u64) -> u64 {
        e << (64 - self.exp_bits())
    }

    /// Left shift of an f register that leaves the sign on top.
    fn signed_shift(self) -> i64 {
        match self {
            Fmt::S => 32,
            Fmt::D => 0,
        }
    }

    /// The value (as `signed_shift` leaves it) of +2^(e - bias).
    fn signed_at(self, e: u64) -> u64 {
        e << (63 - self.exp_bits())
    }
}

/// An f register operand: raw bits, the host float and, for singles, the
/// condition that it is properly NaN-boxed.
struct Operand {
    bits: Value,
    float: Value,
    boxed: Option<Value>,
}

/// Where the instruction's result goes.
#[derive(Clone, Copy)]
enum Dest {
    F(u8),
    X(u8),
}

/// How the fast path settles the inexact flag.
#[derive(Clone, Copy)]
enum Rounding {
    /// The fast path never rounds.
    Exact,
    /// No exactness test at hand: the fast path runs only when NX is set.
    NxAlreadySet,
    /// `s` is `a + b` (or `a - b`) rounded.
    Sum { a: Value, b: Value, s: Value, sub: bool },
    /// `p` is `a * b` rounded.
    Product { a: Value, b: Value, p: Value },
    /// `q` is `a / b` rounded.
    Quotient { a: Value, b: Value, q: Value },
    /// `r` is the square root of `a` rounded.
    Root { a: Value, r: Value },
    /// `r` is the double `a` rounded to a single.
    Narrowed { a: Value, r: Value },
    /// The integer `n` is the double `a` truncated.
    Truncated { a: Value, n: Value, unsigned: bool },
}

impl Rounding {
    fn needs_fma(self) -> bool {
        matches!(self, Rounding::Product { .. } | Rounding::Quotient { .. } | Rounding::Root { .. })
    }
}

impl Tx<'_, '_> {
    /// The raw 64 bits of f register `r`.
    pub(super) fn get_f(&mut self, r: u8) -> Value {
        if let Some(v) = self.fp.f[r as usize] {
            return v;
        }
        let v = self.b.ins().load(I64, trusted(), self.hart, OFF_F + 8 * r as i32);
        self.fp.f[r as usize] = Some(v);
        v
    }

    /// Write f register `r` (raw bits; singles already boxed).
    pub(super) fn set_f(&mut self, r: u8, v: Value) {
        self.fp.f[r as usize] = Some(v);
        self.b.ins().store(trusted(), v, self.hart, OFF_F + 8 * r as i32);
    }

    /// Translate one floating-point compute instruction
    /// (`Op::is_fp_compute`), instruction `i` of the block at `pc`.
    pub(super) fn fp_compute(&mut self, i: usize, pc: u64, inst: &Inst) {
        if !(fpenv::CONTROLLED && self.fp_inline(i, pc, inst)) {
            self.fp_by_helper(i, pc, inst);
        }
    }

    /// A Zicsr instruction on fflags, frm or fcsr (the only CSRs compiled
    /// code reaches: `translate::supported`), as `interp::csr` executes
    /// it. These CSRs always exist, so it never faults.
    pub(super) fn fp_csr(&mut self, inst: &Inst) {
        use Op::*;
        let num = (inst.imm as u32 & 0xfff) as u16;
        let old = match num {
            csr::FFLAGS => self.fflags(),
            csr::FRM => self.frm(),
            _ => {
                let frm = self.frm();
                let high = self.b.ins().ishl_imm(frm, 5);
                let fl = self.fflags();
                self.b.ins().bor(high, fl)
            }
        };
        // csrrs/csrrc with rs1 = x0 (or uimm = 0) do not write.
        if matches!(inst.op, Csrrw | Csrrwi) || inst.rs1 != 0 {
            let operand = match inst.op {
                Csrrwi | Csrrsi | Csrrci => self.b.ins().iconst(I64, inst.rs1 as i64),
                _ => self.get(inst.rs1),
            };
            let new = match inst.op {
                Csrrw | Csrrwi => operand,
                Csrrs | Csrrsi => self.b.ins().bor(old, operand),
                _ => {
                    let keep = self.b.ins().bnot(operand);
                    self.b.ins().band(old, keep)
                }
            };
            match num {
                csr::FFLAGS => self.write_fflags(new),
                csr::FRM => self.write_frm(new),
                _ => {
                    self.write_fflags(new);
                    let frm = self.b.ins().ushr_imm(new, 5);
                    self.write_frm(frm);
                }
            }
        }
        self.set(inst.rd, old);
    }

    /// fflags = the low 5 bits of `v`.
    fn write_fflags(&mut self, v: Value) {
        let v = self.b.ins().band_imm(v, 0x1f);
        self.b.ins().istore8(trusted(), v, self.hart, OFF_FFLAGS);
        self.fp.fflags = Some(v);
    }

    /// frm = the low 3 bits of `v`.
    fn write_frm(&mut self, v: Value) {
        let v = self.b.ins().band_imm(v, 7);
        self.b.ins().istore8(trusted(), v, self.hart, OFF_FRM);
        self.fp.frm = Some(v);
        self.fp.frm_rne = None;
    }

    /// The instruction through the helper alone.
    fn fp_by_helper(&mut self, i: usize, pc: u64, inst: &Inst) {
        // The helper reads integer operands from the hart.
        self.write_back();
        let p = self.b.ins().iconst(I64, inst as *const Inst as i64);
        let ctx = self.ctx;
        self.call_helper(helpers::fp as *const () as usize, &[I64, I64], I64, &[ctx, p]);
        let ok = self.b.create_block();
        self.check_fault(i, pc, ok);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
        // Only the destination and fflags can have changed.
        self.reload(inst.rd);
        self.fp.f[inst.rd as usize] = None;
        self.fp.fflags = None;
    }

    /// Emit `inst` with an inline fast path; false, with nothing emitted,
    /// when it has none (for this op or this static rounding mode).
    fn fp_inline(&mut self, i: usize, pc: u64, inst: &Inst) -> bool {
        use Op::*;
        match inst.op {
            FaddS | FsubS | FmulS | FdivS => self.fp_arith(i, pc, inst, Fmt::S),
            FaddD | FsubD | FmulD | FdivD => self.fp_arith(i, pc, inst, Fmt::D),
            FsqrtS => self.fp_sqrt(i, pc, inst, Fmt::S),
            FsqrtD => self.fp_sqrt(i, pc, inst, Fmt::D),
            FmaddS | FmsubS | FnmsubS | FnmaddS => self.fp_fused(i, pc, inst, Fmt::S),
            FmaddD | FmsubD | FnmsubD | FnmaddD => self.fp_fused(i, pc, inst, Fmt::D),
            FsgnjS | FsgnjnS | FsgnjxS => self.fp_sign(inst, Fmt::S),
            FsgnjD | FsgnjnD | FsgnjxD => self.fp_sign(inst, Fmt::D),
            FminS | FmaxS => self.fp_min_max(i, pc, inst, Fmt::S),
            FminD | FmaxD => self.fp_min_max(i, pc, inst, Fmt::D),
            FeqS | FltS | FleS => self.fp_compare(i, pc, inst, Fmt::S),
            FeqD | FltD | FleD => self.fp_compare(i, pc, inst, Fmt::D),
            FmvXW | FmvWX | FmvXD | FmvDX => self.fp_move(inst),
            FcvtDS => self.fp_widen(i, pc, inst),
            FcvtSD => self.fp_narrow(i, pc, inst),
            FcvtSW | FcvtSWu | FcvtSL | FcvtSLu => self.fp_from_int(i, pc, inst, Fmt::S),
            FcvtDW | FcvtDWu | FcvtDL | FcvtDLu => self.fp_from_int(i, pc, inst, Fmt::D),
            FcvtWS | FcvtWuS | FcvtLS | FcvtLuS => self.fp_to_int(i, pc, inst, Fmt::S),
            FcvtWD | FcvtWuD | FcvtLD | FcvtLuD => self.fp_to_int(i, pc, inst, Fmt::D),
            // fclass is rare in hot code.
            _ => false,
        }
    }

    /// fadd, fsub, fmul, fdiv.
    fn fp_arith(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        use Op::*;
        let Some(mode) = self.rounds_by(inst, RNE) else { return false };
        let a = self.operand(fmt, inst.rs1);
        let b = self.operand(fmt, inst.rs2);
        let mut ok = self.all(&[mode, a.boxed, b.boxed]);
        let (x, y) = (a.float, b.float);
        let ins = self.b.ins();
        let (r, test) = match inst.op {
            FaddS | FaddD => {
                let s = ins.fadd(x, y);
                (s, Rounding::Sum { a: x, b: y, s, sub: false })
            }
            FsubS | FsubD => {
                let s = ins.fsub(x, y);
                (s, Rounding::Sum { a: x, b: y, s, sub: true })
            }
            FmulS | FmulD => {
                let p = ins.fmul(x, y);
                (p, Rounding::Product { a: x, b: y, p })
            }
            _ => {
                let q = ins.fdiv(x, y);
                (q, Rounding::Quotient { a: x, b: y, q })
            }
        };
        let how = self.exactness(test);
        let bits = self.result_bits(fmt, r);
        let lowest = match how {
            // Sums never underflow inexactly: any normal result will do.
            Rounding::Sum { .. } => 1,
            // The residual a*b - p is exact when the product is at least
            // 2^(emin+p+1): then the operands' last bits weigh at least
            // the smallest subnormal.
            Rounding::Product { .. } => fmt.precision() + 2,
            // Strictly above the smallest normal: not tiny.
            _ => 2,
        };
        let m = self.mag(fmt, bits);
        let c = self.in_range(m, fmt.mag_at(lowest), fmt.mag_at(fmt.exp_max()));
        ok = self.both(ok, c);
        if let Rounding::Quotient { .. } = how {
            // The remainder a - q*b is exact when the dividend is at least
            // 2^(emin+p+1) (same reasoning as for products).
            let ma = self.mag(fmt, a.bits);
            let c = self.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, ma, fmt.mag_at(fmt.precision() + 2) as i64);
            ok = self.both(ok, c);
        }
        self.fp_finish(i, pc, ok, bits, Dest::F(inst.rd), how);
        true
    }

    /// fsqrt: positive, finite, normal operands have a normal root.
    fn fp_sqrt(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        let Some(mode) = self.rounds_by(inst, RNE) else { return false };
        let a = self.operand(fmt, inst.rs1);
        let mut ok = self.all(&[mode, a.boxed]);
        let r = self.b.ins().sqrt(a.float);
        let how = self.exactness(Rounding::Root { a: a.float, r });
        // The residual a - r*r is exact when a is at least 2^(emin+p+2).
        let lowest = if let Rounding::Root { .. } = how { fmt.precision() + 3 } else { 1 };
        let signed = self.signed(fmt, a.bits);
        let c = self.in_range(signed, fmt.signed_at(lowest), fmt.signed_at(fmt.exp_max()));
        ok = self.both(ok, c);
        let bits = self.result_bits(fmt, r);
        self.fp_finish(i, pc, ok, bits, Dest::F(inst.rd), how);
        true
    }

    /// fmadd, fmsub, fnmsub, fnmadd: one host fma; the negated forms negate
    /// the product and/or the addend as the reference does.
    fn fp_fused(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        use Op::*;
        if !self.fp.native_fma {
            return false;
        }
        let Some(mode) = self.rounds_by(inst, RNE) else { return false };
        let a = self.operand(fmt, inst.rs1);
        let b = self.operand(fmt, inst.rs2);
        let c = self.operand(fmt, inst.rs3);
        let mut ok = self.all(&[mode, a.boxed, b.boxed, c.boxed]);
        let (neg_product, neg_addend) = match inst.op {
            FmaddS | FmaddD => (false, false),
            FmsubS | FmsubD => (false, true),
            FnmsubS | FnmsubD => (true, false),
            _ => (true, true),
        };
        let ins = self.b.ins();
        let x = if neg_product { ins.fneg(a.float) } else { a.float };
        let z = if neg_addend { self.b.ins().fneg(c.float) } else { c.float };
        let r = self.b.ins().fma(x, b.float, z);
        let bits = self.result_bits(fmt, r);
        let m = self.mag(fmt, bits);
        let range = self.in_range(m, fmt.mag_at(2), fmt.mag_at(fmt.exp_max()));
        ok = self.both(ok, range);
        self.fp_finish(i, pc, ok, bits, Dest::F(inst.rd), Rounding::NxAlreadySet);
        true
    }

    /// fsgnj, fsgnjn, fsgnjx: bits only, no flags, rm ignored.
    fn fp_sign(&mut self, inst: &Inst, fmt: Fmt) -> bool {
        use Op::*;
        let (a, b) = (self.get_f(inst.rs1), self.get_f(inst.rs2));
        let (a, b, sign) = match fmt {
            Fmt::S => (self.unboxed(a), self.unboxed(b), 1u64 << 31),
            Fmt::D => (a, b, 1u64 << 63),
        };
        // Only the sign bit of b is used, so boxed singles stay boxed.
        let sign_of_b = match inst.op {
            FsgnjnS | FsgnjnD => self.b.ins().bnot(b),
            _ => b,
        };
        let s = self.b.ins().band_imm(sign_of_b, sign as i64);
        let v = match inst.op {
            FsgnjxS | FsgnjxD => self.b.ins().bxor(a, s),
            _ => {
                let mag = self.b.ins().band_imm(a, !sign as i64);
                self.b.ins().bor(mag, s)
            }
        };
        self.set_f(inst.rd, v);
        true
    }

    /// fmin, fmax on ordered operands (NaNs, which may raise NV, go to the
    /// helper): -0 is below +0.
    fn fp_min_max(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        let a = self.operand(fmt, inst.rs1);
        let b = self.operand(fmt, inst.rs2);
        let ordered = self.b.ins().fcmp(FloatCC::Ordered, a.float, b.float);
        let ok = self.all(&[Some(ordered), a.boxed, b.boxed]);
        let min = matches!(inst.op, Op::FminS | Op::FminD);
        let ins = self.b.ins();
        let (lt, signer) = if min {
            (ins.fcmp(FloatCC::LessThan, a.float, b.float), a.bits)
        } else {
            (ins.fcmp(FloatCC::LessThan, b.float, a.float), b.bits)
        };
        let eq = self.b.ins().fcmp(FloatCC::Equal, a.float, b.float);
        let signed = self.signed(fmt, signer);
        let negative = self.b.ins().icmp_imm(IntCC::SignedLessThan, signed, 0);
        let tie = self.b.ins().band(eq, negative);
        let pick_a = self.b.ins().bor(lt, tie);
        let v = self.b.ins().select(pick_a, a.bits, b.bits);
        self.fp_finish(i, pc, ok, v, Dest::F(inst.rd), Rounding::Exact);
        true
    }

    /// feq, flt, fle on ordered operands (NaNs raise NV by rules of their
    /// own: the helper).
    fn fp_compare(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        use Op::*;
        let a = self.operand(fmt, inst.rs1);
        let b = self.operand(fmt, inst.rs2);
        let ordered = self.b.ins().fcmp(FloatCC::Ordered, a.float, b.float);
        let ok = self.all(&[Some(ordered), a.boxed, b.boxed]);
        let cc = match inst.op {
            FeqS | FeqD => FloatCC::Equal,
            FltS | FltD => FloatCC::LessThan,
            _ => FloatCC::LessThanOrEqual,
        };
        let c = self.b.ins().fcmp(cc, a.float, b.float);
        let v = self.b.ins().uextend(I64, c);
        self.fp_finish(i, pc, ok, v, Dest::X(inst.rd), Rounding::Exact);
        true
    }

    /// fmv.x.w, fmv.w.x, fmv.x.d, fmv.d.x: bits unchanged; fmv.x.w
    /// sign-extends the low word whatever the boxing, fmv.w.x boxes.
    fn fp_move(&mut self, inst: &Inst) -> bool {
        match inst.op {
            Op::FmvXD => {
                let v = self.get_f(inst.rs1);
                self.set(inst.rd, v);
            }
            Op::FmvDX => {
                let v = self.get(inst.rs1);
                self.set_f(inst.rd, v);
            }
            Op::FmvXW => {
                let v = self.get_f(inst.rs1);
                let v = self.sext32(v);
                self.set(inst.rd, v);
            }
            _ => {
                let v = self.get(inst.rs1);
                let v = self.b.ins().bor_imm(v, BOX as i64);
                self.set_f(inst.rd, v);
            }
        }
        true
    }

    /// fcvt.d.s: exact for every single but a NaN.
    fn fp_widen(&mut self, i: usize, pc: u64, inst: &Inst) -> bool {
        let Some(legal) = self.rm_legal(inst) else { return false };
        let a = self.operand(Fmt::S, inst.rs1);
        let m = self.mag(Fmt::S, a.bits);
        let not_nan = self.b.ins().icmp_imm(IntCC::UnsignedLessThanOrEqual, m, Fmt::S.mag_at(Fmt::S.exp_max()) as i64);
        let ok = self.all(&[legal, a.boxed, Some(not_nan)]);
        let r = self.b.ins().fpromote(types::F64, a.float);
        let bits = self.result_bits(Fmt::D, r);
        self.fp_finish(i, pc, ok, bits, Dest::F(inst.rd), Rounding::Exact);
        true
    }

    /// fcvt.s.d.
    fn fp_narrow(&mut self, i: usize, pc: u64, inst: &Inst) -> bool {
        let Some(mode) = self.rounds_by(inst, RNE) else { return false };
        let a = self.operand(Fmt::D, inst.rs1);
        let r = self.b.ins().fdemote(types::F32, a.float);
        let bits = self.result_bits(Fmt::S, r);
        let m = self.mag(Fmt::S, bits);
        let range = self.in_range(m, Fmt::S.mag_at(2), Fmt::S.mag_at(Fmt::S.exp_max()));
        let ok = self.all(&[mode, Some(range)]);
        let how = self.exactness(Rounding::Narrowed { a: a.float, r });
        self.fp_finish(i, pc, ok, bits, Dest::F(inst.rd), how);
        true
    }

    /// fcvt.{s,d}.{w,wu,l,lu}: inline when the integer is exactly
    /// representable (always, for a word to a double), under any mode.
    fn fp_from_int(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        use Op::*;
        let Some(legal) = self.rm_legal(inst) else { return false };
        let x = self.get(inst.rs1);
        let (v, signed, word) = match inst.op {
            FcvtSW | FcvtDW => (self.sext32(x), true, true),
            FcvtSWu | FcvtDWu => (self.b.ins().band_imm(x, 0xffff_ffff), false, true),
            FcvtSL | FcvtDL => (x, true, false),
            _ => (x, false, false),
        };
        let limit = 1i64 << fmt.precision();
        let exact = if word && fmt == Fmt::D {
            None
        } else if signed {
            let shifted = self.b.ins().iadd_imm(v, limit);
            Some(self.b.ins().icmp_imm(IntCC::UnsignedLessThanOrEqual, shifted, 2 * limit))
        } else {
            Some(self.b.ins().icmp_imm(IntCC::UnsignedLessThanOrEqual, v, limit))
        };
        let ok = self.all(&[legal, exact]);
        // In range, unsigned sources are below 2^63: a signed conversion.
        let r = self.b.ins().fcvt_from_sint(fmt.ty(), v);
        let bits = self.result_bits(fmt, r);
        self.fp_finish(i, pc, ok, bits, Dest::F(inst.rd), Rounding::Exact);
        true
    }

    /// fcvt.{w,wu,l,lu}.{s,d} rounding towards zero (what C casts compile
    /// to) of operands whose truncation is in range; NaNs and the rest
    /// (NV, saturation) go to the helper.
    fn fp_to_int(&mut self, i: usize, pc: u64, inst: &Inst, fmt: Fmt) -> bool {
        use Op::*;
        let Some(mode) = self.rounds_by(inst, RTZ) else { return false };
        let a = self.operand(fmt, inst.rs1);
        // Singles widen exactly; the bounds and the conversion then work on doubles.
        let x = if fmt == Fmt::S { self.b.ins().fpromote(types::F64, a.float) } else { a.float };
        let two = |e: i32| 2f64.powi(e);
        // Exclusive bounds: the truncation is in range strictly between them.
        let (lo, hi) = match inst.op {
            FcvtWS | FcvtWD => (-two(31) - 1.0, two(31)),
            FcvtLS | FcvtLD => (-two(63) - 2048.0, two(63)),
            FcvtWuS | FcvtWuD => (-1.0, two(32)),
            _ => (-1.0, two(64)),
        };
        let unsigned = matches!(inst.op, FcvtLuS | FcvtLuD);
        let lo = self.b.ins().f64const(Ieee64::with_bits(lo.to_bits()));
        let hi = self.b.ins().f64const(Ieee64::with_bits(hi.to_bits()));
        let above = self.b.ins().fcmp(FloatCC::GreaterThan, x, lo);
        let below = self.b.ins().fcmp(FloatCC::LessThan, x, hi);
        let ok = self.all(&[mode, a.boxed, Some(above), Some(below)]);
        let n = if unsigned {
            self.b.ins().fcvt_to_uint_sat(I64, x)
        } else {
            self.b.ins().fcvt_to_sint_sat(I64, x)
        };
        // 32-bit results, fcvt.wu's included, are sign-extended.
        let v = if matches!(inst.op, FcvtWuS | FcvtWuD) { self.sext32(n) } else { n };
        let how = Rounding::Truncated { a: x, n, unsigned };
        self.fp_finish(i, pc, ok, v, Dest::X(inst.rd), how);
        true
    }

    /// The end of an instruction with a fast path: leave for the
    /// interpreter unless `ok` (None: always fast); on the fast path, whose
    /// result is `result`, settle NX as `how` says and write the result.
    fn fp_finish(&mut self, i: usize, pc: u64, ok: Option<Value>, result: Value, dest: Dest, how: Rounding) {
        let ok = match how {
            Rounding::NxAlreadySet => {
                let fl = self.fflags();
                let nx = self.b.ins().band_imm(fl, NX as i64);
                let set = self.b.ins().icmp_imm(IntCC::NotEqual, nx, 0);
                self.both(ok, set)
            }
            _ => ok,
        };
        if let Some(ok) = ok {
            let fast = self.b.create_block();
            self.miss_exit(i, pc, ok, fast);
        }
        if !matches!(how, Rounding::Exact | Rounding::NxAlreadySet) {
            let fl = self.fflags();
            let (check, done) = (self.b.create_block(), self.b.create_block());
            self.b.set_cold_block(check);
            self.b.append_block_param(done, I64);
            let nx = self.b.ins().band_imm(fl, NX as i64);
            self.b.ins().brif(nx, done, &[fl.into()], check, &[]);
            self.b.switch_to_block(check);
            self.b.seal_block(check);
            let inexact = self.inexact(how);
            let bit = self.b.ins().uextend(I64, inexact);
            let raised = self.b.ins().bor(fl, bit);
            self.b.ins().istore8(trusted(), raised, self.hart, OFF_FFLAGS);
            self.b.ins().jump(done, &[raised.into()]);
            self.b.switch_to_block(done);
            self.b.seal_block(done);
            self.fp.fflags = Some(self.b.block_params(done)[0]);
        }
        match dest {
            Dest::F(rd) => self.set_f(rd, result),
            Dest::X(rd) => self.set(rd, result),
        }
    }

    /// `test`, or NxAlreadySet when it needs an fma the host lacks.
    fn exactness(&self, test: Rounding) -> Rounding {
        if test.needs_fma() && !self.fp.native_fma {
            Rounding::NxAlreadySet
        } else {
            test
        }
    }

    /// Whether the fast path's result was rounded (an i8 boolean).
    fn inexact(&mut self, test: Rounding) -> Value {
        let ins = self.b.ins();
        match test {
            Rounding::Sum { a, b, s, sub } => {
                // TwoSum (Knuth): (a - (s - bb)) + (b - bb), bb = s - a, is
                // exactly a + b - s, with no overflow when s is finite
                // (Boldo, Graillat, Muller 2017).
                let b = if sub { ins.fneg(b) } else { b };
                let bb = self.b.ins().fsub(s, a);
                let ab = self.b.ins().fsub(s, bb);
                let da = self.b.ins().fsub(a, ab);
                let db = self.b.ins().fsub(b, bb);
                let err = self.b.ins().fadd(da, db);
                self.nonzero(err)
            }
            Rounding::Product { a, b, p } => {
                let np = ins.fneg(p);
                let err = self.b.ins().fma(a, b, np);
                self.nonzero(err)
            }
            Rounding::Quotient { a, b, q } => {
                let nq = ins.fneg(q);
                let err = self.b.ins().fma(nq, b, a);
                self.nonzero(err)
            }
            Rounding::Root { a, r } => {
                let nr = ins.fneg(r);
                let err = self.b.ins().fma(nr, r, a);
                self.nonzero(err)
            }
            Rounding::Narrowed { a, r } => {
                let back = ins.fpromote(types::F64, r);
                self.b.ins().fcmp(FloatCC::NotEqual, back, a)
            }
            Rounding::Truncated { a, n, unsigned } => {
                // Every truncation of a double converts back exactly.
                let back = if unsigned { ins.fcvt_from_uint(types::F64, n) } else { ins.fcvt_from_sint(types::F64, n) };
                self.b.ins().fcmp(FloatCC::NotEqual, back, a)
            }
            Rounding::Exact | Rounding::NxAlreadySet => unreachable!("fp_finish tests no other rounding"),
        }
    }

    fn nonzero(&mut self, v: Value) -> Value {
        let zero = if self.b.func.dfg.value_type(v) == types::F32 {
            self.b.ins().f32const(Ieee32::with_bits(0))
        } else {
            self.b.ins().f64const(Ieee64::with_bits(0))
        };
        self.b.ins().fcmp(FloatCC::NotEqual, v, zero)
    }

    /// f register `r` as an operand of format `fmt`.
    fn operand(&mut self, fmt: Fmt, r: u8) -> Operand {
        let bits = self.get_f(r);
        match fmt {
            Fmt::D => {
                let float = self.b.ins().bitcast(types::F64, MemFlags::new(), bits);
                Operand { bits, float, boxed: None }
            }
            Fmt::S => {
                let boxed = self.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, bits, BOX as i64);
                let low = self.b.ins().ireduce(types::I32, bits);
                let float = self.b.ins().bitcast(types::F32, MemFlags::new(), low);
                Operand { bits, float, boxed: Some(boxed) }
            }
        }
    }

    /// A single as the reference reads it: improperly boxed values are
    /// the canonical NaN (the result stays boxed).
    fn unboxed(&mut self, bits: Value) -> Value {
        let boxed = self.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, bits, BOX as i64);
        let nan = self.b.ins().iconst(I64, BOXED_CANONICAL_NAN as i64);
        self.b.ins().select(boxed, bits, nan)
    }

    /// The f register contents for the host float `v` of format `fmt`.
    fn result_bits(&mut self, fmt: Fmt, v: Value) -> Value {
        match fmt {
            Fmt::D => self.b.ins().bitcast(I64, MemFlags::new(), v),
            Fmt::S => {
                let w = self.b.ins().bitcast(types::I32, MemFlags::new(), v);
                let w = self.b.ins().uextend(I64, w);
                self.b.ins().bor_imm(w, BOX as i64)
            }
        }
    }

    fn mag(&mut self, fmt: Fmt, bits: Value) -> Value {
        self.b.ins().ishl_imm(bits, fmt.mag_shift())
    }

    fn signed(&mut self, fmt: Fmt, bits: Value) -> Value {
        match fmt.signed_shift() {
            0 => bits,
            s => self.b.ins().ishl_imm(bits, s),
        }
    }

    /// lo <= v < hi, unsigned.
    fn in_range(&mut self, v: Value, lo: u64, hi: u64) -> Value {
        let d = self.b.ins().iadd_imm(v, lo.wrapping_neg() as i64);
        self.b.ins().icmp_imm(IntCC::UnsignedLessThan, d, hi.wrapping_sub(lo) as i64)
    }

    fn both(&mut self, a: Option<Value>, b: Value) -> Option<Value> {
        Some(match a {
            None => b,
            Some(a) => self.b.ins().band(a, b),
        })
    }

    /// The conjunction of the conditions given (None: none).
    fn all(&mut self, conds: &[Option<Value>]) -> Option<Value> {
        let mut acc = None;
        for &c in conds.iter().flatten() {
            acc = self.both(acc, c);
        }
        acc
    }

    /// When `inst` rounds by `mode`: Some(None) if its rm says so
    /// statically, Some(condition on frm) if rm is dynamic, None if never.
    fn rounds_by(&mut self, inst: &Inst, mode: u8) -> Option<Option<Value>> {
        match inst.rm {
            DYN if mode == RNE => {
                if self.fp.frm_rne.is_none() {
                    let frm = self.frm();
                    self.fp.frm_rne = Some(self.b.ins().icmp_imm(IntCC::Equal, frm, RNE as i64));
                }
                Some(self.fp.frm_rne)
            }
            DYN => {
                let frm = self.frm();
                Some(Some(self.b.ins().icmp_imm(IntCC::Equal, frm, mode as i64)))
            }
            rm if rm == mode => Some(None),
            _ => None,
        }
    }

    /// When `inst`'s rounding mode is legal (reserved modes make it an
    /// illegal instruction, which the helper raises), as `rounds_by`.
    fn rm_legal(&mut self, inst: &Inst) -> Option<Option<Value>> {
        match inst.rm {
            DYN => {
                let frm = self.frm();
                Some(Some(self.b.ins().icmp_imm(IntCC::UnsignedLessThan, frm, MODES)))
            }
            rm => RoundingMode::from_bits(rm).map(|_| None),
        }
    }

    fn fflags(&mut self) -> Value {
        if let Some(v) = self.fp.fflags {
            return v;
        }
        let v = self.b.ins().uload8(I64, trusted(), self.hart, OFF_FFLAGS);
        self.fp.fflags = Some(v);
        v
    }

    fn frm(&mut self) -> Value {
        if let Some(v) = self.fp.frm {
            return v;
        }
        let v = self.b.ins().uload8(I64, trusted(), self.hart, OFF_FRM);
        self.fp.frm = Some(v);
        v
    }
}
