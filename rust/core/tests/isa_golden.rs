//! Golden tests of the decoder and the disassembler against GNU objdump.
//!
//! `isa_data/` holds assembly sources that together use every RV64GC
//! instruction (every compressed form, rounding mode, aq/rl variant and
//! CSR form included), each assembled for rv64gc and for rv64g, with the
//! `objdump -d` listing of every build (see `isa_data/Makefile`). Nothing
//! here needs the cross tools.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use goblin::elf::section_header::SHF_EXECINSTR;
use goblin::elf::Elf;
use vmjit_core::isa::disasm::disassemble_elf;
use vmjit_core::isa::{decode, inst_len, Inst, Op};

/// Every source, by file stem.
const SOURCES: &[&str] = &["rv64i", "rv64ma", "rv64fd", "zicsr", "rvc", "listing"];
/// The sources made only of instructions (`listing` mixes in data and
/// relocated addresses), whose rv64gc and rv64g builds must decode alike.
const INSTRUCTION_SOURCES: &[&str] = &["rv64i", "rv64ma", "rv64fd", "zicsr", "rvc"];
const ARCHES: &[&str] = &["rv64gc", "rv64g"];
/// A build with every symbol stripped (objdump then names no symbols).
const STRIPPED: &str = "listing.rv64gc.stripped";

/// Every build, by file stem (`rv64i.rv64gc` for `rv64i.rv64gc.elf`).
fn builds() -> Vec<String> {
    let mut all: Vec<String> = SOURCES
        .iter()
        .flat_map(|s| ARCHES.iter().map(move |a| format!("{s}.{a}")))
        .collect();
    all.push(STRIPPED.to_string());
    all
}

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/isa_data")
        .join(name)
}

fn read_elf(build: &str) -> Vec<u8> {
    let path = data_path(&format!("{build}.elf"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// objdump's listing from its first `Disassembly of section` block on
/// (what `disassemble_elf` prints), without the file-name header.
fn objdump_listing(build: &str) -> Vec<String> {
    let path = data_path(&format!("{build}.objdump"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("Disassembly of section"))
        .expect("objdump listing without a section");
    // Keep the empty line before it, as disassemble_elf prints it too.
    lines[first - 1..].iter().map(|l| l.to_string()).collect()
}

/// The one deliberate difference between `disassemble_elf` and the
/// listings, which binutils 2.40 made: it names the immediate forms of
/// add, and, or, xor, addw, the shifts and the CSR instructions after
/// their register forms (`add a0,a0,1` for addi, `sll` for slli, `csrrs`
/// for csrrsi, `csrw` for csrwi, ...). Such a mnemonic followed by an
/// immediate last operand is renamed here to the immediate form, which is
/// what `disassemble_elf` prints. Everything else must match exactly, up
/// to trailing whitespace.
fn objdump_2_40_immediate_form(line: &str) -> String {
    const RENAMES: &[(&str, &str)] = &[
        ("add", "addi"),
        ("and", "andi"),
        ("or", "ori"),
        ("xor", "xori"),
        ("addw", "addiw"),
        ("sll", "slli"),
        ("srl", "srli"),
        ("sra", "srai"),
        ("sllw", "slliw"),
        ("srlw", "srliw"),
        ("sraw", "sraiw"),
        ("csrrw", "csrrwi"),
        ("csrrs", "csrrsi"),
        ("csrrc", "csrrci"),
        ("csrw", "csrwi"),
        ("csrs", "csrsi"),
        ("csrc", "csrci"),
    ];
    let mut fields: Vec<&str> = line.split('\t').collect();
    if fields.len() < 4 {
        return line.to_string();
    }
    let operands = fields[3].split(" # ").next().unwrap_or("");
    let last = operands.rsplit(',').next().unwrap_or("");
    let digits = last.strip_prefix('-').unwrap_or(last);
    let is_immediate = digits.starts_with("0x") && digits.len() > 2
        || !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if let Some((_, immediate_form)) = RENAMES.iter().find(|(name, _)| *name == fields[2]) {
        if is_immediate {
            fields[2] = immediate_form;
        }
    }
    fields.join("\t")
}

/// The instructions of the executable sections of an image, with their
/// addresses.
fn decode_code(image: &[u8]) -> Vec<(u64, Inst)> {
    let elf = Elf::parse(image).expect("ELF");
    let mut out = Vec::new();
    for sh in &elf.section_headers {
        if sh.sh_flags & u64::from(SHF_EXECINSTR) == 0 || sh.sh_size == 0 {
            continue;
        }
        let start = sh.sh_offset as usize;
        let bytes = &image[start..start + sh.sh_size as usize];
        let mut at = 0;
        while at + 2 <= bytes.len() {
            let lo = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
            let bits = match inst_len(lo) {
                2 => lo as u32,
                _ => u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")),
            };
            let inst = decode(bits);
            out.push((sh.sh_addr + at as u64, inst));
            at += inst.len as usize;
        }
    }
    out
}

/// Instructions with `len` cleared and pc-relative jump and branch
/// offsets replaced by the index of their target instruction, which is
/// the same in both builds.
fn comparable(code: &[(u64, Inst)]) -> Vec<Inst> {
    let index: HashMap<u64, usize> = code
        .iter()
        .enumerate()
        .map(|(i, (pc, _))| (*pc, i))
        .collect();
    code.iter()
        .map(|&(pc, inst)| {
            let mut inst = Inst { len: 0, ..inst };
            if matches!(
                inst.op,
                Op::Jal | Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu
            ) {
                let target = pc.wrapping_add(inst.imm as i64 as u64);
                let target_index = index
                    .get(&target)
                    .unwrap_or_else(|| panic!("{pc:#x}: target {target:#x}"));
                inst.imm = *target_index as i32;
            }
            inst
        })
        .collect()
}

/// The RV64C form of a compressed parcel (unprivileged spec, tables
/// 16.5 to 16.7).
fn compressed_form(bits: u16) -> &'static str {
    let funct3 = bits >> 13;
    let bit12 = bits >> 12 & 1;
    let rd = bits >> 7 & 0x1f;
    let rs2 = bits >> 2 & 0x1f;
    match (bits & 3, funct3) {
        (0, 0) => "c.addi4spn",
        (0, 1) => "c.fld",
        (0, 2) => "c.lw",
        (0, 3) => "c.ld",
        (0, 5) => "c.fsd",
        (0, 6) => "c.sw",
        (0, 7) => "c.sd",
        (1, 0) if rd == 0 => "c.nop",
        (1, 0) => "c.addi",
        (1, 1) => "c.addiw",
        (1, 2) => "c.li",
        (1, 3) if rd == 2 => "c.addi16sp",
        (1, 3) => "c.lui",
        (1, 4) => match (bits >> 10 & 3, bit12, bits >> 5 & 3) {
            (0, _, _) => "c.srli",
            (1, _, _) => "c.srai",
            (2, _, _) => "c.andi",
            (_, 0, 0) => "c.sub",
            (_, 0, 1) => "c.xor",
            (_, 0, 2) => "c.or",
            (_, 0, 3) => "c.and",
            (_, 1, 0) => "c.subw",
            (_, 1, 1) => "c.addw",
            _ => "reserved",
        },
        (1, 5) => "c.j",
        (1, 6) => "c.beqz",
        (1, 7) => "c.bnez",
        (2, 0) => "c.slli",
        (2, 1) => "c.fldsp",
        (2, 2) => "c.lwsp",
        (2, 3) => "c.ldsp",
        (2, 4) => match (bit12, rd, rs2) {
            (0, _, 0) => "c.jr",
            (0, _, _) => "c.mv",
            (1, 0, 0) => "c.ebreak",
            (1, _, 0) => "c.jalr",
            _ => "c.add",
        },
        (2, 5) => "c.fsdsp",
        (2, 6) => "c.swsp",
        (2, 7) => "c.sdsp",
        _ => "reserved",
    }
}

// Under `isa`, so that `cargo test isa` runs them with the unit tests.
mod isa {
    use super::*;

    #[test]
    fn listings_match_objdump() {
        for build in builds() {
            let ours = disassemble_elf(&read_elf(&build)).expect("disassemble");
            let ours: Vec<&str> = ours.lines().map(str::trim_end).collect();
            let expected: Vec<String> = objdump_listing(&build)
                .iter()
                .map(|l| objdump_2_40_immediate_form(l.trim_end()))
                .collect();
            let mismatches: Vec<String> = expected
                .iter()
                .zip(&ours)
                .enumerate()
                .filter(|(_, (e, o))| e.as_str() != **o)
                .take(10)
                .map(|(i, (e, o))| format!("line {}:\n  objdump: {e:?}\n  ours:    {o:?}", i + 1))
                .collect();
            assert!(mismatches.is_empty(), "{build}:\n{}", mismatches.join("\n"));
            assert_eq!(ours.len(), expected.len(), "{build}: line count");
        }
    }

    #[test]
    fn compressed_and_uncompressed_builds_decode_alike() {
        for source in INSTRUCTION_SOURCES {
            let compressed = decode_code(&read_elf(&format!("{source}.rv64gc")));
            let plain = decode_code(&read_elf(&format!("{source}.rv64g")));
            if *source == "rvc" {
                assert!(
                    compressed.iter().all(|(_, i)| i.len == 2),
                    "rvc: not everything was compressed"
                );
            }
            assert!(
                plain.iter().all(|(_, i)| i.len == 4),
                "{source}: rv64g build has compressed code"
            );
            let (a, b) = (comparable(&compressed), comparable(&plain));
            assert_eq!(a.len(), b.len(), "{source}: instruction count");
            for (i, (c, p)) in a.iter().zip(&b).enumerate() {
                assert_eq!(c, p, "{source}: instruction {i} at {:#x}", compressed[i].0);
            }
            assert!(
                a.iter().all(|i| i.op != Op::Illegal),
                "{source}: illegal instruction"
            );
        }
    }

    #[test]
    fn every_operation_appears_in_the_sources() {
        let mut seen = BTreeSet::new();
        for source in SOURCES {
            for (_, inst) in decode_code(&read_elf(&format!("{source}.rv64g"))) {
                seen.insert(inst.op);
            }
        }
        let missing: Vec<Op> = Op::ALL
            .iter()
            .copied()
            .filter(|op| *op != Op::Illegal && !seen.contains(op))
            .collect();
        assert!(missing.is_empty(), "not covered: {missing:?}");
    }

    #[test]
    fn every_compressed_form_appears_in_the_rvc_source() {
        const FORMS: &[&str] = &[
            "c.addi4spn",
            "c.fld",
            "c.lw",
            "c.ld",
            "c.fsd",
            "c.sw",
            "c.sd",
            "c.nop",
            "c.addi",
            "c.addiw",
            "c.li",
            "c.addi16sp",
            "c.lui",
            "c.srli",
            "c.srai",
            "c.andi",
            "c.sub",
            "c.xor",
            "c.or",
            "c.and",
            "c.subw",
            "c.addw",
            "c.j",
            "c.beqz",
            "c.bnez",
            "c.slli",
            "c.fldsp",
            "c.lwsp",
            "c.ldsp",
            "c.jr",
            "c.mv",
            "c.ebreak",
            "c.jalr",
            "c.add",
            "c.fsdsp",
            "c.swsp",
            "c.sdsp",
        ];
        let image = read_elf("rvc.rv64gc");
        let elf = Elf::parse(&image).expect("ELF");
        let text = elf
            .section_headers
            .iter()
            .find(|sh| elf.shdr_strtab.get_at(sh.sh_name) == Some(".text"))
            .expect(".text");
        let bytes = &image[text.sh_offset as usize..(text.sh_offset + text.sh_size) as usize];
        let mut seen = BTreeSet::new();
        let mut at = 0;
        while at + 2 <= bytes.len() {
            let lo = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
            if inst_len(lo) == 2 {
                seen.insert(compressed_form(lo));
            }
            at += inst_len(lo) as usize;
        }
        let missing: Vec<&&str> = FORMS.iter().filter(|f| !seen.contains(**f)).collect();
        assert!(
            missing.is_empty(),
            "compressed forms not produced: {missing:?}"
        );
        assert!(!seen.contains("reserved"));
    }

    #[test]
    fn the_listing_normalisation_only_renames_immediate_forms() {
        assert_eq!(
            objdump_2_40_immediate_form("   1001e:\t0505                \tadd\ta0,a0,1"),
            "   1001e:\t0505                \taddi\ta0,a0,1"
        );
        assert_eq!(
            objdump_2_40_immediate_form(
                "   100d0:\tfe450513          \tadd\ta0,a0,-28 # 100b0 <_start>"
            ),
            "   100d0:\tfe450513          \taddi\ta0,a0,-28 # 100b0 <_start>"
        );
        assert_eq!(
            objdump_2_40_immediate_form("  10:\t00b50533          \tadd\ta0,a0,a1"),
            "  10:\t00b50533          \tadd\ta0,a0,a1"
        );
        assert_eq!(
            objdump_2_40_immediate_form("  3c:\t8005                \tsrl\ts0,s0,0x1"),
            "  3c:\t8005                \tsrli\ts0,s0,0x1"
        );
        assert_eq!(
            objdump_2_40_immediate_form("  88:\t0030e073          \tcsrs\tfcsr,1"),
            "  88:\t0030e073          \tcsrsi\tfcsr,1"
        );
        assert_eq!(
            objdump_2_40_immediate_form("  30:\t1042a073          \tcsrs\tsie,t0"),
            "  30:\t1042a073          \tcsrs\tsie,t0"
        );
    }
}
