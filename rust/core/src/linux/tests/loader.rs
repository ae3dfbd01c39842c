//! Segments in memory: contents, permissions, bss, brk, PIE placement.

use super::image::*;
use super::*;
use crate::linux::layout::{PIE_BASE, STACK_BOTTOM, STACK_TOP};

#[test]
fn segments_are_mapped_with_their_permissions() {
    let g = Guest::new();
    let text = g.mem.region_at(0x10000).unwrap();
    assert_eq!((text.start, text.end, text.perms), (0x10000, 0x12000, Perms::RX));
    assert_eq!(text.name, "/bin/prog");
    let data = g.mem.region_at(0x12000).unwrap();
    assert_eq!((data.start, data.end, data.perms), (0x12000, 0x14000, Perms::RW));
    assert!(g.mem.region_at(0xf000).is_none());
    assert!(g.mem.region_at(0x14000).is_none());
}

#[test]
fn file_bytes_are_copied() {
    let mut g = Guest::new();
    assert_eq!(g.peek(0x11000, 12), EXIT_CODE);
    // The first page holds the ELF header, as a file mapping shows it.
    assert_eq!(g.peek(0x10000, 4), b"\x7fELF");
    let data: Vec<u8> = (0xd0..0xe0).collect();
    assert_eq!(g.peek(0x12000, 16), data);
}

#[test]
fn bss_is_zero_including_the_file_page_tail() {
    let mut g = Guest::new();
    // The file has 0xee bytes after the data segment's 16 file bytes; the
    // bss hides them (padzero).
    assert!(g.peek(0x12010, 0x1ff0).iter().all(|&b| b == 0));
    assert!(g.peek(0x13000, 0x1000).iter().all(|&b| b == 0));
}

#[test]
fn file_page_tail_shows_without_bss() {
    // A segment without bss shows the rest of its last file page, as an
    // mmap of the file would.
    let mut b = ElfBuilder::minimal();
    b.file[0x1800] = 0xcc;
    let mut g = Guest::load(&b.build(), config());
    assert_eq!(g.peek(0x11800, 1), [0xcc]);
}

#[test]
fn brk_starts_after_the_highest_segment() {
    let mut g = Guest::new();
    assert_eq!(g.p.brk(), 0x14000);
    assert_eq!(g.call(nr::BRK, &[0]), 0x14000);
    assert_eq!(g.p.image().brk_start, 0x14000);
}

#[test]
fn registers_at_entry() {
    let g = Guest::new();
    assert_eq!(g.hart.pc, 0x11000);
    let sp = g.hart.x[2];
    assert_eq!(sp % 16, 0);
    assert!(sp > STACK_BOTTOM && sp < STACK_TOP);
    for (i, &x) in g.hart.x.iter().enumerate() {
        if i != 2 {
            assert_eq!(x, 0, "x{i}");
        }
    }
}

#[test]
fn stack_region() {
    let g = Guest::new();
    let s = g.mem.region_at(STACK_TOP - 1).unwrap();
    assert_eq!((s.start, s.end, s.perms, s.name.as_str()), (STACK_BOTTOM, STACK_TOP, Perms::RW, "[stack]"));
    assert_eq!(STACK_TOP - STACK_BOTTOM, 8 << 20);
    // Nothing just below or above it: an overflow faults.
    assert!(g.mem.region_at(STACK_BOTTOM - 1).is_none());
    assert!(g.mem.region_at(STACK_TOP).is_none());
}

#[test]
fn executable_stack_on_request() {
    let mut b = ElfBuilder::minimal();
    b.phdrs[2].flags = PF_R | PF_W | PF_X;
    let g = Guest::load(&b.build(), config());
    assert_eq!(g.mem.region_at(STACK_TOP - 1).unwrap().perms, Perms::RWX);
}

#[test]
fn phdr_address() {
    let g = Guest::new();
    // The program headers follow the ELF header in the file, inside the
    // first segment.
    assert_eq!(g.p.image().phdr, 0x10040);
    assert_eq!(g.p.image().phnum, 3);
}

fn pie() -> ElfBuilder {
    let mut b = ElfBuilder::minimal();
    b.e_type = 3;
    b.entry = 0x1000;
    b.phdrs[0].vaddr = 0;
    b.phdrs[1].vaddr = 0x2000;
    b
}

#[test]
fn pie_is_loaded_at_the_pie_base() {
    let mut g = Guest::load(&pie().build(), config());
    assert_eq!(PIE_BASE, 0x2a_aaaa_a000);
    let img = g.p.image().clone();
    assert_eq!(img.bias, PIE_BASE);
    assert_eq!(img.entry, PIE_BASE + 0x1000);
    assert_eq!(g.hart.pc, PIE_BASE + 0x1000);
    assert_eq!(img.phdr, PIE_BASE + 0x40);
    assert_eq!((img.start, img.end), (PIE_BASE, PIE_BASE + 0x4000));
    assert_eq!(g.p.brk(), PIE_BASE + 0x4000);
    assert_eq!(g.peek(PIE_BASE + 0x1000, 12), EXIT_CODE);
    assert_eq!(g.mem.region_at(PIE_BASE + 0x2000).unwrap().perms, Perms::RW);
    let auxv = g.p.auxv().to_vec();
    assert!(auxv.contains(&(9, PIE_BASE + 0x1000)), "AT_ENTRY");
    assert!(auxv.contains(&(3, PIE_BASE + 0x40)), "AT_PHDR");
}

#[test]
fn pie_honours_large_alignment() {
    let mut b = pie();
    b.phdrs[0].align = 0x20_0000;
    let g = Guest::load(&b.build(), config());
    assert_eq!(g.p.image().bias, PIE_BASE & !0x1f_ffff);
}

#[test]
fn pie_with_nonzero_first_vaddr() {
    let mut b = pie();
    b.phdrs[0].vaddr = 0x10000;
    b.phdrs[1].vaddr = 0x12000;
    b.entry = 0x11000;
    let g = Guest::load(&b.build(), config());
    // bias + first vaddr lands on the base.
    assert_eq!(g.p.image().bias.wrapping_add(0x10000), PIE_BASE);
    assert_eq!(g.hart.pc, PIE_BASE + 0x1000);
}

#[test]
fn phdrs_outside_any_segment() {
    // Headers at file offset 64 but the first segment starts at 0x1000:
    // Linux then reports only the load bias (0 for ET_EXEC).
    let mut b = ElfBuilder::minimal();
    b.phdrs[0].offset = 0x1000;
    b.phdrs[0].vaddr = 0x11000;
    b.phdrs[0].filesz = 0x10;
    b.phdrs[0].memsz = 0x10;
    let g = Guest::load(&b.build(), config());
    assert_eq!(g.p.image().phdr, 0);
}
