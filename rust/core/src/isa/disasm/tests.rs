//! Disassembler tests: single instructions (aliases, rounding modes,
//! suffixes, raw words) and `disassemble_elf` on malformed images. Whole
//! listings are checked against objdump in tests/isa_golden.rs.

use super::{disasm, disassemble_elf, DisasmError};
use crate::isa::decode;

/// The text of the instruction `bits` at `pc`.
fn text(bits: u32, pc: u64) -> String {
    disasm(&decode(bits), pc)
}

#[test]
fn integer_aliases() {
    let cases: &[(u32, &str)] = &[
        (0x0000_0013, "nop"),
        (0x0050_0513, "li a0,5"),
        (0xfff0_0793, "li a5,-1"),
        (0x0005_8513, "mv a0,a1"),
        (0x0015_8513, "addi a0,a1,1"),
        (0x0004_841b, "sext.w s0,s1"),
        (0x0015_851b, "addiw a0,a1,1"),
        (0xfff5_c513, "not a0,a1"),
        (0x0016_b613, "seqz a2,a3"),
        (0x0ffb_fb13, "zext.b s6,s7"),
        (0x40e0_06b3, "neg a3,a4"),
        (0x4150_0a3b, "negw s4,s5"),
        (0x01b0_3d33, "snez s10,s11"),
        (0x0002_21b3, "sltz gp,tp"),
        (0x0010_2fb3, "sgtz t6,ra"),
        // A 32-bit add from zero stays an add; only c.mv prints as mv.
        (0x0060_02b3, "add t0,zero,t1"),
        (0x852e, "mv a0,a1"),
        (0x03f3_1293, "slli t0,t1,0x3f"),
        (0x43f7_d713, "srai a4,a5,0x3f"),
        (0x01f7_971b, "slliw a4,a5,0x1f"),
        (0x1234_5537, "lui a0,0x12345"),
        (0xffff_f297, "auipc t0,0xfffff"),
        (0x7ff4_a403, "lw s0,2047(s1)"),
        (0x8051_1023, "sh t0,-2048(sp)"),
        (0x2522, "fld fa0,8(sp)"),
    ];
    for &(bits, expected) in cases {
        assert_eq!(text(bits, 0), expected, "{bits:#010x}");
    }
}

#[test]
fn jumps_and_branches_print_absolute_targets() {
    let pc = 0x1_0100;
    let cases: &[(u32, &str)] = &[
        (0x0000_00ef, "jal 10100"),
        (0xfe5f_f56f, "jal a0,100e4"),
        (0x0340_006f, "j 10134"),
        (0xa001, "j 10100"),
        (0x0000_8067, "ret"),
        (0x8082, "ret"),
        (0x0003_8067, "jr t2"),
        (0x0085_0067, "jr 8(a0)"),
        (0x000a_00e7, "jalr s4"),
        (0x8003_00e7, "jalr -2048(t1)"),
        (0x0006_8667, "jalr a2,a3"),
        (0x7ff6_8667, "jalr a2,2047(a3)"),
        (0x00b5_0063, "beq a0,a1,10100"),
        (0x0003_0463, "beqz t1,10108"),
        (0xfe0b_1ee3, "bnez s6,100fc"),
        (0xfe0b_cee3, "bltz s7,100fc"),
        (0x0180_4e63, "bgtz s8,1011c"),
        (0x000c_d463, "bgez s9,10108"),
        (0x01a0_5a63, "blez s10,10114"),
        (0x0000_5863, "blez zero,10110"),
        (0xfdc0_62e3, "bltu zero,t3,100c4"),
        (0xdc75, "beqz s0,100fc"),
    ];
    for &(bits, expected) in cases {
        assert_eq!(text(bits, pc), expected, "{bits:#010x}");
    }
    // Targets wrap around the address space like the pc does.
    assert_eq!(text(0xff5f_f0ef, 0), "jal fffffffffffffff4");
}

#[test]
fn system_fences_and_atomics() {
    let cases: &[(u32, &str)] = &[
        (0x0ff0_000f, "fence"),
        (0x0330_000f, "fence rw,rw"),
        (0x0f40_000f, "fence iorw,o"),
        (0x0100_000f, "fence w,unknown"),
        (0x8330_000f, "fence.tso"),
        (0x0000_100f, "fence.i"),
        (0x0000_0073, "ecall"),
        (0x0010_0073, "ebreak"),
        (0x9002, "ebreak"),
        (0x3020_0073, "mret"),
        (0x1020_0073, "sret"),
        (0x1050_0073, "wfi"),
        (0x1200_0073, "sfence.vma"),
        (0x1205_0073, "sfence.vma a0"),
        (0x12b5_0073, "sfence.vma a0,a1"),
        (0x1005_a52f, "lr.w a0,(a1)"),
        (0x1403_22af, "lr.w.aq t0,(t1)"),
        (0x1a91_242f, "sc.w.rl s0,s1,(sp)"),
        (0xe6d7_302f, "amomaxu.d.aqrl zero,a3,(a4)"),
    ];
    for &(bits, expected) in cases {
        assert_eq!(text(bits, 0), expected, "{bits:#010x}");
    }
}

#[test]
fn csr_forms_and_aliases() {
    let cases: &[(u32, &str)] = &[
        (0x3405_9573, "csrrw a0,mscratch,a1"),
        (0x3003_22f3, "csrrs t0,mstatus,t1"),
        (0x3050_5673, "csrrwi a2,mtvec,0"),
        (0x8000_fff3, "csrrci t6,0x800,1"),
        (0xf140_2573, "csrr a0,mhartid"),
        (0x3420_2073, "csrr zero,mcause"),
        (0x1805_1073, "csrw satp,a0"),
        (0x3410_1073, "csrw mepc,zero"),
        (0x1042_a073, "csrs sie,t0"),
        (0x1443_3073, "csrc sip,t1"),
        (0x1402_d073, "csrwi sscratch,5"),
        (0x3004_6073, "csrsi mstatus,8"),
        (0x300f_f073, "csrci mstatus,31"),
        (0x0010_2573, "frflags a0"),
        (0x0015_9073, "fsflags a1"),
        (0x0016_9673, "fsflags a2,a3"),
        (0x0013_d073, "fsflagsi zero,7"),
        (0x0020_27f3, "frrm a5"),
        (0x0028_1073, "fsrm a6"),
        (0x0022_59f3, "fsrmi s3,4"),
        (0x0030_2a73, "frcsr s4"),
        (0x003b_9b73, "fscsr s6,s7"),
        (0xc000_22f3, "rdcycle t0"),
        (0xc010_2373, "rdtime t1"),
        (0xc020_23f3, "rdinstret t2"),
        (0xc00e_ae73, "csrrs t3,cycle,t4"),
        (0xc000_1073, "unimp"),
        (0x7c05_9573, "csrrw a0,0x7c0,a1"),
    ];
    for &(bits, expected) in cases {
        assert_eq!(text(bits, 0), expected, "{bits:#010x}");
    }
}

#[test]
fn floating_point_and_rounding_modes() {
    let cases: &[(u32, &str)] = &[
        (0x02c5_f553, "fadd.d fa0,fa1,fa2"),
        (0x02c5_8553, "fadd.d fa0,fa1,fa2,rne"),
        (0x02c5_9553, "fadd.d fa0,fa1,fa2,rtz"),
        (0x02c5_a553, "fadd.d fa0,fa1,fa2,rdn"),
        (0x02c5_b553, "fadd.d fa0,fa1,fa2,rup"),
        (0x02c5_c553, "fadd.d fa0,fa1,fa2,rmm"),
        (0x6ac5_f543, "fmadd.d fa0,fa1,fa2,fa3"),
        (0x68c5_9547, "fmsub.s fa0,fa1,fa2,fa3,rtz"),
        (0x5802_f253, "fsqrt.s ft4,ft5"),
        (0xc005_1553, "fcvt.w.s a0,fa0,rtz"),
        (0xc005_7553, "fcvt.w.s a0,fa0"),
        (0xd038_f8d3, "fcvt.s.lu fa7,a7"),
        (0x4015_f553, "fcvt.s.d fa0,fa1"),
        // Exact widening conversions: rne is their default.
        (0x4205_8553, "fcvt.d.s fa0,fa1"),
        (0x4205_9553, "fcvt.d.s fa0,fa1,rtz"),
        (0xd205_0553, "fcvt.d.w fa0,a0"),
        (0xd205_7553, "fcvt.d.w fa0,a0,dyn"),
        (0xd21d_8453, "fcvt.d.wu fs0,s11"),
        (0x22b5_8553, "fmv.d fa0,fa1"),
        (0x2094_9453, "fneg.s fs0,fs1"),
        (0x22e7_26d3, "fabs.d fa3,fa4"),
        (0x20c5_8553, "fsgnj.s fa0,fa1,fa2"),
        (0x2a41_8153, "fmin.d ft2,ft3,ft4"),
        (0xa0b5_2553, "feq.s a0,fa0,fa1"),
        (0xe006_15d3, "fclass.s a1,fa2"),
        (0xe205_0553, "fmv.x.d a0,fa0"),
        (0xf005_0553, "fmv.w.x fa0,a0"),
        (0x0081_b507, "fld fa0,8(gp)"),
        (0x01b2_3827, "fsd fs11,16(tp)"),
    ];
    for &(bits, expected) in cases {
        assert_eq!(text(bits, 0), expected, "{bits:#010x}");
    }
}

#[test]
fn hints_print_their_expanded_form() {
    let cases: &[(u32, &str)] = &[
        (0x000d, "li zero,3"),
        (0x4005, "li zero,1"),
        (0x6005, "lui zero,0x1"),
        (0x0502, "slli a0,a0,0x0"),
        (0x0501, "mv a0,a0"),
        (0x802a, "mv zero,a0"),
    ];
    for &(bits, expected) in cases {
        assert_eq!(text(bits, 0), expected, "{bits:#06x}");
    }
}

#[test]
fn illegal_encodings_print_their_raw_bits() {
    assert_eq!(text(0x0000, 0), "unimp");
    assert_eq!(text(0x6101, 0), ".2byte 0x6101");
    assert_eq!(text(0x0000_5053, 0), ".4byte 0x5053");
    assert_eq!(text(0xffff_ffff, 0), ".4byte 0xffffffff");
}

#[test]
fn non_elf_images_are_rejected() {
    assert!(matches!(disassemble_elf(&[]), Err(DisasmError::NotElf(_))));
    assert!(matches!(
        disassemble_elf(b"#!/bin/sh\n"),
        Err(DisasmError::NotElf(_))
    ));
    assert!(matches!(
        disassemble_elf(b"\x7fELF"),
        Err(DisasmError::NotElf(_))
    ));
}

/// A 64-byte ELF header with no sections.
fn header(class: u8, data: u8, machine: u16) -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = class;
    h[5] = data;
    h[6] = 1;
    h[16] = 2; // ET_EXEC
    h[18..20].copy_from_slice(&machine.to_le_bytes());
    h[20] = 1;
    h[52] = 64; // e_ehsize
    h
}

#[test]
fn other_machines_and_classes_are_unsupported() {
    let riscv = 243;
    assert!(matches!(
        disassemble_elf(&header(2, 1, 62)),
        Err(DisasmError::Unsupported(_))
    ));
    assert!(matches!(
        disassemble_elf(&header(2, 2, riscv)),
        Err(DisasmError::Unsupported(_)) | Err(DisasmError::NotElf(_))
    ));
    let mut elf32 = header(1, 1, riscv);
    elf32.truncate(52);
    assert!(matches!(
        disassemble_elf(&elf32),
        Err(DisasmError::Unsupported(_))
    ));
    // No section headers at all: nothing to list.
    assert_eq!(disassemble_elf(&header(2, 1, riscv)), Ok(String::new()));
}

#[test]
fn section_headers_outside_the_image_are_malformed() {
    let mut h = header(2, 1, 243);
    h[40..48].copy_from_slice(&0x1000u64.to_le_bytes()); // e_shoff
    h[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
    h[60..62].copy_from_slice(&3u16.to_le_bytes()); // e_shnum
    assert!(matches!(
        disassemble_elf(&h),
        Err(DisasmError::Malformed(_))
    ));
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

const GOLDEN: &[u8] = include_bytes!("../../../tests/isa_data/listing.rv64gc.elf");

#[test]
fn corrupt_images_never_panic() {
    // Every truncation, then random byte corruptions: each call must
    // return, with a listing or an error.
    for len in 0..GOLDEN.len() {
        let _ = disassemble_elf(&GOLDEN[..len]);
    }
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut listed = 0;
    for _ in 0..5_000 {
        let mut image = GOLDEN.to_vec();
        for _ in 0..1 + rng.next() % 8 {
            let at = (rng.next() % image.len() as u64) as usize;
            image[at] = match rng.next() % 4 {
                0 => 0,
                1 => 0xff,
                _ => rng.next() as u8,
            };
        }
        if disassemble_elf(&image).is_ok() {
            listed += 1;
        }
    }
    // Most corruptions hit code or padding and still list.
    assert!(listed > 2_500, "{listed}");
}

#[test]
fn hostile_section_headers_never_panic() {
    // Corrupt only the section header table and the symbol table, where
    // offsets, sizes and indexes live.
    let shoff = u64::from_le_bytes(GOLDEN[40..48].try_into().unwrap()) as usize;
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let mut image = GOLDEN.to_vec();
        let at = shoff + (rng.next() % (image.len() - shoff) as u64) as usize;
        let value = rng.next().to_le_bytes();
        let width = 1 + (rng.next() % 8) as usize;
        let end = (at + width).min(image.len());
        image[at..end].copy_from_slice(&value[..end - at]);
        let _ = disassemble_elf(&image);
    }
}
