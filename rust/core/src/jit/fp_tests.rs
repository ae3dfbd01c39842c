//! Differential tests of floating point in compiled code: random blocks of
//! F and D instructions on special and random operands, under every static
//! rm and every frm, with NX set and clear, run by the interpreter and by
//! compiled code from the same state, must leave identical x and f
//! registers, fcsr, pc, memory, exit and retired count.

use super::context::exit;
use super::tests::{assert_same_exit, data, finish_in_interpreter, random_data, run_jit, Rng, CODE, DATA};
use super::Jit;
use crate::engine::block::Block;
use crate::hart::Hart;
use crate::interp::run_block;
use crate::isa::{Inst, Op};
use crate::mem::{Memory, Perms};

const BOX: u64 = 0xffff_ffff_0000_0000;

/// Doubles on the edges: zeros, infinities, NaNs (quiet, signalling, with
/// payload), subnormals, the normal range's ends, the thresholds of the
/// inline fast paths, integer conversion bounds, halfway cases.
const SPECIAL_D: &[f64] = &[
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, 0.1, -0.75, 0.999_999_999,
    f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN, f64::MIN_POSITIVE, -f64::MIN_POSITIVE,
    2147483648.0, -2147483648.0, -2147483649.0, -2147483648.5, 2147483647.5, 4294967296.0, 4294967295.5,
    9007199254740992.0, 9007199254740993.0, 9223372036854775808.0, -9223372036854775808.0,
    18446744073709551616.0, 18446744073709549568.0, 1e308, -1e-308, 1e-300, 1e300,
];
const SPECIAL_D_BITS: &[u64] = &[
    0x7ff8_0000_0000_0000, 0x7ff0_0000_0000_0001, 0xfff8_0000_0000_0123, 0x7ff4_0000_0000_0000,
    1, 0x8000_0000_0000_0001, 0x000f_ffff_ffff_ffff, 0x0010_0000_0000_0001, 0x7fef_ffff_ffff_ffff,
];
const SPECIAL_S: &[f32] = &[
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, 3.0, 0.1, -0.75, 16777216.0, 16777217.0,
    f32::INFINITY, f32::NEG_INFINITY, f32::MAX, f32::MIN, f32::MIN_POSITIVE, -f32::MIN_POSITIVE,
    2147483648.0, -2147483648.0, 4294967296.0, 9223372036854775808.0, -9223372036854775808.0,
    18446744073709551616.0, 1e38, 1e-38,
];
const SPECIAL_S_BITS: &[u32] = &[0x7fc0_0000, 0x7f80_0001, 0xffc0_0123, 0x7fa0_0000, 1, 0x8000_0001, 0x007f_ffff, 0x0080_0001];
const SPECIAL_X: &[u64] = &[
    0, 1, u64::MAX, 2, 3, 1 << 24, (1 << 24) + 1, (1 << 24) - 1, (-(1i64 << 24)) as u64, (-(1i64 << 24) - 1) as u64,
    1 << 53, (1 << 53) + 1, (-(1i64 << 53)) as u64, (-(1i64 << 53) - 1) as u64, i64::MIN as u64, i64::MAX as u64,
    0xffff_ffff, 0x8000_0000, 0x7fff_ffff, 0xffff_ffff_8000_0000, 0x1234_5678_0100_0001,
];

fn pick<T: Copy>(r: &mut Rng, v: &[T]) -> T {
    v[r.below(v.len() as u64) as usize]
}

/// A random float of `exp_bits`/`frac_bits` with its biased exponent in
/// `lo..hi` and the low `drop` fraction bits clear (so that results are
/// sometimes exact).
fn float_bits(r: &mut Rng, exp_bits: u32, frac_bits: u32, lo: u64, hi: u64) -> u64 {
    let sign = r.below(2) << (exp_bits + frac_bits);
    let exp = lo + r.below(hi - lo);
    let drop = [0, frac_bits - 3, frac_bits - 10, frac_bits / 2][r.below(4) as usize];
    let frac = (r.next() & ((1 << frac_bits) - 1)) >> drop << drop;
    sign | exp << frac_bits | frac
}

/// Biased exponents of interest: near 1.0, at the bottom of the normal
/// range and the fast paths' thresholds, at the top.
fn exponent_range(r: &mut Rng, bias: u64, precision: u64, max: u64) -> (u64, u64) {
    match r.below(4) {
        0 | 1 => (bias - 4, bias + 4),
        2 => {
            let lo = [1, precision, precision + 2][r.below(3) as usize];
            (lo, lo + 3)
        }
        _ => (max - 3, max),
    }
}

fn double(r: &mut Rng) -> u64 {
    match r.below(8) {
        0 | 1 => pick(r, SPECIAL_D).to_bits(),
        2 => pick(r, SPECIAL_D_BITS),
        3 => ((r.below(200) as i64 - 100) as f64).to_bits(),
        4 => r.next(),
        _ => {
            let (lo, hi) = exponent_range(r, 1023, 53, 0x7ff);
            float_bits(r, 11, 52, lo, hi)
        }
    }
}

/// A single in an f register: boxed, or now and then not.
fn single(r: &mut Rng) -> u64 {
    let v = match r.below(8) {
        0 | 1 => pick(r, SPECIAL_S).to_bits(),
        2 => pick(r, SPECIAL_S_BITS),
        3 => (r.below(200) as f32 - 100.0).to_bits(),
        4 => r.next() as u32,
        _ => {
            let (lo, hi) = exponent_range(r, 127, 24, 0xff);
            float_bits(r, 8, 23, lo, hi) as u32
        }
    };
    let upper = if r.below(10) == 0 { r.next() << 32 } else { BOX };
    upper | v as u64
}

fn integer(r: &mut Rng) -> u64 {
    match r.below(3) {
        0 => pick(r, SPECIAL_X),
        1 => (r.below(1000) as i64 - 500) as u64,
        _ => r.next(),
    }
}

/// rm fields: mostly dynamic and RNE (the inline cases), every other mode
/// and now and then a reserved one.
fn rm(r: &mut Rng) -> u8 {
    match r.below(16) {
        0..=6 => 7,
        7..=10 => 0,
        11 => 1,
        12 => 2,
        13 => 3,
        14 => 4,
        _ => 5 + r.below(2) as u8,
    }
}

fn reg(r: &mut Rng) -> u8 {
    r.below(8) as u8
}

fn random_block(r: &mut Rng, ops: &[Op]) -> Vec<Inst> {
    let n = 1 + r.below(8) as usize;
    (0..n)
        .map(|_| match r.below(16) {
            // fflags, frm or fcsr written mid-block (x8 and up are never written).
            0 => {
                let op = [Op::Csrrwi, Op::Csrrsi, Op::Csrrci, Op::Csrrw][r.below(4) as usize];
                let rs1 = if op == Op::Csrrw { reg(r) } else { r.below(32) as u8 };
                Inst { op, rd: reg(r), rs1, rs2: 0, rs3: 0, rm: 0, len: 4, imm: 1 + r.below(3) as i32 }
            }
            1 => {
                let (op, size) = [(Op::Fld, 8), (Op::Fsd, 8), (Op::Flw, 4), (Op::Fsw, 4)][r.below(4) as usize];
                let imm = (r.below(64) * size) as i32;
                let (rd, rs2) = if matches!(op, Op::Fld | Op::Flw) { (reg(r), 0) } else { (0, reg(r)) };
                Inst { op, rd, rs1: 8, rs2, rs3: 0, rm: 0, len: 4, imm }
            }
            _ => Inst { op: pick(r, ops), rd: reg(r), rs1: reg(r), rs2: reg(r), rs3: reg(r), rm: rm(r), len: 4, imm: 0 },
        })
        .collect()
}

fn state(r: &mut Rng) -> (Hart, Memory) {
    let mem = random_data(r);
    let mut hart = Hart::new();
    hart.pc = CODE;
    for i in 1..8 {
        hart.x[i] = integer(r);
    }
    hart.x[8] = DATA;
    for f in hart.f.iter_mut() {
        *f = if r.below(2) == 0 { single(r) } else { double(r) };
    }
    hart.frm = match r.below(8) {
        0..=4 => 0,
        5 => 1,
        _ => r.below(8) as u8,
    };
    // NX clear half the time, so that both ways of settling it run.
    hart.fflags = r.below(32) as u8 & if r.below(2) == 0 { !1 } else { !0 };
    (hart, mem)
}

/// Run `insts` from `h0`/`m0` in both tiers and compare everything; under a
/// hostile host environment (flush-to-zero, denormals-are-zero, rounding
/// down) when `hostile`.
fn check(jit: &mut Jit, insts: &[Inst], h0: &Hart, m0: &mut Memory, hostile: bool, ctx: &str) {
    let block = Block { start: CODE, insts: insts.into(), pages: (CODE >> 12, CODE >> 12), breakpoint: false };
    let (mut hi, mut mi) = (h0.clone(), Memory::new());
    mi.map(DATA, 0x1000, Perms::RW, "data").unwrap();
    mi.poke(DATA, &data(m0)).unwrap();
    let (ei, ni) = run_block(&mut hi, &mut mi, &block, 64);

    let code = jit.compile(CODE, insts).expect("translatable");
    let mut hj = h0.clone();
    // Warm the data page's TLB entries (the byte written is unchanged).
    let first = m0.read_u8(DATA).unwrap();
    m0.write_u8(DATA, first).unwrap();
    let (mut ej, mut nj, mut pending) = with_env(hostile, || run_jit(&mut hj, m0, jit, code, insts.len() as u64));
    if ej == exit::SLOW {
        (ej, nj, pending) = finish_in_interpreter(&mut hj, m0, &block, nj);
    }
    assert_same_exit(ei, ej, pending, ctx);
    assert_eq!(ni as u64, nj, "{ctx}: retired");
    assert_eq!(hi.x, hj.x, "{ctx}: x");
    for (k, (a, b)) in hi.f.iter().zip(hj.f.iter()).enumerate() {
        assert_eq!(a, b, "{ctx}: f{k} {a:#x} != {b:#x}");
    }
    assert_eq!(hi.fcsr(), hj.fcsr(), "{ctx}: fcsr");
    assert_eq!(hi.pc, hj.pc, "{ctx}: pc");
    assert_eq!(data(&mut mi), data(m0), "{ctx}: memory");
}

#[cfg(target_arch = "x86_64")]
fn with_env<T>(hostile: bool, f: impl FnOnce() -> T) -> T {
    use super::fpenv::mxcsr;
    if !hostile {
        return f();
    }
    const FTZ: u32 = 1 << 15;
    const DAZ: u32 = 1 << 6;
    const ROUND_DOWN: u32 = 1 << 13;
    let hostile = mxcsr::DEFAULT | FTZ | DAZ | ROUND_DOWN;
    let saved = mxcsr::read();
    mxcsr::write(hostile);
    let v = f();
    let after = mxcsr::read();
    mxcsr::write(saved);
    assert_eq!(after & mxcsr::CONTROL, hostile, "the caller's environment is given back");
    v
}

#[cfg(not(target_arch = "x86_64"))]
fn with_env<T>(_hostile: bool, f: impl FnOnce() -> T) -> T {
    f()
}

#[test]
fn random_fp_blocks_match_the_interpreter() {
    let ops: Vec<Op> = Op::ALL.iter().copied().filter(|op| op.is_fp_compute()).collect();
    let mut jit = Jit::new().expect("jit on this host");
    let mut r = Rng(0x2545_f491_4f6c_dd1d);
    for round in 0..6000 {
        let insts = random_block(&mut r, &ops);
        let (h0, mut m0) = state(&mut r);
        let hostile = round % 5 == 0;
        check(&mut jit, &insts, &h0, &mut m0, hostile, &format!("round {round}: {insts:?}"));
    }
}

/// Every FP op alone in a block on random edge operands, under each
/// static rm and each frm, with NX set and clear.
#[test]
fn each_fp_op_on_edge_operands_matches_the_interpreter() {
    let ops: Vec<Op> = Op::ALL.iter().copied().filter(|op| op.is_fp_compute()).collect();
    let mut jit = Jit::new().expect("jit on this host");
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for &op in &ops {
        for (rm, frm) in [(0, 3), (7, 0), (7, 1), (7, 2), (7, 3), (7, 4), (7, 5), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)] {
            for k in 0..12 {
                let (mut h0, mut m0) = state(&mut r);
                h0.frm = frm;
                h0.fflags = if k % 2 == 0 { 0 } else { 1 };
                let insts = [Inst { op, rd: 3, rs1: 1, rs2: 2, rs3: 4, rm, len: 4, imm: 0 }];
                check(&mut jit, &insts, &h0, &mut m0, k % 3 == 0, &format!("{op:?} rm {rm} frm {frm} case {k}: {:x?}", h0.f));
            }
        }
    }
}

/// A random single (boxed) or double with a biased exponent in `lo..hi`.
fn near(r: &mut Rng, single: bool, lo: u64, hi: u64) -> u64 {
    if single {
        BOX | float_bits(r, 8, 23, lo, hi)
    } else {
        float_bits(r, 11, 52, lo, hi)
    }
}

/// Products, quotients, roots and narrowings whose results or operands
/// sit in the lowest binades, where a rounding error may be too small for
/// a fused multiply-add to see: the fast paths' thresholds must send them
/// to the interpreter while NX is clear.
#[test]
fn results_near_the_subnormal_range_match_the_interpreter() {
    let mut jit = Jit::new().expect("jit on this host");
    let mut r = Rng(0x5851_f42d_4c95_7f2d);
    let ops = [Op::FmulD, Op::FmulS, Op::FdivD, Op::FdivS, Op::FsqrtD, Op::FsqrtS, Op::FcvtSD, Op::FaddD, Op::FsubS];
    for &op in &ops {
        let single = matches!(op, Op::FmulS | Op::FdivS | Op::FsqrtS | Op::FsubS);
        let (bias, precision) = if single { (127, 24) } else { (1023, 53) };
        for k in 0..300 {
            let (mut h0, mut m0) = state(&mut r);
            h0.frm = 0;
            h0.fflags = 0;
            // Near 1, and something in the lowest binades (up to the
            // thresholds and a little beyond).
            let one = near(&mut r, single, bias - 2, bias + 2);
            let low = near(&mut r, single, 1, precision + 8);
            let (a, b) = match op {
                Op::FdivD | Op::FdivS if k % 2 == 0 => (low, one),
                Op::FdivD | Op::FdivS => (one, near(&mut r, single, 2 * bias - precision - 8, 2 * bias - 1)),
                // fcvt.s.d: doubles around the singles' smallest normal.
                Op::FcvtSD => (near(&mut r, false, 1023 - 126 - 30, 1023 - 126 + 30), one),
                Op::FaddD | Op::FsubS => (low, near(&mut r, single, 1, precision + 8)),
                Op::FsqrtD | Op::FsqrtS => (low, one),
                _ => (one, low),
            };
            h0.f[1] = a;
            h0.f[2] = b;
            let insts = [Inst { op, rd: 3, rs1: 1, rs2: 2, rs3: 4, rm: 7, len: 4, imm: 0 }];
            check(&mut jit, &insts, &h0, &mut m0, false, &format!("{op:?} case {k}: {a:#x} {b:#x}"));
        }
    }
}
