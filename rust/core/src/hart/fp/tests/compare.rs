//! Comparisons and minimum/maximum.

use super::*;
use crate::isa::Op::*;

#[test]
fn ordered_comparisons() {
    let cases = [
        (s::ONE, s::TWO, [0, 1, 1]), // feq, flt, fle
        (s::TWO, s::ONE, [0, 0, 0]),
        (s::ONE, s::ONE, [1, 0, 1]),
        (s::NEG_ZERO, s::ZERO, [1, 0, 1]), // -0 == +0
        (s::ZERO, s::NEG_ZERO, [1, 0, 1]),
        (s::NEG_INF, s::NEG_ONE, [0, 1, 1]),
        (s::MIN_SUB, s::ZERO, [0, 0, 0]),
        (s::INF, s::INF, [1, 0, 1]),
    ];
    for (a, b, want) in cases {
        for (op, want) in [FeqS, FltS, FleS].into_iter().zip(want) {
            let h = exec(op, 0, RNE, [boxed(a), boxed(b), 0], 0);
            assert_eq!(R(h.x[4], h.fflags), R(want, 0), "{op:?} {a:#x} {b:#x}");
        }
    }
    let d_cases = [
        (d::ONE, d::TWO, [0, 1, 1]),
        (d::NEG_ZERO, d::ZERO, [1, 0, 1]),
        (0x8000_0000_0000_0001, d::NEG_ZERO, [0, 1, 1]),
        (d::MAX, d::INF, [0, 1, 1]),
    ];
    for (a, b, want) in d_cases {
        for (op, want) in [FeqD, FltD, FleD].into_iter().zip(want) {
            let h = exec(op, 0, RNE, [a, b, 0], 0);
            assert_eq!(R(h.x[4], h.fflags), R(want, 0), "{op:?} {a:#x} {b:#x}");
        }
    }
}

#[test]
fn comparisons_with_nans() {
    // feq is quiet: NV only for a signaling NaN. flt and fle signal on
    // any NaN. All three are false.
    for (nan, quiet) in [(s::QNAN, true), (0xffc0_0001, true), (s::SNAN, false)] {
        let feq_flags = if quiet { 0 } else { NV };
        for (a, b) in [(nan, s::ONE), (s::ONE, nan), (nan, nan)] {
            let f = [boxed(a), boxed(b), 0];
            let h = exec(FeqS, 2, RNE, f, 0);
            assert_eq!(R(h.x[4], h.fflags), R(0, feq_flags), "feq.s {a:#x} {b:#x}");
            for op in [FltS, FleS] {
                let h = exec(op, 0, RNE, f, 0);
                assert_eq!(R(h.x[4], h.fflags), R(0, NV), "{op:?} {a:#x} {b:#x}");
            }
        }
    }
    for (nan, quiet) in [(d::QNAN, true), (d::SNAN, false)] {
        let h = exec(FeqD, 2, RNE, [nan, nan, 0], 0);
        assert_eq!(R(h.x[4], h.fflags), R(0, if quiet { 0 } else { NV }));
        let h = exec(FleD, 0, RNE, [d::ONE, nan, 0], 0);
        assert_eq!(R(h.x[4], h.fflags), R(0, NV));
    }
}

#[test]
fn comparison_to_x0_still_raises_flags() {
    let mut hart = Hart::new();
    hart.f[1] = boxed(s::QNAN);
    let inst = Inst {
        rd: 0,
        ..inst(FltS, 1)
    };
    execute(&mut hart, &inst).unwrap();
    assert_eq!(hart.x[0], 0);
    assert_eq!(hart.fflags, NV);
}

fn minmax_s(op: Op, a: u32, b: u32) -> R {
    s(op, 0, a, b, 0)
}

#[test]
fn min_max_of_numbers_and_zeros() {
    let r = |v: u32| R(v as u64, 0);
    assert_eq!(minmax_s(FminS, s::ONE, s::TWO), r(s::ONE));
    assert_eq!(minmax_s(FmaxS, s::ONE, s::TWO), r(s::TWO));
    assert_eq!(minmax_s(FminS, s::NEG_INF, s::MAX), r(s::NEG_INF));
    assert_eq!(minmax_s(FmaxS, s::NEG_ONE, s::NEG_INF), r(s::NEG_ONE));
    // -0 orders below +0, whichever operand it is.
    for (a, b) in [(s::ZERO, s::NEG_ZERO), (s::NEG_ZERO, s::ZERO)] {
        assert_eq!(minmax_s(FminS, a, b), r(s::NEG_ZERO));
        assert_eq!(minmax_s(FmaxS, a, b), r(s::ZERO));
    }
    for (a, b) in [(d::ZERO, d::NEG_ZERO), (d::NEG_ZERO, d::ZERO)] {
        assert_eq!(d(FminD, 0, a, b, 0), R(d::NEG_ZERO, 0));
        assert_eq!(d(FmaxD, 1, a, b, 0), R(d::ZERO, 0));
    }
}

#[test]
fn min_max_with_nans() {
    // One NaN: the other operand. Two NaNs: the canonical NaN. NV only
    // for a signaling NaN, even when the result is a number.
    let r = |v: u32, f: u8| R(v as u64, f);
    for op in [FminS, FmaxS] {
        assert_eq!(
            minmax_s(op, s::QNAN, s::NEG_ONE),
            r(s::NEG_ONE, 0),
            "{op:?}"
        );
        assert_eq!(
            minmax_s(op, s::NEG_ONE, 0xffc1_2345),
            r(s::NEG_ONE, 0),
            "{op:?}"
        );
        assert_eq!(minmax_s(op, s::SNAN, s::ONE), r(s::ONE, NV), "{op:?}");
        assert_eq!(
            minmax_s(op, s::NEG_ZERO, s::SNAN),
            r(s::NEG_ZERO, NV),
            "{op:?}"
        );
        assert_eq!(
            minmax_s(op, 0xffc1_2345, 0x7fc0_0042),
            r(s::QNAN, 0),
            "{op:?}"
        );
        assert_eq!(minmax_s(op, s::QNAN, s::SNAN), r(s::QNAN, NV), "{op:?}");
    }
    for op in [FminD, FmaxD] {
        assert_eq!(d(op, 0, d::QNAN, d::THREE, 0), R(d::THREE, 0), "{op:?}");
        assert_eq!(d(op, 0, d::THREE, d::SNAN, 0), R(d::THREE, NV), "{op:?}");
        assert_eq!(
            d(op, 0, d::SNAN, 0xfff8_0000_0000_0001, 0),
            R(d::QNAN, NV),
            "{op:?}"
        );
    }
    // An improperly boxed single is a quiet NaN: the other operand wins.
    let h = exec(FminS, 0, RNE, [s::ONE as u64, boxed(s::TWO), 0], 0);
    assert_eq!(R(h.f[4], h.fflags), R(boxed(s::TWO), 0));
}
