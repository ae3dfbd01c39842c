//! Compressed decoding tests: every 16-bit parcel against its 32-bit
//! twin, a table of parcels and twins made by GNU as, HINTs, and the
//! reserved encodings.

use super::expand;
use crate::isa::decode::decode;
use crate::isa::decode::encode::encode;
use crate::isa::{Inst, Op};

/// The reserved RV64C encodings, read off the spec's tables 16.5 to 16.7
/// independently of `expand`.
fn reserved(c: u16) -> bool {
    let funct3 = c >> 13;
    let bit12 = c >> 12 & 1;
    let rd = c >> 7 & 0x1f;
    let low5 = c >> 2 & 0x1f;
    match c & 3 {
        // c.addi4spn with a zero immediate (the all-zero parcel included),
        // and funct3 = 4.
        0 => funct3 == 4 || funct3 == 0 && c >> 5 & 0xff == 0,
        1 => match funct3 {
            // c.addiw with rd = 0.
            1 => rd == 0,
            // c.addi16sp and c.lui with a zero immediate.
            3 => bit12 == 0 && low5 == 0,
            // The CA encodings with inst[12] = 1 and funct2 = 2 or 3.
            4 => c >> 10 & 3 == 3 && bit12 == 1 && c >> 5 & 3 >= 2,
            _ => false,
        },
        2 => match funct3 {
            // c.lwsp and c.ldsp with rd = 0.
            2 | 3 => rd == 0,
            // c.jr with rs1 = 0.
            4 => bit12 == 0 && rd == 0 && low5 == 0,
            _ => false,
        },
        _ => unreachable!("not a compressed parcel"),
    }
}

#[test]
fn every_parcel_expands_to_its_32_bit_twin() {
    let mut legal = 0;
    for c in (0..=u16::MAX).filter(|c| c & 3 != 3) {
        let inst = expand(c);
        assert_eq!(inst.len, 2, "{c:#06x}");
        assert_eq!(inst.op == Op::Illegal, reserved(c), "{c:#06x}: {inst:?}");
        if inst.op == Op::Illegal {
            assert_eq!(inst, Inst::illegal(c as u32, 2));
            continue;
        }
        legal += 1;
        let twin = encode(&inst);
        assert_eq!(
            decode(twin),
            Inst { len: 4, ..inst },
            "{c:#06x} expands to {inst:?}, encoded {twin:#010x}"
        );
    }
    // Each quadrant has 16384 parcels, 2048 per funct3. Reserved, from the
    // spec's tables: quadrant 0 funct3 4 (2048), c.addi4spn with a zero
    // immediate (rd' free: 8), c.addiw with rd 0 (64), c.addi16sp/c.lui
    // with a zero immediate (rd free: 32), the two reserved CA funct2
    // values (rs1' and rs2' free: 2 * 64), c.lwsp/c.ldsp with rd 0
    // (2 * 64) and c.jr zero (1).
    let reserved_count = 2048 + 8 + 64 + 32 + 2 * 64 + 2 * 64 + 1;
    assert_eq!(legal, 3 * 16384 - reserved_count);
}

/// Parcels and the 32-bit words GNU as makes of the same source line for
/// rv64gc and rv64g (tests/isa_data/rvc.s), the pc-relative forms aside.
const TWINS: &[(u16, u32)] = &[
    (0x0040, 0x0041_0413), // c.addi4spn s0,sp,4
    (0x1ffc, 0x3fc1_0793), // c.addi4spn a5,sp,1020
    (0x2100, 0x0005_3407), // c.fld
    (0x3cfc, 0x0f84_b787),
    (0x41c8, 0x0045_a503), // c.lw
    (0x5c7c, 0x07c4_2783),
    (0x6588, 0x0085_b503), // c.ld
    (0x7fe4, 0x0f87_b483),
    (0xaa04, 0x0096_3827), // c.fsd
    (0xbc78, 0x0ee4_3c27),
    (0xc188, 0x00a5_a023), // c.sw
    (0xdfe0, 0x0687_ae23),
    (0xfde8, 0x0ea5_bc23), // c.sd
    (0xe304, 0x0097_3023),
    (0x0001, 0x0000_0013), // c.nop
    (0x0505, 0x0015_0513), // c.addi
    (0x1281, 0xfe02_8293),
    (0x04fd, 0x01f4_8493),
    (0x357d, 0xfff5_051b), // c.addiw
    (0x237d, 0x01f3_031b),
    (0x2581, 0x0005_859b),
    (0x5501, 0xfe00_0513), // c.li
    (0x4ffd, 0x01f0_0f93),
    (0x4081, 0x0000_0093),
    (0x7101, 0xe001_0113), // c.addi16sp
    (0x617d, 0x1f01_0113),
    (0x0141, 0x0101_0113),
    (0x6505, 0x0000_1537), // c.lui
    (0x63fd, 0x0001_f3b7),
    (0x7401, 0xfffe_0437),
    (0x8005, 0x0014_5413), // c.srli
    (0x93fd, 0x03f7_d793),
    (0x9501, 0x4205_5513), // c.srai
    (0x8485, 0x4014_d493),
    (0x9981, 0xfe05_f593), // c.andi
    (0x88fd, 0x01f4_f493),
    (0x8a01, 0x0006_7613),
    (0x8c05, 0x4094_0433), // c.sub
    (0x8d3d, 0x00f5_4533), // c.xor
    (0x8dd1, 0x00c5_e5b3), // c.or
    (0x8ef9, 0x00e6_f6b3), // c.and
    (0x9f81, 0x4087_87bb), // c.subw
    (0x9ca9, 0x00a4_84bb), // c.addw
    (0x0506, 0x0015_1513), // c.slli
    (0x1ffe, 0x03ff_9f93),
    (0x1082, 0x0200_9093),
    (0x2522, 0x0081_3507), // c.fldsp
    (0x307e, 0x1f81_3007),
    (0x50fe, 0x0fc1_2083), // c.lwsp
    (0x4502, 0x0001_2503),
    (0x747e, 0x1f81_3403), // c.ldsp
    (0x6fa2, 0x0081_3f83),
    (0x8502, 0x0005_0067), // c.jr
    (0x8082, 0x0000_8067),
    (0x852e, 0x00b0_0533), // c.mv
    (0x8f86, 0x0010_0fb3),
    (0x9002, 0x0010_0073), // c.ebreak
    (0x9502, 0x0005_00e7), // c.jalr
    (0x9f82, 0x000f_80e7),
    (0x952e, 0x00b5_0533), // c.add
    (0x917e, 0x01f1_0133),
    (0xbfa2, 0x1e81_3c27), // c.fsdsp
    (0xa07e, 0x01f1_3027),
    (0xdfaa, 0x0ea1_2e23), // c.swsp
    (0xc202, 0x0001_2223),
    (0xff86, 0x1e11_3c23), // c.sdsp
    (0xe47e, 0x01f1_3423),
    // HINTs, legal and executed as their base instruction.
    (0x000d, 0x0030_0013), // c.nop 3
    (0x1001, 0xfe00_0013), // c.nop -32
    (0x4005, 0x0010_0013), // c.li zero,1
    (0x6005, 0x0000_1037), // c.lui zero,0x1
    (0x0006, 0x0010_1013), // c.slli zero,0x1
    (0x0502, 0x0005_1513), // c.slli64 a0
    (0x802a, 0x00a0_0033), // c.mv zero,a0
    (0x902a, 0x00a0_0033), // c.add zero,a0
    (0x0501, 0x0005_0513), // c.addi a0,0
    (0x8001, 0x0004_5413), // c.srli64 s0
    (0x8401, 0x4004_5413), // c.srai64 s0
];

#[test]
fn parcels_match_the_assembler_twins() {
    for &(c, word) in TWINS {
        assert_eq!(
            expand(c),
            Inst {
                len: 2,
                ..decode(word)
            },
            "{c:#06x} vs {word:#010x}"
        );
        assert_ne!(expand(c).op, Op::Illegal, "{c:#06x}");
    }
}

#[test]
fn jumps_and_branches_are_pc_relative() {
    let jump = |imm| Inst {
        op: Op::Jal,
        rd: 0,
        rs1: 0,
        rs2: 0,
        rs3: 0,
        rm: 0,
        len: 2,
        imm,
    };
    let branch = |op, rs1, imm| Inst {
        op,
        rd: 0,
        rs1,
        rs2: 0,
        rs3: 0,
        rm: 0,
        len: 2,
        imm,
    };
    let table = [
        (0xa001, jump(0)),
        (0xa029, jump(10)),
        (0xb001, jump(-2048)),
        (0xaffd, jump(2046)),
        (0xdc75, branch(Op::Beq, 8, -4)),
        (0xc399, branch(Op::Beq, 15, 6)),
        (0xfd65, branch(Op::Bne, 10, -8)),
        (0xe089, branch(Op::Bne, 9, 2)),
        (0xd001, branch(Op::Beq, 8, -256)),
        (0xcc7d, branch(Op::Beq, 8, 254)),
    ];
    for (c, expected) in table {
        assert_eq!(expand(c), expected, "{c:#06x}");
    }
}

#[test]
fn reserved_parcels_are_illegal() {
    let table: &[(u16, &str)] = &[
        (0x0000, "all zero"),
        (0x0010, "c.addi4spn with imm 0 (rd=a2)"),
        (0x8000, "quadrant 0 funct3 4"),
        (0x9ffc, "quadrant 0 funct3 4, all bits"),
        (0x2001, "c.addiw rd=0"),
        (0x6101, "c.addi16sp 0"),
        (0x6501, "c.lui a0,0"),
        (0x6001, "c.lui zero,0"),
        (0x9c41, "reserved CA (funct2 2)"),
        (0x9c61, "reserved CA (funct2 3)"),
        (0x4002, "c.lwsp rd=0"),
        (0x6002, "c.ldsp rd=0"),
        (0x8002, "c.jr zero"),
    ];
    for &(c, what) in table {
        assert!(reserved(c), "{what}: the test's table disagrees");
        assert_eq!(expand(c), Inst::illegal(c as u32, 2), "{what}: {c:#06x}");
    }
}
