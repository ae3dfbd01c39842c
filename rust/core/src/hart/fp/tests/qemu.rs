//! Replay of the differential vectors in `tests/fp_data/fp_ops.expected`:
//! what QEMU's RISC-V target computed for each operation, inputs and
//! rounding mode (see `tests/fp_data/README.md`). Each line runs here
//! twice for rounding operations, once with the mode in the instruction's
//! rm field and once as the dynamic mode in frm, and once otherwise.

use super::*;
use crate::isa::Op::*;

const EXPECTED: &str = include_str!("../../../../tests/fp_data/fp_ops.expected");

/// Where an operand or result lives.
#[derive(Clone, Copy, PartialEq)]
enum File {
    F,
    X,
}

/// The op for a mnemonic, where its source and result live, and whether
/// its rm field is a rounding mode.
fn lookup(name: &str) -> Option<(Op, File, File, bool)> {
    use File::*;
    let r = match name {
        "fmadd.s" => (FmaddS, F, F, true),
        "fmsub.s" => (FmsubS, F, F, true),
        "fnmsub.s" => (FnmsubS, F, F, true),
        "fnmadd.s" => (FnmaddS, F, F, true),
        "fadd.s" => (FaddS, F, F, true),
        "fsub.s" => (FsubS, F, F, true),
        "fmul.s" => (FmulS, F, F, true),
        "fdiv.s" => (FdivS, F, F, true),
        "fsqrt.s" => (FsqrtS, F, F, true),
        "fsgnj.s" => (FsgnjS, F, F, false),
        "fsgnjn.s" => (FsgnjnS, F, F, false),
        "fsgnjx.s" => (FsgnjxS, F, F, false),
        "fmin.s" => (FminS, F, F, false),
        "fmax.s" => (FmaxS, F, F, false),
        "fcvt.w.s" => (FcvtWS, F, X, true),
        "fcvt.wu.s" => (FcvtWuS, F, X, true),
        "fcvt.l.s" => (FcvtLS, F, X, true),
        "fcvt.lu.s" => (FcvtLuS, F, X, true),
        "fcvt.s.w" => (FcvtSW, X, F, true),
        "fcvt.s.wu" => (FcvtSWu, X, F, true),
        "fcvt.s.l" => (FcvtSL, X, F, true),
        "fcvt.s.lu" => (FcvtSLu, X, F, true),
        "feq.s" => (FeqS, F, X, false),
        "flt.s" => (FltS, F, X, false),
        "fle.s" => (FleS, F, X, false),
        "fclass.s" => (FclassS, F, X, false),
        "fmadd.d" => (FmaddD, F, F, true),
        "fmsub.d" => (FmsubD, F, F, true),
        "fnmsub.d" => (FnmsubD, F, F, true),
        "fnmadd.d" => (FnmaddD, F, F, true),
        "fadd.d" => (FaddD, F, F, true),
        "fsub.d" => (FsubD, F, F, true),
        "fmul.d" => (FmulD, F, F, true),
        "fdiv.d" => (FdivD, F, F, true),
        "fsqrt.d" => (FsqrtD, F, F, true),
        "fsgnj.d" => (FsgnjD, F, F, false),
        "fsgnjn.d" => (FsgnjnD, F, F, false),
        "fsgnjx.d" => (FsgnjxD, F, F, false),
        "fmin.d" => (FminD, F, F, false),
        "fmax.d" => (FmaxD, F, F, false),
        "fcvt.w.d" => (FcvtWD, F, X, true),
        "fcvt.wu.d" => (FcvtWuD, F, X, true),
        "fcvt.l.d" => (FcvtLD, F, X, true),
        "fcvt.lu.d" => (FcvtLuD, F, X, true),
        "fcvt.d.w" => (FcvtDW, X, F, true),
        "fcvt.d.wu" => (FcvtDWu, X, F, true),
        "fcvt.d.l" => (FcvtDL, X, F, true),
        "fcvt.d.lu" => (FcvtDLu, X, F, true),
        "feq.d" => (FeqD, F, X, false),
        "flt.d" => (FltD, F, X, false),
        "fle.d" => (FleD, F, X, false),
        "fclass.d" => (FclassD, F, X, false),
        "fcvt.s.d" => (FcvtSD, F, F, true),
        "fcvt.d.s" => (FcvtDS, F, F, true),
        "fmv.x.w" => (FmvXW, F, X, false),
        "fmv.w.x" => (FmvWX, X, F, false),
        "fmv.x.d" => (FmvXD, F, X, false),
        "fmv.d.x" => (FmvDX, X, F, false),
        _ => return None,
    };
    Some(r)
}

fn hex(field: &str) -> u64 {
    if field == "-" {
        0
    } else {
        u64::from_str_radix(field, 16).unwrap_or_else(|_| panic!("bad hex field {field:?}"))
    }
}

/// Run one vector; `Some(description)` on a mismatch.
fn replay(line: &str) -> Option<String> {
    let fields: Vec<&str> = line.split(' ').collect();
    assert_eq!(fields.len(), 7, "malformed line {line:?}");
    let (op, src, dst, rounds) =
        lookup(fields[0]).unwrap_or_else(|| panic!("unknown op in {line:?}"));
    let mode = hex(fields[1]) as u8;
    let srcs = [hex(fields[2]), hex(fields[3]), hex(fields[4])];
    let want = R(hex(fields[5]), hex(fields[6]) as u8);
    // (rm field, frm): static then dynamic for rounding ops, with frm set
    // to a different valid mode when the static field should win.
    let runs: &[(u8, u8)] = if rounds {
        &[(mode, (mode + 1) % 5), (DYN, mode)]
    } else {
        &[(0, mode)]
    };
    for &(rm, frm) in runs {
        let mut hart = Hart::new();
        hart.frm = frm;
        match src {
            File::F => hart.f[1..4].copy_from_slice(&srcs),
            File::X => hart.x[1] = srcs[0],
        }
        if let Err(e) = execute(&mut hart, &inst(op, rm)) {
            return Some(format!("{line}: trapped with rm={rm} frm={frm}: {e:?}"));
        }
        let got = R(
            if dst == File::F { hart.f[4] } else { hart.x[4] },
            hart.fflags,
        );
        if got != want {
            return Some(format!("{line}: got {got:?} with rm={rm} frm={frm}"));
        }
    }
    None
}

#[test]
fn matches_qemu_vectors() {
    let mut count = 0;
    let mut failures = Vec::new();
    for line in EXPECTED.lines() {
        count += 1;
        if let Some(f) = replay(line) {
            failures.push(f);
        }
    }
    // The file is generated; an empty or truncated one must not pass.
    assert!(count > 9000, "only {count} vectors");
    assert!(
        failures.is_empty(),
        "{} of {count} vectors differ from QEMU:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn vectors_cover_every_op() {
    let mut seen = std::collections::HashSet::new();
    for line in EXPECTED.lines() {
        seen.insert(line.split(' ').next().unwrap());
    }
    assert_eq!(seen.len(), 58, "ops covered: {seen:?}");
}
