//! Every way an executable is refused, with its message.

use super::image::*;
use super::*;

fn load_err(image: &[u8]) -> String {
    let mut mem = Memory::new();
    let mut hart = Hart::new();
    match Process::load(image, config(), &mut mem, &mut hart) {
        Ok(_) => panic!("image was accepted"),
        Err(ElfError(msg)) => msg,
    }
}

#[test]
fn minimal_image_loads() {
    let g = Guest::new();
    assert_eq!(g.hart.pc, 0x11000);
}

#[test]
fn not_elf() {
    assert_eq!(load_err(b""), "not an ELF file");
    assert_eq!(load_err(b"#!/bin/sh\necho hi\n"), "not an ELF file");
    assert_eq!(load_err(b"\x7fEL"), "not an ELF file");
}

#[test]
fn truncated_header() {
    let img = ElfBuilder::minimal().build();
    assert_eq!(load_err(&img[..10]), "truncated: the ELF header lies outside the file");
    assert_eq!(load_err(&img[..63]), "truncated: the ELF header lies outside the file");
}

#[test]
fn foreign_architectures() {
    for (machine, name) in [(62u16, "x86-64"), (183, "AArch64"), (3, "x86"), (40, "ARM"), (9999, "machine 9999")] {
        let mut b = ElfBuilder::minimal();
        b.machine = machine;
        assert_eq!(load_err(&b.build()), format!("ELF for {name}, not RISC-V"));
    }
    // A 32-bit x86 file is reported by its machine first.
    let mut b = ElfBuilder::minimal();
    b.machine = 3;
    b.class = 1;
    assert_eq!(load_err(&b.build()), "ELF for x86, not RISC-V");
}

#[test]
fn rv32_and_big_endian() {
    let mut b = ElfBuilder::minimal();
    b.class = 1;
    assert_eq!(load_err(&b.build()), "32-bit RISC-V ELF (RV32), not RV64");
    let mut b = ElfBuilder::minimal();
    b.class = 7;
    assert_eq!(load_err(&b.build()), "invalid ELF class 7");
    let mut img = ElfBuilder::minimal().build();
    img[5] = 2; // ELFDATA2MSB: e_machine now reads 0xf300
    assert_eq!(load_err(&img), "ELF for machine 62208, not RISC-V");
    img[18..20].copy_from_slice(&243u16.to_be_bytes());
    assert_eq!(load_err(&img), "big-endian RISC-V ELF: RISC-V Linux is little-endian");
    img[5] = 3;
    assert_eq!(load_err(&img), "invalid ELF data encoding 3");
}

#[test]
fn not_executables() {
    for (t, msg) in [
        (1u16, "relocatable object (ET_REL), not an executable: link it first"),
        (4, "core dump (ET_CORE), not an executable"),
        (0, "unsupported ELF type 0, not an executable"),
    ] {
        let mut b = ElfBuilder::minimal();
        b.e_type = t;
        assert_eq!(load_err(&b.build()), msg);
    }
}

#[test]
fn bad_program_header_table() {
    let mut b = ElfBuilder::minimal();
    b.phentsize = 32;
    assert_eq!(load_err(&b.build()), "bad program header size 32 (expected 56)");

    let mut b = ElfBuilder::minimal();
    b.phdrs.clear();
    assert_eq!(load_err(&b.build()), "no program headers");

    // Only the first two headers fit in the file.
    let b = ElfBuilder::minimal();
    let img = b.build();
    let cut = 64 + 2 * 56 + 10;
    let mut short = img[..cut].to_vec();
    short[0x38..0x3a].copy_from_slice(&3u16.to_le_bytes());
    assert_eq!(load_err(&short), "truncated: program header 2 lies outside the file");

    // e_phoff pointing far outside the file, and wrapping.
    for phoff in [0x10_0000u64, u64::MAX - 8] {
        let mut img = ElfBuilder::minimal().build();
        img[32..40].copy_from_slice(&phoff.to_le_bytes());
        assert_eq!(load_err(&img), "truncated: program header 0 lies outside the file");
    }
}

#[test]
fn segment_outside_file() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].filesz = 0x1000; // 0x2000 + 0x1000 > 0x2100
    assert_eq!(load_err(&b.build()), "truncated: the segment of program header 1 lies outside the file");
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].offset = u64::MAX - 4;
    assert_eq!(load_err(&b.build()), "truncated: the segment of program header 1 lies outside the file");
}

#[test]
fn filesz_above_memsz() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].memsz = 0x8;
    assert_eq!(load_err(&b.build()), "program header 1: p_filesz (0x10) exceeds p_memsz (0x8)");
}

#[test]
fn overlapping_segments() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].vaddr = 0x11008; // inside the text segment, same page offset
    b.phdrs[1].offset = 0x2008;
    b.phdrs[1].filesz = 0x8;
    assert_eq!(
        load_err(&b.build()),
        "program headers 0 and 1: segments overlap (0x10000..0x11010 and 0x11008..0x12808)"
    );
}

#[test]
fn segments_sharing_a_page_are_fine() {
    // The data segment starts on the text segment's last page, past its
    // end: allowed (linkers do this), the shared page gets the later
    // segment's permissions, as with Linux's successive mmaps.
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].vaddr = 0x11020;
    b.phdrs[1].offset = 0x1020;
    b.phdrs[1].filesz = 0x10;
    b.file[0x1020..0x1030].fill(0x77);
    let mut g = Guest::load(&b.build(), config());
    assert_eq!(g.peek(0x11020, 2), [0x77, 0x77]);
    assert_eq!(g.peek(0x11000, 4), EXIT_CODE[..4]);
    assert_eq!(g.mem.region_at(0x11000).unwrap().perms, Perms::RW);
}

#[test]
fn huge_memsz() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].memsz = u64::MAX - 0x1000;
    assert_eq!(
        load_err(&b.build()),
        format!("program header 1: segment 0x12000 + {:#x} wraps around the address space", u64::MAX - 0x1000)
    );
    // No wrap, but beyond the user address space.
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].memsz = 0x40_0000_0000;
    assert_eq!(
        load_err(&b.build()),
        "program header 1: segment 0x12000..0x4000012000 lies outside the user address space (0x10000..0x3ff7fff000)"
    );
}

#[test]
fn segment_below_mmap_min() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[0].vaddr = 0x1000;
    b.entry = 0x2000;
    assert_eq!(
        load_err(&b.build()),
        "program header 0: segment 0x1000..0x2010 lies outside the user address space (0x10000..0x3ff7fff000)"
    );
}

#[test]
fn misaligned_segment() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].vaddr = 0x12004;
    assert_eq!(
        load_err(&b.build()),
        "program header 1: p_vaddr (0x12004) and p_offset (0x2000) differ modulo the page size"
    );
    let mut b = ElfBuilder::minimal();
    b.phdrs[1].align = 0x1800;
    assert_eq!(load_err(&b.build()), "program header 1: alignment 0x1800 is not a power of two");
}

#[test]
fn dynamically_linked() {
    let with_interp = |bytes: &[u8], filesz: u64| {
        let mut b = ElfBuilder::minimal();
        b.file[0x300..0x300 + bytes.len()].copy_from_slice(bytes);
        b.phdrs.insert(
            0,
            Phdr { p_type: PT_INTERP, flags: PF_R, offset: 0x300, vaddr: 0x10300, filesz, memsz: filesz, align: 1 },
        );
        b.build()
    };
    let interp = b"/nonexistent/ld-vmjit-test.so.1\0";
    assert_eq!(
        load_err(&with_interp(interp, interp.len() as u64)),
        "interpreter /nonexistent/ld-vmjit-test.so.1: not found (no sysroot given: pass the directory \
         holding the RISC-V libraries as sysroot)"
    );
    // The path must end with its NUL within the segment, and be neither
    // empty nor longer than PATH_MAX (load_elf_binary's checks).
    assert_eq!(
        load_err(&with_interp(interp, interp.len() as u64 - 1)),
        "program header 0: the PT_INTERP path does not end with a NUL"
    );
    assert_eq!(load_err(&with_interp(b"\0\0", 2)), "program header 0: empty PT_INTERP path");
    assert_eq!(load_err(&with_interp(b"/", 1)), "program header 0: bad PT_INTERP size 1");
    assert_eq!(load_err(&with_interp(b"/", 4097)), "program header 0: bad PT_INTERP size 4097");
    // A PT_INTERP outside the file is a truncation.
    let mut b = ElfBuilder::minimal();
    b.phdrs.push(Phdr { p_type: PT_INTERP, flags: PF_R, offset: 0x9000, vaddr: 0, filesz: 10, memsz: 10, align: 1 });
    assert_eq!(load_err(&b.build()), "truncated: PT_INTERP of program header 3 lies outside the file");
}

#[test]
fn no_loadable_segment() {
    let mut b = ElfBuilder::minimal();
    b.phdrs.retain(|p| p.p_type != PT_LOAD);
    assert_eq!(load_err(&b.build()), "no loadable segments (no PT_LOAD with a non-zero size)");
}

#[test]
fn rve_is_refused() {
    let mut img = ElfBuilder::minimal().build();
    img[48..52].copy_from_slice(&0x8u32.to_le_bytes());
    assert_eq!(load_err(&img), "RV64E executable (EF_RISCV_RVE): only RV64GC is supported");
}

#[test]
fn argument_strings_are_checked() {
    let mut mem = Memory::new();
    let mut hart = Hart::new();
    let img = ElfBuilder::minimal().build();
    let mut cfg = config();
    cfg.argv.push(b"a\0b".to_vec());
    let e = Process::load(&img, cfg, &mut mem, &mut hart).err().unwrap();
    assert_eq!(e.0, "argument 2 contains a NUL byte");
    let mut cfg = config();
    cfg.envp = vec![vec![b'x'; 3 << 20]];
    let e = Process::load(&img, cfg, &mut mem, &mut hart).err().unwrap();
    assert_eq!(e.0, "environment string 0 is too long (3145728 bytes)");
    let mut cfg = config();
    cfg.envp = vec![vec![b'x'; 100_000]; 30];
    let e = Process::load(&img, cfg, &mut mem, &mut hart).err().unwrap();
    assert!(e.0.starts_with("argument list too long: 30000"), "{}", e.0);
}

/// Random bytes never make the parser panic.
#[test]
fn garbage_never_panics() {
    let base = ElfBuilder::minimal().build();
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2000 {
        let mut img = base.clone();
        for _ in 0..(next() % 8 + 1) {
            // Corrupt the header and program headers mostly.
            let i = (next() % 0x130) as usize;
            img[i] = next() as u8;
        }
        let cut = (next() % img.len() as u64) as usize;
        let img = if next() % 4 == 0 { &img[..cut] } else { &img[..] };
        let mut mem = Memory::new();
        let mut hart = Hart::new();
        let _ = Process::load(img, config(), &mut mem, &mut hart);
    }
}
