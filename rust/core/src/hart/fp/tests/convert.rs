//! Conversions: float to integer (rounding and the saturation table),
//! integer to float, and between single and double.

use super::*;
use crate::isa::Op::*;

/// Sign-extension of a 32-bit result, as the W forms write it.
fn sx(v: u32) -> u64 {
    v as i32 as i64 as u64
}

#[test]
fn float_to_int_rounds_by_mode() {
    let two_half = boxed(0x4020_0000);
    each_mode(
        "fcvt.w.s 2.5",
        [R(2, NX), R(2, NX), R(2, NX), R(3, NX), R(3, NX)],
        |rm| to_x(FcvtWS, rm, two_half),
    );
    let (m2, m3) = (sx(-2i32 as u32), sx(-3i32 as u32));
    each_mode(
        "fcvt.w.s -2.5",
        [R(m2, NX), R(m2, NX), R(m3, NX), R(m2, NX), R(m3, NX)],
        |rm| to_x(FcvtWS, rm, boxed(0xc020_0000)),
    );
    // 1.5 ties to 2 under RNE as well.
    each_mode(
        "fcvt.l.d 1.5",
        [R(2, NX), R(1, NX), R(1, NX), R(2, NX), R(2, NX)],
        |rm| to_x(FcvtLD, rm, 0x3ff8_0000_0000_0000),
    );
    each_mode(
        "fcvt.lu.s 0.5",
        [R(0, NX), R(0, NX), R(0, NX), R(1, NX), R(1, NX)],
        |rm| to_x(FcvtLuS, rm, boxed(s::HALF)),
    );
    // Integral values convert exactly in every mode.
    each_mode("fcvt.wu.d 3", [R(3, 0); 5], |rm| {
        to_x(FcvtWuD, rm, d::THREE)
    });
    each_mode("fcvt.w.s -0", [R(0, 0); 5], |rm| {
        to_x(FcvtWS, rm, boxed(s::NEG_ZERO))
    });
}

#[test]
fn unsigned_conversion_of_negative_values() {
    // Values in (-1, 0) that round to 0 are only inexact; those that
    // round to -1 are out of range.
    let m_half = boxed(0xbf00_0000);
    each_mode(
        "fcvt.wu.s -0.5",
        [R(0, NX), R(0, NX), R(0, NV), R(0, NX), R(0, NV)],
        |rm| to_x(FcvtWuS, rm, m_half),
    );
    let m_09 = 0xbfec_cccc_cccc_cccd; // -0.9
    each_mode(
        "fcvt.lu.d -0.9",
        [R(0, NV), R(0, NX), R(0, NV), R(0, NX), R(0, NV)],
        |rm| to_x(FcvtLuD, rm, m_09),
    );
    assert_eq!(to_x(FcvtWuS, RTZ, boxed(s::NEG_ONE)), R(0, NV));
    assert_eq!(to_x(FcvtLuD, RUP, d::NEG_ONE), R(0, NV));
    assert_eq!(to_x(FcvtWuD, RNE, d::NEG_ZERO), R(0, 0));
}

#[test]
fn saturation_table() {
    // F chapter, table "Domains of float-to-integer conversions and
    // behavior for invalid inputs": NaN converts like +inf.
    let all = u64::MAX;
    let (imax, imin) = (sx(i32::MAX as u32), sx(i32::MIN as u32));
    let (lmax, lmin) = (i64::MAX as u64, i64::MIN as u64);
    let nans_s = [s::QNAN, s::SNAN, 0xffc1_2345];
    for nan in nans_s {
        let f = boxed(nan);
        assert_eq!(to_x(FcvtWS, RNE, f), R(0x7fff_ffff, NV), "w.s {nan:#x}");
        assert_eq!(to_x(FcvtWuS, RNE, f), R(all, NV), "wu.s {nan:#x}");
        assert_eq!(to_x(FcvtLS, RNE, f), R(lmax, NV), "l.s {nan:#x}");
        assert_eq!(to_x(FcvtLuS, RNE, f), R(all, NV), "lu.s {nan:#x}");
    }
    for nan in [d::QNAN, d::SNAN, 0xfff8_0000_0000_0001] {
        assert_eq!(to_x(FcvtWD, RNE, nan), R(imax, NV), "w.d {nan:#x}");
        assert_eq!(to_x(FcvtWuD, RNE, nan), R(all, NV), "wu.d {nan:#x}");
        assert_eq!(to_x(FcvtLD, RNE, nan), R(lmax, NV), "l.d {nan:#x}");
        assert_eq!(to_x(FcvtLuD, RNE, nan), R(all, NV), "lu.d {nan:#x}");
    }
    let (inf, ninf) = (boxed(s::INF), boxed(s::NEG_INF));
    assert_eq!(to_x(FcvtWS, RNE, inf), R(imax, NV));
    assert_eq!(to_x(FcvtWS, RNE, ninf), R(imin, NV));
    assert_eq!(imin, 0xffff_ffff_8000_0000);
    assert_eq!(to_x(FcvtWuS, RNE, inf), R(all, NV));
    assert_eq!(to_x(FcvtWuS, RNE, ninf), R(0, NV));
    assert_eq!(to_x(FcvtLS, RNE, inf), R(lmax, NV));
    assert_eq!(to_x(FcvtLS, RNE, ninf), R(lmin, NV));
    assert_eq!(to_x(FcvtLuS, RNE, inf), R(all, NV));
    assert_eq!(to_x(FcvtLuS, RNE, ninf), R(0, NV));
    assert_eq!(to_x(FcvtWD, RTZ, d::NEG_INF), R(imin, NV));
    assert_eq!(to_x(FcvtLuD, RTZ, d::INF), R(all, NV));
    // Finite values just out of range.
    assert_eq!(to_x(FcvtWS, RNE, boxed(0x4f00_0000)), R(imax, NV)); // 2^31
    assert_eq!(to_x(FcvtWS, RNE, boxed(0xcf00_0000)), R(imin, 0)); // -2^31 fits
    assert_eq!(to_x(FcvtWS, RNE, boxed(0xcf00_0001)), R(imin, NV));
    assert_eq!(to_x(FcvtWuS, RNE, boxed(0x4f80_0000)), R(all, NV)); // 2^32
    assert_eq!(
        to_x(FcvtWuS, RNE, boxed(0x4f7f_ffff)),
        R(sx(0xffff_ff00), 0)
    );
    assert_eq!(to_x(FcvtLS, RNE, boxed(0x5f00_0000)), R(lmax, NV)); // 2^63
    assert_eq!(to_x(FcvtLS, RNE, boxed(0xdf00_0000)), R(lmin, 0));
    assert_eq!(to_x(FcvtLuS, RNE, boxed(0x5f80_0000)), R(all, NV)); // 2^64
    assert_eq!(
        to_x(FcvtLuS, RNE, boxed(0x5f7f_ffff)),
        R(0xffff_ff00_0000_0000, 0)
    );
    assert_eq!(to_x(FcvtLuS, RNE, boxed(0xe0ad_78ec)), R(0, NV)); // -1e20
    assert_eq!(to_x(FcvtLD, RNE, 0x43e0_0000_0000_0000), R(lmax, NV));
    assert_eq!(to_x(FcvtLD, RNE, 0xc3e0_0000_0000_0001), R(lmin, NV));
    assert_eq!(
        to_x(FcvtLuD, RNE, 0x43ef_ffff_ffff_ffff),
        R(0xffff_ffff_ffff_f800, 0)
    );
}

#[test]
fn range_limits_depend_on_rounding() {
    // 2^31 - 0.5: a tie between 2^31 - 1 and 2^31 (out of range).
    let x = 0x41df_ffff_ffe0_0000;
    let (max, nx) = (sx(i32::MAX as u32), NX);
    each_mode(
        "fcvt.w.d 2^31-0.5",
        [R(max, NV), R(max, nx), R(max, nx), R(max, NV), R(max, NV)],
        |rm| to_x(FcvtWD, rm, x),
    );
    // -2^31 - 0.5: a tie between -2^31 and -2^31 - 1 (out of range).
    let x = 0xc1e0_0000_0010_0000;
    let min = sx(i32::MIN as u32);
    each_mode(
        "fcvt.w.d -2^31-0.5",
        [R(min, NX), R(min, NX), R(min, NV), R(min, NX), R(min, NV)],
        |rm| to_x(FcvtWD, rm, x),
    );
    // 2^32 - 0.5 for fcvt.wu.d; its in-range result 0xffffffff is
    // sign-extended like every W result.
    let x = 0x41ef_ffff_fff0_0000;
    let all = u64::MAX;
    each_mode(
        "fcvt.wu.d 2^32-0.5",
        [R(all, NV), R(all, NX), R(all, NX), R(all, NV), R(all, NV)],
        |rm| to_x(FcvtWuD, rm, x),
    );
}

#[test]
fn word_results_are_sign_extended() {
    // 3e9 fits fcvt.wu but has bit 31 set.
    assert_eq!(
        to_x(FcvtWuS, RNE, boxed(0x4f32_d05e)),
        R(0xffff_ffff_b2d0_5e00, 0)
    );
    assert_eq!(
        to_x(FcvtWuD, RNE, 0x41e6_5a0b_c000_0000),
        R(0xffff_ffff_b2d0_5e00, 0)
    );
    assert_eq!(to_x(FcvtWD, RNE, d::NEG_ONE), R(u64::MAX, 0));
    assert_eq!(to_x(FcvtWuS, RNE, boxed(s::ONE)), R(1, 0));
}

#[test]
fn int_to_float_rounds_by_mode() {
    // 2^24 + 1 and 2^53 + 1 are ties between their even neighbours.
    let (lo, hi) = (boxed(0x4b80_0000), boxed(0x4b80_0001));
    let v = 0x100_0001;
    for op in [FcvtSW, FcvtSWu, FcvtSL, FcvtSLu] {
        each_mode(
            &format!("{op:?} 2^24+1"),
            [R(lo, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(hi, NX)],
            |rm| from_x(op, rm, v),
        );
    }
    let (lo, hi) = (0xcb80_0000, 0xcb80_0001);
    let (lo, hi) = (boxed(lo), boxed(hi));
    each_mode(
        "fcvt.s.w -(2^24+1)",
        [R(lo, NX), R(lo, NX), R(hi, NX), R(lo, NX), R(hi, NX)],
        |rm| from_x(FcvtSW, rm, (-0x100_0001i64) as u64),
    );
    let (lo, hi) = (0x4340_0000_0000_0000, 0x4340_0000_0000_0001);
    for op in [FcvtDL, FcvtDLu] {
        each_mode(
            &format!("{op:?} 2^53+1"),
            [R(lo, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(hi, NX)],
            |rm| from_x(op, rm, (1 << 53) + 1),
        );
    }
    let (lo, hi) = (0xc340_0000_0000_0000, 0xc340_0000_0000_0001);
    each_mode(
        "fcvt.d.l -(2^53+1)",
        [R(lo, NX), R(lo, NX), R(hi, NX), R(lo, NX), R(hi, NX)],
        |rm| from_x(FcvtDL, rm, (-(1i64 << 53) - 1) as u64),
    );
    // u32::MAX in single: 2^32 - 1 rounds to 2^32 or to 2^32 - 256.
    let (lo, hi) = (boxed(0x4f7f_ffff), boxed(0x4f80_0000));
    each_mode(
        "fcvt.s.wu 2^32-1",
        [R(hi, NX), R(lo, NX), R(lo, NX), R(hi, NX), R(hi, NX)],
        |rm| from_x(FcvtSWu, rm, 0xffff_ffff),
    );
}

#[test]
fn int_to_float_operand_widths() {
    // The W forms read the low 32 bits only, signed or unsigned.
    assert_eq!(from_x(FcvtSW, RNE, 0x1_0000_0005), R(boxed(0x40a0_0000), 0));
    assert_eq!(from_x(FcvtDW, RNE, 0xffff_ffff), R(d::NEG_ONE, 0));
    assert_eq!(
        from_x(FcvtDWu, RNE, 0x1234_5678_ffff_ffff),
        R(0x41ef_ffff_ffe0_0000, 0)
    );
    assert_eq!(
        from_x(FcvtDW, RNE, 0x8000_0000),
        R(0xc1e0_0000_0000_0000, 0)
    );
    assert_eq!(from_x(FcvtDL, RNE, 1 << 63), R(0xc3e0_0000_0000_0000, 0));
    assert_eq!(from_x(FcvtDLu, RNE, 1 << 63), R(0x43e0_0000_0000_0000, 0));
    assert_eq!(from_x(FcvtSLu, RNE, 0), R(boxed(0), 0));
    // Every i32 and u32 is exact in double, whatever the mode.
    each_mode("fcvt.d.w", [R(0xc1df_ffff_ffc0_0000, 0); 5], |rm| {
        from_x(FcvtDW, rm, (-0x7fff_ffffi64) as u64)
    });
}

#[test]
fn single_to_double_is_exact() {
    assert_eq!(d(FcvtDS, RNE, boxed(s::ONE), 0, 0), R(d::ONE, 0));
    assert_eq!(d(FcvtDS, RNE, boxed(s::NEG_ZERO), 0, 0), R(d::NEG_ZERO, 0));
    assert_eq!(d(FcvtDS, RNE, boxed(s::NEG_INF), 0, 0), R(d::NEG_INF, 0));
    // The smallest single subnormal, 2^-149, is a normal double.
    assert_eq!(
        d(FcvtDS, RNE, boxed(s::MIN_SUB), 0, 0),
        R(0x36a0_0000_0000_0000, 0)
    );
    // NaNs become the canonical NaN; only a signaling one raises NV.
    assert_eq!(d(FcvtDS, RNE, boxed(0xffc1_2345), 0, 0), R(d::QNAN, 0));
    assert_eq!(d(FcvtDS, RNE, boxed(s::SNAN), 0, 0), R(d::QNAN, NV));
    // A single that is not NaN-boxed reads as the canonical NaN.
    assert_eq!(d(FcvtDS, RNE, s::ONE as u64, 0, 0), R(d::QNAN, 0));
}

#[test]
fn double_to_single_rounds() {
    // 1 + 2^-24 is a tie; 1 + 2^-24 + 2^-52 is just above it.
    let (one, up) = (boxed(s::ONE), boxed(0x3f80_0001));
    each_mode(
        "tie",
        [R(one, NX), R(one, NX), R(one, NX), R(up, NX), R(up, NX)],
        |rm| d(FcvtSD, rm, 0x3ff0_0000_1000_0000, 0, 0),
    );
    each_mode(
        "above tie",
        [R(up, NX), R(one, NX), R(one, NX), R(up, NX), R(up, NX)],
        |rm| d(FcvtSD, rm, 0x3ff0_0000_1000_0001, 0, 0),
    );
    // 1e300 overflows.
    let (inf, max) = (boxed(s::INF), boxed(s::MAX));
    let of = OF | NX;
    each_mode(
        "1e300",
        [R(inf, of), R(max, of), R(max, of), R(inf, of), R(inf, of)],
        |rm| d(FcvtSD, rm, 0x7e37_e43c_8800_759c, 0, 0),
    );
    // (2 - 2^-24) * 2^-127 rounds to min_normal when rounding to nearest
    // or up: not tiny after rounding, so no underflow.
    let (mn, below) = (boxed(s::MIN_NORMAL), boxed(0x007f_ffff));
    let uf = UF | NX;
    each_mode(
        "tininess",
        [R(mn, NX), R(below, uf), R(below, uf), R(mn, NX), R(mn, NX)],
        |rm| d(FcvtSD, rm, 0x380f_ffff_f000_0000, 0, 0),
    );
    // 1e-300 is below half the smallest single subnormal.
    let (z, m) = (boxed(0), boxed(s::MIN_SUB));
    each_mode(
        "1e-300",
        [R(z, uf), R(z, uf), R(z, uf), R(m, uf), R(z, uf)],
        |rm| d(FcvtSD, rm, 0x01a5_6e1f_c2f8_f359, 0, 0),
    );
    assert_eq!(d(FcvtSD, RNE, d::SNAN, 0, 0), R(boxed(s::QNAN), NV));
    assert_eq!(
        d(FcvtSD, RNE, 0xfff8_0000_1234_5678, 0, 0),
        R(boxed(s::QNAN), 0)
    );
    assert_eq!(d(FcvtSD, RNE, d::NEG_INF, 0, 0), R(boxed(s::NEG_INF), 0));
    assert_eq!(d(FcvtSD, RTZ, d::NEG_ZERO, 0, 0), R(boxed(s::NEG_ZERO), 0));
}
