//! Instruction semantics, run on hand-built blocks (independent of the
//! decoder).

use super::*;
use crate::mem::Perms;

const CODE: u64 = 0x1_0000;
const DATA: u64 = 0x2_0000;

fn inst(op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32) -> Inst {
    Inst { op, rd, rs1, rs2, rs3: 0, rm: 0, len: 4, imm }
}

fn block(insts: &[Inst]) -> Block {
    Block { start: CODE, insts: insts.into(), pages: (CODE >> 12, CODE >> 12), breakpoint: false }
}

fn machine() -> (Hart, Memory) {
    let mut mem = Memory::new();
    mem.map(DATA, 0x1000, Perms::RW, "data").unwrap();
    mem.map(DATA + 0x1000, 0x1000, Perms::R, "ro").unwrap();
    let mut hart = Hart::new();
    hart.pc = CODE;
    (hart, mem)
}

/// Run `op rd=10, rs1=11 (a), rs2=12 (b)` and return x10.
fn binop(op: Op, a: u64, b: u64) -> u64 {
    let (mut hart, mut mem) = machine();
    hart.x[11] = a;
    hart.x[12] = b;
    let (exit, n) = run_block(&mut hart, &mut mem, &block(&[inst(op, 10, 11, 12, 0)]), 64);
    assert_eq!((exit, n), (BlockExit::Continue, 1));
    hart.x[10]
}

#[test]
fn division_by_zero_and_overflow_follow_the_spec_table() {
    use Op::*;
    let min = i64::MIN as u64;
    assert_eq!(binop(Div, 7, 0), u64::MAX);
    assert_eq!(binop(Divu, 7, 0), u64::MAX);
    assert_eq!(binop(Rem, 7, 0), 7);
    assert_eq!(binop(Remu, 7, 0), 7);
    assert_eq!(binop(Div, min, u64::MAX), min);
    assert_eq!(binop(Rem, min, u64::MAX), 0);
    assert_eq!(binop(Div, (-7i64) as u64, 2), (-3i64) as u64);
    assert_eq!(binop(Rem, (-7i64) as u64, 2), (-1i64) as u64);
    let wmin = i32::MIN as u32 as u64;
    assert_eq!(binop(Divw, wmin, u32::MAX as u64), i32::MIN as i64 as u64);
    assert_eq!(binop(Remw, wmin, u32::MAX as u64), 0);
    assert_eq!(binop(Divw, 5, 0), u64::MAX);
    assert_eq!(binop(Divuw, 5, 0), u64::MAX);
    assert_eq!(binop(Remw, 0xffff_ffff_8000_0005, 0), 0xffff_ffff_8000_0005);
    assert_eq!(binop(Remuw, 0x1_8000_0005, 0), 0xffff_ffff_8000_0005);
}

#[test]
fn high_multiplies() {
    use Op::*;
    assert_eq!(binop(Mulh, u64::MAX, u64::MAX), 0); // -1 * -1
    assert_eq!(binop(Mulhu, u64::MAX, u64::MAX), u64::MAX - 1);
    assert_eq!(binop(Mulhsu, u64::MAX, u64::MAX), u64::MAX); // -1 * (2^64-1)
    assert_eq!(binop(Mulhsu, 2, u64::MAX), 1);
    assert_eq!(binop(Mulw, 0x8000_0000, 2), 0);
    assert_eq!(binop(Mulw, 0x4000_0000, 2), 0xffff_ffff_8000_0000);
}

#[test]
fn shifts_use_only_the_low_bits_and_w_forms_sign_extend() {
    use Op::*;
    assert_eq!(binop(Sll, 1, 65), 2);
    assert_eq!(binop(Srl, 1 << 63, 127), 1);
    assert_eq!(binop(Sra, 1 << 63, 63), u64::MAX);
    assert_eq!(binop(Sllw, 1, 31), 0xffff_ffff_8000_0000);
    assert_eq!(binop(Srlw, 0xffff_ffff_8000_0000, 31), 1);
    assert_eq!(binop(Sraw, 0x8000_0000, 4), 0xffff_ffff_f800_0000);
    assert_eq!(binop(Addw, 0x7fff_ffff, 1), 0xffff_ffff_8000_0000);
    assert_eq!(binop(Subw, 0, 1), u64::MAX);
    assert_eq!(binop(Slt, u64::MAX, 0), 1);
    assert_eq!(binop(Sltu, u64::MAX, 0), 0);
}

#[test]
fn writes_to_x0_are_discarded() {
    let (mut hart, mut mem) = machine();
    hart.x[11] = 5;
    let b = block(&[inst(Op::Addi, 0, 11, 0, 1), inst(Op::Add, 10, 0, 0, 0)]);
    run_block(&mut hart, &mut mem, &b, 64);
    assert_eq!(hart.x[0], 0);
    assert_eq!(hart.x[10], 0);
}

#[test]
fn loads_sign_or_zero_extend() {
    let (mut hart, mut mem) = machine();
    mem.write_u64(DATA, 0x8000_0000_8080_8080).unwrap();
    hart.x[11] = DATA;
    let cases = [
        (Op::Lb, 0xffff_ffff_ffff_ff80),
        (Op::Lbu, 0x80),
        (Op::Lh, 0xffff_ffff_ffff_8080),
        (Op::Lhu, 0x8080),
        (Op::Lw, 0xffff_ffff_8080_8080),
        (Op::Lwu, 0x8080_8080),
        (Op::Ld, 0x8000_0000_8080_8080),
    ];
    for (op, want) in cases {
        run_block(&mut hart, &mut mem, &block(&[inst(op, 10, 11, 0, 0)]), 64);
        assert_eq!(hart.x[10], want, "{op:?}");
    }
}

#[test]
fn a_faulting_store_stops_at_its_pc_without_retiring() {
    let (mut hart, mut mem) = machine();
    hart.x[11] = DATA + 0x1000; // read-only page
    let b = block(&[inst(Op::Addi, 10, 0, 0, 1), inst(Op::Sd, 0, 11, 10, 8), inst(Op::Addi, 10, 0, 0, 2)]);
    let (exit, n) = run_block(&mut hart, &mut mem, &b, 64);
    assert_eq!(exit, BlockExit::Trap(Exception::StorePageFault(DATA + 0x1008)));
    assert_eq!(n, 1);
    assert_eq!(hart.pc, CODE + 4);
    assert_eq!(hart.x[10], 1);
}

#[test]
fn the_limit_stops_mid_block_with_the_next_pc() {
    let (mut hart, mut mem) = machine();
    let b = block(&[inst(Op::Addi, 10, 10, 0, 1); 5]);
    let (exit, n) = run_block(&mut hart, &mut mem, &b, 3);
    assert_eq!((exit, n, hart.pc, hart.x[10]), (BlockExit::Continue, 3, CODE + 12, 3));
}

#[test]
fn branches_and_jumps_set_the_pc_and_link() {
    let (mut hart, mut mem) = machine();
    hart.x[11] = 3;
    let (_, n) = run_block(&mut hart, &mut mem, &block(&[inst(Op::Blt, 0, 0, 11, -16)]), 64);
    assert_eq!((n, hart.pc), (1, CODE - 16));
    let mut jalr = inst(Op::Jalr, 1, 11, 0, 0x101);
    jalr.len = 2;
    let (_, _) = run_block(&mut hart, &mut mem, &block(&[jalr]), 64);
    assert_eq!(hart.pc, 0x104); // bit 0 cleared
    assert_eq!(hart.x[1], CODE + 2);
}

#[test]
fn amos_return_the_old_value_sign_extended() {
    let (mut hart, mut mem) = machine();
    mem.write_u32(DATA, 0xffff_fff0).unwrap(); // -16
    hart.x[11] = DATA;
    hart.x[12] = 5;
    run_block(&mut hart, &mut mem, &block(&[inst(Op::AmomaxW, 10, 11, 12, 0)]), 64);
    assert_eq!(hart.x[10], 0xffff_ffff_ffff_fff0);
    assert_eq!(mem.read_u32(DATA).unwrap(), 5);
    run_block(&mut hart, &mut mem, &block(&[inst(Op::AmominuW, 10, 11, 12, 0)]), 64);
    assert_eq!(mem.read_u32(DATA).unwrap(), 5);
    hart.x[12] = u64::MAX;
    run_block(&mut hart, &mut mem, &block(&[inst(Op::AmoaddD, 10, 11, 12, 0)]), 64);
    assert_eq!(mem.read_u64(DATA).unwrap(), 4);
    hart.x[11] = DATA + 2;
    let (exit, _) = run_block(&mut hart, &mut mem, &block(&[inst(Op::AmoswapW, 10, 11, 12, 0)]), 64);
    assert_eq!(exit, BlockExit::Trap(Exception::StoreMisaligned(DATA + 2)));
}

#[test]
fn sc_succeeds_only_on_the_reserved_address_once() {
    let (mut hart, mut mem) = machine();
    hart.x[11] = DATA;
    hart.x[12] = 77;
    let lr = inst(Op::LrD, 13, 11, 0, 0);
    let sc = inst(Op::ScD, 10, 11, 12, 0);
    run_block(&mut hart, &mut mem, &block(&[lr, sc]), 64);
    assert_eq!((hart.x[10], mem.read_u64(DATA).unwrap()), (0, 77));
    hart.x[12] = 88;
    run_block(&mut hart, &mut mem, &block(&[sc]), 64);
    assert_eq!((hart.x[10], mem.read_u64(DATA).unwrap()), (1, 77));
}

#[test]
fn csr_access_to_fcsr_and_counters() {
    let (mut hart, mut mem) = machine();
    hart.instret = 1234;
    hart.x[11] = 0xff;
    let w = inst(Op::Csrrw, 10, 11, 0, crate::isa::csr::FCSR as i32);
    run_block(&mut hart, &mut mem, &block(&[w]), 64);
    assert_eq!((hart.x[10], hart.frm, hart.fflags), (0, 7, 0x1f));
    let r = inst(Op::Csrrs, 10, 0, 0, crate::isa::csr::INSTRET as i32);
    run_block(&mut hart, &mut mem, &block(&[r]), 64);
    assert_eq!(hart.x[10], 1234);
    let bad = inst(Op::Csrrw, 10, 11, 0, crate::isa::csr::INSTRET as i32);
    let (exit, _) = run_block(&mut hart, &mut mem, &block(&[bad]), 64);
    assert_eq!(exit, BlockExit::Trap(Exception::IllegalInstruction(0)));
    let unknown = inst(Op::Csrrs, 10, 0, 0, 0x300); // mstatus
    let (exit, _) = run_block(&mut hart, &mut mem, &block(&[unknown]), 64);
    assert_eq!(exit, BlockExit::Trap(Exception::IllegalInstruction(0)));
}
