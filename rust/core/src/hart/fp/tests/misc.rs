//! Sign injection, moves, classification, NaN-boxing, rounding-mode
//! selection and the register-file contract.

use super::*;
use crate::hart::fp::{
    NEG_INF, NEG_NORMAL, NEG_SUBNORMAL, NEG_ZERO, POS_INF, POS_NORMAL, POS_SUBNORMAL, POS_ZERO,
    QUIET_NAN, SIGNALING_NAN,
};
use crate::hart::Exception;
use crate::isa::Op::*;

#[test]
fn sign_injection() {
    let r = |v: u32| R(v as u64, 0);
    assert_eq!(s(FsgnjS, 0, s::ONE, s::NEG_ZERO, 0), r(s::NEG_ONE));
    assert_eq!(s(FsgnjS, 0, s::NEG_ONE, s::TWO, 0), r(s::ONE));
    assert_eq!(s(FsgnjnS, 1, s::ONE, s::ONE, 0), r(s::NEG_ONE)); // fneg
    assert_eq!(s(FsgnjnS, 1, s::NEG_ONE, s::NEG_ONE, 0), r(s::ONE));
    assert_eq!(s(FsgnjxS, 2, s::NEG_ONE, s::NEG_ONE, 0), r(s::ONE)); // fabs
    assert_eq!(s(FsgnjxS, 2, s::ONE, s::NEG_ZERO, 0), r(s::NEG_ONE));
    // NaNs are just bits here: payload kept, signaling NaNs raise nothing.
    assert_eq!(s(FsgnjnS, 1, s::SNAN, s::SNAN, 0), r(0xff80_0001));
    assert_eq!(s(FsgnjxS, 2, 0xffc1_2345, s::NEG_ONE, 0), r(0x7fc1_2345));
    assert_eq!(
        d(FsgnjD, 0, d::SNAN, d::NEG_ONE, 0),
        R(0xfff0_0000_0000_0001, 0)
    );
    assert_eq!(d(FsgnjnD, 1, d::INF, d::ZERO, 0), R(d::NEG_INF, 0));
    assert_eq!(d(FsgnjxD, 2, d::NEG_ONE, d::NEG_ZERO, 0), R(d::ONE, 0));
    // An improperly boxed operand reads as the canonical NaN (the sign
    // source too).
    let h = exec(FsgnjnS, 1, RNE, [s::ONE as u64, boxed(s::ONE), 0], 0);
    assert_eq!(R(h.f[4], h.fflags), R(boxed(0xffc0_0000), 0));
    let h = exec(FsgnjS, 0, RNE, [boxed(s::NEG_ONE), 0x8000_0000, 0], 0);
    assert_eq!(R(h.f[4], h.fflags), R(boxed(s::ONE), 0));
}

#[test]
fn moves_between_register_files() {
    // fmv.x.w sign-extends the low word and ignores boxing.
    let mv_x = |op, f1| exec(op, 0, RNE, [f1, 0, 0], 0).x[4];
    assert_eq!(mv_x(FmvXW, boxed(0x8000_0000)), 0xffff_ffff_8000_0000);
    assert_eq!(mv_x(FmvXW, 0x0000_0000_8000_0000), 0xffff_ffff_8000_0000);
    assert_eq!(mv_x(FmvXW, 0x1234_5678_7fc0_0001), 0x7fc0_0001);
    assert_eq!(mv_x(FmvXD, 0x1234_5678_9abc_def0), 0x1234_5678_9abc_def0);
    // fmv.w.x boxes the low word; fmv.d.x copies all 64 bits. No NaN is
    // touched, no flag raised.
    let mv_f = |op, x1| {
        let h = exec(op, 0, RNE, [0; 3], x1);
        R(h.f[4], h.fflags)
    };
    assert_eq!(mv_f(FmvWX, 0x1234_5678_7f80_0001), R(boxed(0x7f80_0001), 0));
    assert_eq!(
        mv_f(FmvDX, 0x7ff0_0000_0000_0001),
        R(0x7ff0_0000_0000_0001, 0)
    );
}

#[test]
fn classify_all_ten_classes() {
    let single = [
        (s::NEG_INF, NEG_INF),
        (s::NEG_ONE, NEG_NORMAL),
        (0x8000_0001, NEG_SUBNORMAL),
        (0x807f_ffff, NEG_SUBNORMAL),
        (s::NEG_ZERO, NEG_ZERO),
        (s::ZERO, POS_ZERO),
        (s::MIN_SUB, POS_SUBNORMAL),
        (s::MIN_NORMAL, POS_NORMAL),
        (s::MAX, POS_NORMAL),
        (s::INF, POS_INF),
        (s::SNAN, SIGNALING_NAN),
        (0xffbf_ffff, SIGNALING_NAN),
        (s::QNAN, QUIET_NAN),
        (0xffc0_0001, QUIET_NAN),
    ];
    for (v, class) in single {
        assert_eq!(to_x(FclassS, 1, boxed(v)), R(class, 0), "fclass.s {v:#x}");
    }
    // Not NaN-boxed: the canonical (quiet) NaN.
    assert_eq!(to_x(FclassS, 1, s::NEG_INF as u64), R(QUIET_NAN, 0));
    let double = [
        (d::NEG_INF, NEG_INF),
        (0xc000_0000_0000_0000, NEG_NORMAL),
        (0x800f_ffff_ffff_ffff, NEG_SUBNORMAL),
        (d::NEG_ZERO, NEG_ZERO),
        (d::ZERO, POS_ZERO),
        (d::MIN_SUB, POS_SUBNORMAL),
        (d::MIN_NORMAL, POS_NORMAL),
        (d::INF, POS_INF),
        (d::SNAN, SIGNALING_NAN),
        (0x7ff7_ffff_ffff_ffff, SIGNALING_NAN),
        (d::QNAN, QUIET_NAN),
        (boxed(s::ONE), QUIET_NAN), // a boxed single is a NaN as a double
    ];
    for (v, class) in double {
        assert_eq!(to_x(FclassD, 1, v), R(class, 0), "fclass.d {v:#x}");
    }
    // The spec's bit numbering.
    let bits = [
        NEG_INF,
        NEG_NORMAL,
        NEG_SUBNORMAL,
        NEG_ZERO,
        POS_ZERO,
        POS_SUBNORMAL,
        POS_NORMAL,
        POS_INF,
        SIGNALING_NAN,
        QUIET_NAN,
    ];
    for (i, b) in bits.into_iter().enumerate() {
        assert_eq!(b, 1 << i);
    }
}

#[test]
fn improperly_boxed_singles_read_as_canonical_nan() {
    let qs = boxed(s::QNAN);
    let cases: [(u64, u64); 4] = [
        (s::ONE as u64, boxed(s::ONE)),         // upper half zero
        (0x7fff_ffff_3f80_0000, boxed(s::ONE)), // upper half almost all ones
        (0xffff_fffe_7f80_0001, boxed(s::ONE)), // would be a signaling NaN
        (boxed(s::ONE), 0x0000_0001_3f80_0000), // second operand
    ];
    for (a, b) in cases {
        let h = exec(FaddS, RNE, RNE, [a, b, 0], 0);
        assert_eq!(R(h.f[4], h.fflags), R(qs, 0), "fadd.s {a:#x} {b:#x}");
    }
    let h = exec(FmaddS, RNE, RNE, [boxed(s::ONE), boxed(s::ONE), 0], 0);
    assert_eq!(R(h.f[4], h.fflags), R(qs, 0), "fmadd.s, rs3 unboxed");
    // Conversions to integer see a NaN.
    assert_eq!(to_x(FcvtWS, RNE, s::ONE as u64), R(0x7fff_ffff, NV));
    // feq of a quiet NaN with itself: false, no flag.
    let h = exec(FeqS, 2, RNE, [s::ONE as u64, s::ONE as u64, 0], 0);
    assert_eq!(R(h.x[4], h.fflags), R(0, 0));
}

#[test]
fn dynamic_rounding_reads_frm() {
    for (frm, want) in [
        (RNE, 0x3eaa_aaab),
        (RTZ, 0x3eaa_aaaa),
        (RDN, 0x3eaa_aaaa),
        (RUP, 0x3eaa_aaab),
    ] {
        let h = exec(FdivS, DYN, frm, [boxed(s::ONE), boxed(s::THREE), 0], 0);
        assert_eq!(R(h.f[4], h.fflags), R(boxed(want), NX), "frm={frm}");
    }
    // A static mode overrides frm.
    let h = exec(FdivS, RUP, RTZ, [boxed(s::ONE), boxed(s::THREE), 0], 0);
    assert_eq!(h.f[4], boxed(0x3eaa_aaab));
    let h = exec(FcvtWD, DYN, RMM, [0x4004_0000_0000_0000, 0, 0], 0); // 2.5
    assert_eq!(R(h.x[4], h.fflags), R(3, NX));
}

/// A hart with recognisable contents in every register.
fn busy_hart() -> Hart {
    let mut hart = Hart::new();
    for i in 0..32 {
        hart.x[i] = if i == 0 { 0 } else { 0x1111 * i as u64 };
        hart.f[i] = boxed(0x3f80_0000 + i as u32);
    }
    hart.fflags = DZ;
    hart
}

fn assert_same(a: &Hart, b: &Hart, what: &str) {
    assert_eq!(a.x, b.x, "{what}: x changed");
    assert_eq!(a.f, b.f, "{what}: f changed");
    assert_eq!(
        (a.fflags, a.frm, a.pc),
        (b.fflags, b.frm, b.pc),
        "{what}: fcsr or pc changed"
    );
}

#[test]
fn reserved_rounding_modes_are_illegal_and_change_nothing() {
    let rounding_ops = [
        FmaddS, FmsubS, FnmsubS, FnmaddS, FaddS, FsubS, FmulS, FdivS, FsqrtS, FcvtWS, FcvtWuS,
        FcvtLS, FcvtLuS, FcvtSW, FcvtSWu, FcvtSL, FcvtSLu, FmaddD, FmsubD, FnmsubD, FnmaddD, FaddD,
        FsubD, FmulD, FdivD, FsqrtD, FcvtSD, FcvtDS, FcvtWD, FcvtWuD, FcvtLD, FcvtLuD, FcvtDW,
        FcvtDWu, FcvtDL, FcvtDLu,
    ];
    for op in rounding_ops {
        // rm = 5 or 6 in the instruction, or dynamic with frm = 5..=7.
        for (rm, frm) in [(5, RNE), (6, RNE), (DYN, 5), (DYN, 6), (DYN, 7)] {
            let mut hart = busy_hart();
            hart.frm = frm;
            let before = hart.clone();
            let r = execute(&mut hart, &inst(op, rm));
            assert_eq!(
                r,
                Err(Exception::IllegalInstruction(0)),
                "{op:?} rm={rm} frm={frm}"
            );
            assert_same(&hart, &before, &format!("{op:?} rm={rm} frm={frm}"));
        }
        // Every valid static mode is accepted even when frm is reserved.
        for rm in MODES {
            let mut hart = busy_hart();
            hart.frm = 7;
            assert_eq!(execute(&mut hart, &inst(op, rm)), Ok(()), "{op:?} rm={rm}");
        }
    }
}

#[test]
fn operations_without_rounding_ignore_frm() {
    // Their rm field is funct3; a reserved frm does not matter.
    let ops = [
        (FsgnjS, 0),
        (FsgnjnS, 1),
        (FsgnjxS, 2),
        (FminS, 0),
        (FmaxS, 1),
        (FeqS, 2),
        (FltS, 1),
        (FleS, 0),
        (FclassS, 1),
        (FmvXW, 0),
        (FmvWX, 0),
        (FsgnjD, 0),
        (FsgnjnD, 1),
        (FsgnjxD, 2),
        (FminD, 0),
        (FmaxD, 1),
        (FeqD, 2),
        (FltD, 1),
        (FleD, 0),
        (FclassD, 1),
        (FmvXD, 0),
        (FmvDX, 0),
    ];
    for (op, funct3) in ops {
        let mut hart = busy_hart();
        hart.frm = 5;
        assert_eq!(execute(&mut hart, &inst(op, funct3)), Ok(()), "{op:?}");
    }
}

#[test]
fn flags_accrue() {
    let mut hart = busy_hart(); // fflags = DZ
    hart.f[1] = boxed(s::ONE);
    hart.f[2] = boxed(s::THREE);
    execute(&mut hart, &inst(FdivS, RNE)).unwrap();
    assert_eq!(hart.fflags, DZ | NX);
    // An exact operation afterwards leaves them as they are: SoftFloat's
    // own flags are cleared before every operation.
    hart.f[1] = boxed(s::ONE);
    hart.f[2] = boxed(s::ONE);
    execute(&mut hart, &inst(FaddS, RNE)).unwrap();
    assert_eq!(hart.fflags, DZ | NX);
    let mut fresh = Hart::new();
    fresh.f[1] = boxed(s::ONE);
    fresh.f[2] = boxed(s::ONE);
    execute(&mut fresh, &inst(FaddS, RNE)).unwrap();
    assert_eq!(fresh.fflags, 0);
}

#[test]
fn integer_results_never_write_x0() {
    let ops = [
        (FcvtWS, RNE),
        (FcvtLuS, RNE),
        (FcvtWD, RNE),
        (FcvtLD, RNE),
        (FmvXW, 0),
        (FmvXD, 0),
        (FeqS, 2),
        (FleD, 0),
        (FclassS, 1),
        (FclassD, 1),
    ];
    for (op, rm) in ops {
        let mut hart = busy_hart();
        hart.f[1] = 0x4000_0000_0000_0000;
        execute(
            &mut hart,
            &Inst {
                rd: 0,
                ..inst(op, rm)
            },
        )
        .unwrap();
        assert_eq!(hart.x[0], 0, "{op:?}");
        let mut expect = busy_hart();
        expect.f[1] = 0x4000_0000_0000_0000;
        assert_eq!(hart.x, expect.x, "{op:?} wrote an x register");
    }
}

#[test]
fn registers_are_read_before_rd_is_written() {
    // rd may equal a source.
    let mut hart = Hart::new();
    hart.f[5] = boxed(s::TWO);
    let i = Inst {
        rd: 5,
        rs1: 5,
        rs2: 5,
        rs3: 5,
        ..inst(FmaddS, RNE)
    };
    execute(&mut hart, &i).unwrap();
    assert_eq!(hart.f[5], boxed(0x40c0_0000)); // 2*2 + 2
}

#[test]
fn non_fp_ops_are_refused() {
    for op in [Add, Flw, Fsd, Lui] {
        let mut hart = busy_hart();
        let before = hart.clone();
        assert_eq!(
            execute(&mut hart, &inst(op, 0)),
            Err(Exception::IllegalInstruction(0))
        );
        assert_same(&hart, &before, &format!("{op:?}"));
    }
}

#[test]
fn every_fp_compute_op_is_executed() {
    // No `is_fp_compute` op falls through to the refusal arm.
    for op in all_fp_compute_ops() {
        let mut hart = Hart::new();
        assert_eq!(execute(&mut hart, &inst(op, RNE)), Ok(()), "{op:?}");
    }
}

fn all_fp_compute_ops() -> Vec<Op> {
    let ops = [
        FmaddS, FmsubS, FnmsubS, FnmaddS, FaddS, FsubS, FmulS, FdivS, FsqrtS, FsgnjS, FsgnjnS,
        FsgnjxS, FminS, FmaxS, FcvtWS, FcvtWuS, FcvtLS, FcvtLuS, FcvtSW, FcvtSWu, FcvtSL, FcvtSLu,
        FmvXW, FmvWX, FeqS, FltS, FleS, FclassS, FmaddD, FmsubD, FnmsubD, FnmaddD, FaddD, FsubD,
        FmulD, FdivD, FsqrtD, FsgnjD, FsgnjnD, FsgnjxD, FminD, FmaxD, FcvtSD, FcvtDS, FcvtWD,
        FcvtWuD, FcvtLD, FcvtLuD, FcvtDW, FcvtDWu, FcvtDL, FcvtDLu, FmvXD, FmvDX, FeqD, FltD, FleD,
        FclassD,
    ];
    for op in ops {
        assert!(op.is_fp_compute(), "{op:?}");
    }
    // ... and none is missing: the F and D compute ops are two contiguous
    // ranges of the enum.
    let span = |first: Op, last: Op| (last as usize) - (first as usize) + 1;
    assert_eq!(ops.len(), span(FmaddS, FclassS) + span(FmaddD, FclassD));
    ops.to_vec()
}
