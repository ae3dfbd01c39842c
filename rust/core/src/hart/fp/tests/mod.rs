//! Unit tests for `hart::fp`: bit-exact results and flags per op group,
//! and a replay of the QEMU-generated vectors in `tests/fp_data`.

mod arith;
mod compare;
mod convert;
mod misc;
mod qemu;

use super::execute;
use crate::hart::Hart;
use crate::isa::{Inst, Op};
use std::fmt;

pub const RNE: u8 = 0;
pub const RTZ: u8 = 1;
pub const RDN: u8 = 2;
pub const RUP: u8 = 3;
pub const RMM: u8 = 4;
pub const DYN: u8 = 7;
/// The five valid modes, in encoding order.
pub const MODES: [u8; 5] = [RNE, RTZ, RDN, RUP, RMM];

pub use crate::hart::fflags::{DZ, NV, NX, OF, UF};

/// A result register's bits and the flags raised, printed in hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct R(pub u64, pub u8);

impl fmt::Debug for R {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R({:#x}, flags {:#04x})", self.0, self.1)
    }
}

/// The instruction under test: rd = 4, rs1..rs3 = 1..3.
pub fn inst(op: Op, rm: u8) -> Inst {
    Inst {
        op,
        rd: 4,
        rs1: 1,
        rs2: 2,
        rs3: 3,
        rm,
        len: 4,
        imm: 0,
    }
}

/// Run `op` on a fresh hart with f1..f3 = `f` and x1 = `x`; panic if it
/// traps. Returns the hart afterwards.
pub fn exec(op: Op, rm: u8, frm: u8, f: [u64; 3], x: u64) -> Hart {
    let mut hart = Hart::new();
    hart.frm = frm;
    hart.f[1..4].copy_from_slice(&f);
    hart.x[1] = x;
    execute(&mut hart, &inst(op, rm)).unwrap_or_else(|e| panic!("{op:?} rm={rm}: {e:?}"));
    hart
}

pub fn boxed(v: u32) -> u64 {
    0xffff_ffff_0000_0000 | v as u64
}

/// A single-precision op on boxed inputs; checks the result is boxed.
pub fn s(op: Op, rm: u8, a: u32, b: u32, c: u32) -> R {
    let h = exec(op, rm, RNE, [boxed(a), boxed(b), boxed(c)], 0);
    assert_eq!(
        h.f[4] >> 32,
        0xffff_ffff,
        "{op:?}: result not NaN-boxed: {:#x}",
        h.f[4]
    );
    R(h.f[4] & 0xffff_ffff, h.fflags)
}

/// A double-precision op.
pub fn d(op: Op, rm: u8, a: u64, b: u64, c: u64) -> R {
    let h = exec(op, rm, RNE, [a, b, c], 0);
    R(h.f[4], h.fflags)
}

/// An op reading f1 (raw register image) and writing x4.
pub fn to_x(op: Op, rm: u8, f1: u64) -> R {
    let h = exec(op, rm, RNE, [f1, 0, 0], 0);
    R(h.x[4], h.fflags)
}

/// An op reading x1 and writing f4 (raw register image).
pub fn from_x(op: Op, rm: u8, x1: u64) -> R {
    let h = exec(op, rm, RNE, [0; 3], x1);
    R(h.f[4], h.fflags)
}

/// Check `run(mode)` against `expected[i]` for each mode in `MODES`.
pub fn each_mode(what: &str, expected: [R; 5], run: impl Fn(u8) -> R) {
    for (rm, want) in MODES.into_iter().zip(expected) {
        assert_eq!(run(rm), want, "{what}, rm={rm}");
    }
}

// Frequently used bit patterns.
pub mod s {
    pub const ZERO: u32 = 0x0000_0000;
    pub const NEG_ZERO: u32 = 0x8000_0000;
    pub const ONE: u32 = 0x3f80_0000;
    pub const NEG_ONE: u32 = 0xbf80_0000;
    pub const TWO: u32 = 0x4000_0000;
    pub const THREE: u32 = 0x4040_0000;
    pub const HALF: u32 = 0x3f00_0000;
    pub const MAX: u32 = 0x7f7f_ffff;
    pub const MIN_NORMAL: u32 = 0x0080_0000;
    pub const MIN_SUB: u32 = 0x0000_0001;
    pub const INF: u32 = 0x7f80_0000;
    pub const NEG_INF: u32 = 0xff80_0000;
    pub const QNAN: u32 = 0x7fc0_0000;
    pub const SNAN: u32 = 0x7f80_0001;
}

pub mod d {
    pub const ZERO: u64 = 0;
    pub const NEG_ZERO: u64 = 0x8000_0000_0000_0000;
    pub const ONE: u64 = 0x3ff0_0000_0000_0000;
    pub const NEG_ONE: u64 = 0xbff0_0000_0000_0000;
    pub const TWO: u64 = 0x4000_0000_0000_0000;
    pub const THREE: u64 = 0x4008_0000_0000_0000;
    pub const HALF: u64 = 0x3fe0_0000_0000_0000;
    pub const MAX: u64 = 0x7fef_ffff_ffff_ffff;
    pub const MIN_NORMAL: u64 = 0x0010_0000_0000_0000;
    pub const MIN_SUB: u64 = 1;
    pub const INF: u64 = 0x7ff0_0000_0000_0000;
    pub const NEG_INF: u64 = 0xfff0_0000_0000_0000;
    pub const QNAN: u64 = 0x7ff8_0000_0000_0000;
    pub const SNAN: u64 = 0x7ff0_0000_0000_0001;
}
