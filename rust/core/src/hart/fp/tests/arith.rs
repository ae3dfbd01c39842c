//! Arithmetic: add, sub, mul, div, sqrt and the fused multiply-adds.

use super::*;
use crate::isa::Op::*;

#[test]
fn one_third_in_every_mode() {
    // 1/3 = 1.0101...b x 2^-2: the bits after a single's 23-bit fraction
    // are 1010... (2/3 ulp, rounds up to nearest); after a double's 52
    // they are 0101... (1/3 ulp, rounds down to nearest).
    let (lo, hi) = (0x3eaa_aaaa, 0x3eaa_aaab);
    each_mode(
        "1/3 single",
        [R(hi, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(hi, NX)],
        |rm| s(FdivS, rm, s::ONE, s::THREE, 0),
    );
    let (lo, hi) = (0xbeaa_aaaa, 0xbeaa_aaab); // magnitudes for -1/3
    each_mode(
        "-1/3 single",
        [R(hi, NX), R(lo, NX), R(hi, NX), R(lo, NX), R(hi, NX)],
        |rm| s(FdivS, rm, s::NEG_ONE, s::THREE, 0),
    );
    let (lo, hi) = (0x3fd5_5555_5555_5555, 0x3fd5_5555_5555_5556);
    each_mode(
        "1/3 double",
        [R(lo, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(lo, NX)],
        |rm| d(FdivD, rm, d::ONE, d::THREE, 0),
    );
}

#[test]
fn ties_in_addition() {
    // 1 + 2^-24 lies exactly halfway between 1 and 1 + 2^-23.
    let tie = 0x3380_0000; // 2^-24
    let (one, up) = (s::ONE as u64, 0x3f80_0001);
    each_mode(
        "1 + 2^-24",
        [R(one, NX), R(one, NX), R(one, NX), R(up, NX), R(up, NX)],
        |rm| s(FaddS, rm, s::ONE, tie, 0),
    );
    // (1 + 2^-23) + 2^-24: halfway between odd and even; nearest-even
    // goes up this time.
    let odd = 0x3f80_0001;
    let (even, down) = (0x3f80_0002, 0x3f80_0001);
    each_mode(
        "1 + ulp + ulp/2",
        [
            R(even, NX),
            R(down, NX),
            R(down, NX),
            R(even, NX),
            R(even, NX),
        ],
        |rm| s(FaddS, rm, odd, tie, 0),
    );
    // 2^53 + 1 in double.
    let big = 0x4340_0000_0000_0000;
    let (even, up) = (big, 0x4340_0000_0000_0001);
    each_mode(
        "2^53 + 1",
        [R(even, NX), R(even, NX), R(even, NX), R(up, NX), R(up, NX)],
        |rm| d(FaddD, rm, big, d::ONE, 0),
    );
}

#[test]
fn exact_results_raise_nothing() {
    assert_eq!(s(FaddS, RNE, s::ONE, s::TWO, 0), R(s::THREE as u64, 0));
    assert_eq!(s(FmulS, RUP, s::THREE, s::HALF, 0), R(0x3fc0_0000, 0));
    assert_eq!(d(FsubD, RDN, d::THREE, d::ONE, 0), R(d::TWO, 0));
    assert_eq!(
        d(FdivD, RTZ, d::THREE, d::TWO, 0),
        R(0x3ff8_0000_0000_0000, 0)
    );
}

#[test]
fn overflow_gives_infinity_or_max_finite_by_mode() {
    // Rounding towards zero, or away from the result's sign, stops at the
    // largest finite value (F chapter; IEEE 754 7.4).
    let (inf, max) = (s::INF as u64, s::MAX as u64);
    let of = OF | NX;
    each_mode(
        "max + max",
        [R(inf, of), R(max, of), R(max, of), R(inf, of), R(inf, of)],
        |rm| s(FaddS, rm, s::MAX, s::MAX, 0),
    );
    let (ninf, nmax) = (s::NEG_INF as u64, 0xff7f_ffff);
    each_mode(
        "-max * 2",
        [
            R(ninf, of),
            R(nmax, of),
            R(ninf, of),
            R(nmax, of),
            R(ninf, of),
        ],
        |rm| s(FmulS, rm, 0xff7f_ffff, s::TWO, 0),
    );
    let (inf, max) = (d::INF, d::MAX);
    each_mode(
        "max * 2 double",
        [R(inf, of), R(max, of), R(max, of), R(inf, of), R(inf, of)],
        |rm| d(FmulD, rm, d::MAX, d::TWO, 0),
    );
    // An exact infinity is not an overflow.
    assert_eq!(s(FaddS, RNE, s::INF, s::ONE, 0), R(s::INF as u64, 0));
}

#[test]
fn underflow_and_subnormal_results() {
    // An exact subnormal result raises nothing: underflow needs inexact.
    assert_eq!(s(FmulS, RNE, s::MIN_NORMAL, s::HALF, 0), R(0x0040_0000, 0));
    assert_eq!(
        d(FmulD, RNE, d::MIN_NORMAL, d::HALF, 0),
        R(0x0008_0000_0000_0000, 0)
    );
    // min_sub / 2 = 2^-150: a tie between 0 and min_sub.
    let (z, m) = (0, s::MIN_SUB as u64);
    let uf = UF | NX;
    each_mode(
        "min_sub / 2",
        [R(z, uf), R(z, uf), R(z, uf), R(m, uf), R(m, uf)],
        |rm| s(FmulS, rm, s::MIN_SUB, s::HALF, 0),
    );
    let neg = 0x8000_0000;
    each_mode(
        "-min_sub / 2",
        [
            R(neg, uf),
            R(neg, uf),
            R(neg | 1, uf),
            R(neg, uf),
            R(neg | 1, uf),
        ],
        |rm| s(FdivS, rm, 0x8000_0001, s::TWO, 0),
    );
    // Arithmetic on subnormal inputs is exact where it can be.
    assert_eq!(
        s(FaddS, RNE, 0x0000_0003, 0x0000_0005, 0),
        R(0x0000_0008, 0)
    );
    assert_eq!(
        d(FsubD, RNE, 0x000f_ffff_ffff_ffff, 1, 0),
        R(0x000f_ffff_ffff_fffe, 0)
    );
}

#[test]
fn tininess_is_detected_after_rounding() {
    // 0x32918e00 * 0x0d612000 = (2^25 - 1) * 2^-151 = min_normal * (1 - 2^-25).
    // With an unbounded exponent it rounds (to nearest, or up) to
    // min_normal itself, so it is not tiny: inexact only. Before-rounding
    // detection would also raise UF. Rounding down or to zero leaves it
    // below min_normal: tiny and inexact.
    let (mn, below) = (s::MIN_NORMAL as u64, 0x007f_ffff);
    let uf = UF | NX;
    each_mode(
        "single",
        [R(mn, NX), R(below, uf), R(below, uf), R(mn, NX), R(mn, NX)],
        |rm| s(FmulS, rm, 0x3291_8e00, 0x0d61_2000, 0),
    );
    // (1 - 2^-27) * min_normal * (1 + 2^-27) = min_normal * (1 - 2^-54).
    let (mn, below) = (d::MIN_NORMAL, 0x000f_ffff_ffff_ffff);
    each_mode(
        "double",
        [R(mn, NX), R(below, uf), R(below, uf), R(mn, NX), R(mn, NX)],
        |rm| d(FmulD, rm, 0x3fef_ffff_fc00_0000, 0x0010_0000_0200_0000, 0),
    );
}

#[test]
fn tininess_rule_holds_on_a_fresh_thread() {
    // SoftFloat's mode globals are thread-local: a new thread must get
    // the same after-rounding behaviour.
    let r = std::thread::spawn(|| s(FmulS, RNE, 0x3291_8e00, 0x0d61_2000, 0))
        .join()
        .unwrap();
    assert_eq!(r, R(s::MIN_NORMAL as u64, NX));
}

#[test]
fn signed_zero_results() {
    let (pz, nz) = (s::ZERO as u64, s::NEG_ZERO as u64);
    // x - x is +0, except when rounding down (IEEE 754 6.3).
    each_mode(
        "1 - 1",
        [R(pz, 0), R(pz, 0), R(nz, 0), R(pz, 0), R(pz, 0)],
        |rm| s(FsubS, rm, s::ONE, s::ONE, 0),
    );
    each_mode(
        "+0 + -0 double",
        [R(0, 0), R(0, 0), R(d::NEG_ZERO, 0), R(0, 0), R(0, 0)],
        |rm| d(FaddD, rm, d::ZERO, d::NEG_ZERO, 0),
    );
    assert_eq!(s(FaddS, RNE, s::NEG_ZERO, s::NEG_ZERO, 0), R(nz, 0));
    assert_eq!(s(FmulS, RNE, s::NEG_ZERO, s::ONE, 0), R(nz, 0));
    assert_eq!(s(FdivS, RNE, s::ZERO, s::NEG_ONE, 0), R(nz, 0));
    assert_eq!(d(FsqrtD, RNE, d::NEG_ZERO, 0, 0), R(d::NEG_ZERO, 0));
}

#[test]
fn division_by_zero_and_invalid_operations() {
    assert_eq!(s(FdivS, RNE, s::ONE, s::ZERO, 0), R(s::INF as u64, DZ));
    assert_eq!(
        s(FdivS, RNE, s::ONE, s::NEG_ZERO, 0),
        R(s::NEG_INF as u64, DZ)
    );
    assert_eq!(d(FdivD, RNE, d::NEG_ONE, d::ZERO, 0), R(d::NEG_INF, DZ));
    // inf / 0 is an exact infinity, not a division by zero.
    assert_eq!(s(FdivS, RNE, s::INF, s::ZERO, 0), R(s::INF as u64, 0));
    let qs = s::QNAN as u64;
    assert_eq!(s(FdivS, RNE, s::ZERO, s::ZERO, 0), R(qs, NV));
    assert_eq!(s(FdivS, RNE, s::INF, s::NEG_INF, 0), R(qs, NV));
    assert_eq!(s(FsubS, RNE, s::INF, s::INF, 0), R(qs, NV));
    assert_eq!(s(FmulS, RNE, s::ZERO, s::NEG_INF, 0), R(qs, NV));
    assert_eq!(s(FsqrtS, RNE, s::NEG_ONE, 0, 0), R(qs, NV));
    assert_eq!(d(FaddD, RNE, d::NEG_INF, d::INF, 0), R(d::QNAN, NV));
    assert_eq!(d(FsqrtD, RNE, d::NEG_INF, 0, 0), R(d::QNAN, NV));
}

#[test]
fn nan_inputs_give_the_canonical_nan() {
    // Payloads and signs are not propagated; only a signaling NaN raises NV.
    let qs = s::QNAN as u64;
    assert_eq!(s(FaddS, RNE, 0xffc1_2345, s::ONE, 0), R(qs, 0));
    assert_eq!(s(FmulS, RNE, s::ONE, 0x7fc0_0001, 0), R(qs, 0));
    assert_eq!(s(FaddS, RNE, s::SNAN, s::ONE, 0), R(qs, NV));
    assert_eq!(s(FdivS, RNE, s::QNAN, 0xff80_0123, 0), R(qs, NV));
    assert_eq!(s(FsqrtS, RNE, s::SNAN, 0, 0), R(qs, NV));
    assert_eq!(s(FsqrtS, RNE, 0xffc0_0000, 0, 0), R(qs, 0));
    assert_eq!(
        d(FsubD, RNE, 0xfff8_0000_0000_0001, d::ONE, 0),
        R(d::QNAN, 0)
    );
    assert_eq!(d(FsubD, RNE, d::ONE, d::SNAN, 0), R(d::QNAN, NV));
}

#[test]
fn square_root_rounding() {
    // sqrt(2) = 1.0110101000001001111001100110011111110011101111...b
    let (lo, hi) = (0x3fb5_04f3, 0x3fb5_04f4);
    each_mode(
        "sqrt 2 single",
        [R(lo, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(lo, NX)],
        |rm| s(FsqrtS, rm, s::TWO, 0, 0),
    );
    let (lo, hi) = (0x3ff6_a09e_667f_3bcc, 0x3ff6_a09e_667f_3bcd);
    each_mode(
        "sqrt 2 double",
        [R(hi, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(hi, NX)],
        |rm| d(FsqrtD, rm, d::TWO, 0, 0),
    );
    assert_eq!(s(FsqrtS, RNE, 0x4110_0000, 0, 0), R(s::THREE as u64, 0)); // sqrt 9
    assert_eq!(s(FsqrtS, RNE, s::INF, 0, 0), R(s::INF as u64, 0));
}

#[test]
fn fused_multiply_add_rounds_once() {
    // (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105, exact in one rounding;
    // rounding the product first would give 0.
    let r = d(
        FmaddD,
        RNE,
        0x3ff0_0000_0000_0001,
        0x3fef_ffff_ffff_ffff,
        d::NEG_ONE,
    );
    assert_eq!(r, R(0x3c9f_ffff_ffff_fffe, 0));
    let r = d(
        FmsubD,
        RNE,
        0x3ff0_0000_0000_0001,
        0x3fef_ffff_ffff_ffff,
        d::ONE,
    );
    assert_eq!(r, R(0x3c9f_ffff_ffff_fffe, 0));
    // -(a*b) + c and -(a*b) - c.
    let r = d(
        FnmsubD,
        RNE,
        0x3ff0_0000_0000_0001,
        0x3fef_ffff_ffff_ffff,
        d::ONE,
    );
    assert_eq!(r, R(0xbc9f_ffff_ffff_fffe, 0));
    let r = d(
        FnmaddD,
        RNE,
        0x3ff0_0000_0000_0001,
        0x3fef_ffff_ffff_ffff,
        d::NEG_ONE,
    );
    assert_eq!(r, R(0xbc9f_ffff_ffff_fffe, 0));
    // Single: 2*3 + 1, 2*3 - 1, -(2*3) + 1, -(2*3) - 1.
    assert_eq!(s(FmaddS, RNE, s::TWO, s::THREE, s::ONE), R(0x40e0_0000, 0));
    assert_eq!(s(FmsubS, RNE, s::TWO, s::THREE, s::ONE), R(0x40a0_0000, 0));
    assert_eq!(s(FnmsubS, RNE, s::TWO, s::THREE, s::ONE), R(0xc0a0_0000, 0));
    assert_eq!(s(FnmaddS, RNE, s::TWO, s::THREE, s::ONE), R(0xc0e0_0000, 0));
    // 1/3 * 3 - 1 is the rounding error of 1/3: 2^-25 in single.
    let r = s(FmaddS, RNE, 0x3eaa_aaab, s::THREE, s::NEG_ONE);
    assert_eq!(r, R(0x3300_0000, 0));
}

#[test]
fn fused_multiply_add_rounding_modes() {
    // (1 + 2^-23) * 1 + 2^-24 ties as in `ties_in_addition`.
    let odd = 0x3f80_0001;
    let (even, down) = (0x3f80_0002, 0x3f80_0001);
    each_mode(
        "fmadd tie",
        [
            R(even, NX),
            R(down, NX),
            R(down, NX),
            R(even, NX),
            R(even, NX),
        ],
        |rm| s(FmaddS, rm, odd, s::ONE, 0x3380_0000),
    );
    // Negated: the mirror image.
    let (even, down) = (0xbf80_0002, 0xbf80_0001);
    each_mode(
        "fnmadd tie",
        [
            R(even, NX),
            R(down, NX),
            R(even, NX),
            R(down, NX),
            R(even, NX),
        ],
        |rm| s(FnmaddS, rm, odd, s::ONE, 0x3380_0000),
    );
}

#[test]
fn fused_multiply_add_zero_signs() {
    // The negated forms negate their inputs (as Spike and QEMU do), so an
    // exact zero sum follows IEEE's sum-of-zeros rule on the negated terms.
    let (pz, nz) = (s::ZERO, s::NEG_ZERO);
    let z = |v: u32| R(v as u64, 0);
    // fmadd: +0*1 + -0
    assert_eq!(s(FmaddS, RNE, pz, s::ONE, nz), z(pz));
    assert_eq!(s(FmaddS, RDN, pz, s::ONE, nz), z(nz));
    // fmsub: +0*1 - +0
    assert_eq!(s(FmsubS, RNE, pz, s::ONE, pz), z(pz));
    assert_eq!(s(FmsubS, RDN, pz, s::ONE, pz), z(nz));
    // fnmsub: -(+0*1) + +0
    assert_eq!(s(FnmsubS, RNE, pz, s::ONE, pz), z(pz));
    assert_eq!(s(FnmsubS, RDN, pz, s::ONE, pz), z(nz));
    // fnmadd: -(+0*1) - -0 = -0 + +0
    assert_eq!(s(FnmaddS, RNE, pz, s::ONE, nz), z(pz));
    // fnmadd: -(+0*1) - +0 = -0 + -0
    assert_eq!(s(FnmaddS, RNE, pz, s::ONE, pz), z(nz));
    assert_eq!(
        d(FmaddD, RNE, d::NEG_ZERO, d::ONE, d::NEG_ZERO),
        R(d::NEG_ZERO, 0)
    );
    assert_eq!(d(FnmaddD, RUP, d::ZERO, d::ONE, d::ZERO), R(d::NEG_ZERO, 0));
}

#[test]
fn fused_multiply_add_invalid_cases() {
    let qs = s::QNAN as u64;
    // inf * 0 raises NV even when the addend is a quiet NaN (F chapter,
    // "Single-Precision Floating-Point Computational Instructions").
    assert_eq!(s(FmaddS, RNE, s::INF, s::ZERO, s::QNAN), R(qs, NV));
    assert_eq!(s(FnmaddS, RNE, s::ZERO, s::NEG_INF, s::ONE), R(qs, NV));
    assert_eq!(d(FmaddD, RNE, d::ZERO, d::INF, d::QNAN), R(d::QNAN, NV));
    // A quiet NaN anywhere else is quiet.
    assert_eq!(s(FmaddS, RNE, s::QNAN, s::ZERO, s::ONE), R(qs, 0));
    assert_eq!(s(FmsubS, RNE, s::ONE, s::ONE, 0xffc0_0001), R(qs, 0));
    assert_eq!(s(FmaddS, RNE, s::ONE, s::ONE, s::SNAN), R(qs, NV));
    // inf - inf between product and addend.
    assert_eq!(s(FmaddS, RNE, s::INF, s::ONE, s::NEG_INF), R(qs, NV));
    assert_eq!(d(FmsubD, RNE, d::INF, d::ONE, d::INF), R(d::QNAN, NV));
    // Overflow of the product alone.
    assert_eq!(d(FmaddD, RTZ, d::MAX, d::TWO, d::ZERO), R(d::MAX, OF | NX));
}
