use std::sync::Arc;

use super::*;

const BASE: u64 = 0x10000;

fn mapped(perms: Perms) -> Memory {
    let mut m = Memory::new();
    m.map(BASE, 4 * PAGE_SIZE, perms, "test").unwrap();
    m
}

#[test]
fn fresh_pages_read_zero_and_cost_nothing_until_touched() {
    let mut m = Memory::new();
    m.map(BASE, 1 << 30, Perms::RW, "big").unwrap();
    assert_eq!(m.resident_bytes(), 0);
    assert_eq!(m.read_u64(BASE + 12345).unwrap(), 0);
    m.write_u32(BASE + (1 << 20), 7).unwrap();
    assert_eq!(m.resident_bytes(), 2 * PAGE_SIZE);
}

#[test]
fn round_trip_every_width_little_endian() {
    let mut m = mapped(Perms::RW);
    m.write_u64(BASE, 0x0807_0605_0403_0201).unwrap();
    assert_eq!(m.read_u8(BASE).unwrap(), 1);
    assert_eq!(m.read_u16(BASE + 1).unwrap(), 0x0302);
    assert_eq!(m.read_u32(BASE + 4).unwrap(), 0x0807_0605);
    let mut b = [0u8; 8];
    m.read_bytes(BASE, &mut b).unwrap();
    assert_eq!(b, [1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn misaligned_access_across_a_page_boundary() {
    let mut m = mapped(Perms::RW);
    let a = BASE + PAGE_SIZE - 3;
    m.write_u64(a, 0x1122_3344_5566_7788).unwrap();
    assert_eq!(m.read_u64(a).unwrap(), 0x1122_3344_5566_7788);
    assert_eq!(m.read_u8(BASE + PAGE_SIZE).unwrap(), 0x55);
}

#[test]
fn faults_name_address_access_and_kind() {
    let mut m = mapped(Perms::R);
    assert_eq!(
        m.write_u8(BASE + 5, 1),
        Err(MemFault { addr: BASE + 5, access: Access::Write, kind: FaultKind::Protection })
    );
    assert_eq!(
        m.read_u32(BASE - 4),
        Err(MemFault { addr: BASE - 4, access: Access::Read, kind: FaultKind::Unmapped })
    );
    assert_eq!(m.fetch_u16(BASE).unwrap_err().kind, FaultKind::Protection);
    // An access straddling the end of the mapping fails at the first
    // unmapped byte's page and has no partial effect.
    let end = BASE + 4 * PAGE_SIZE;
    let mut w = mapped(Perms::RW);
    assert_eq!(w.write_u32(end - 2, 0xffff_ffff).unwrap_err().addr, end);
    assert_eq!(w.read_u16(end - 2).unwrap(), 0);
}

#[test]
fn addresses_beyond_the_space_fault_without_overflow() {
    let mut m = mapped(Perms::RW);
    assert!(m.read_u64(u64::MAX - 3).is_err());
    let mut b = [0u8; 16];
    assert!(m.read_bytes(u64::MAX - 7, &mut b).is_err());
    assert_eq!(m.map(!PAGE_MASK, PAGE_SIZE, Perms::RW, ""), Err(MapError::OutOfRange));
    assert_eq!(m.map(BASE + 1, PAGE_SIZE, Perms::RW, ""), Err(MapError::Misaligned));
}

#[test]
fn unmap_and_protect_take_effect_through_the_tlb() {
    let mut m = mapped(Perms::RW);
    m.write_u64(BASE + PAGE_SIZE, 42).unwrap();
    assert_eq!(m.read_u64(BASE + PAGE_SIZE).unwrap(), 42); // now cached
    m.protect(BASE + PAGE_SIZE, PAGE_SIZE, Perms::R).unwrap();
    assert_eq!(m.write_u64(BASE + PAGE_SIZE, 1).unwrap_err().kind, FaultKind::Protection);
    assert_eq!(m.read_u64(BASE + PAGE_SIZE).unwrap(), 42);
    m.unmap(BASE + PAGE_SIZE, PAGE_SIZE).unwrap();
    assert_eq!(m.read_u64(BASE + PAGE_SIZE).unwrap_err().kind, FaultKind::Unmapped);
    assert!(m.is_mapped(BASE, PAGE_SIZE));
    assert!(!m.is_mapped(BASE, 2 * PAGE_SIZE));
    // Remapping gives fresh zero pages.
    m.map(BASE + PAGE_SIZE, PAGE_SIZE, Perms::RW, "").unwrap();
    assert_eq!(m.read_u64(BASE + PAGE_SIZE).unwrap(), 0);
    assert_eq!(m.protect(BASE, 8 * PAGE_SIZE, Perms::R), Err(MapError::NotMapped));
}

#[test]
fn regions_split_and_report_names() {
    let mut m = mapped(Perms::RW);
    m.protect(BASE + PAGE_SIZE, PAGE_SIZE, Perms::RX).unwrap();
    let spans: Vec<_> = m.regions().map(|r| (r.start, r.end, r.perms)).collect();
    assert_eq!(
        spans,
        vec![
            (BASE, BASE + PAGE_SIZE, Perms::RW),
            (BASE + PAGE_SIZE, BASE + 2 * PAGE_SIZE, Perms::RX),
            (BASE + 2 * PAGE_SIZE, BASE + 4 * PAGE_SIZE, Perms::RW),
        ]
    );
    assert_eq!(m.region_at(BASE + 3 * PAGE_SIZE).unwrap().name, "test");
}

#[test]
fn find_free_searches_top_down_between_bounds() {
    let mut m = Memory::new();
    m.map(0x20000, PAGE_SIZE, Perms::RW, "").unwrap();
    assert_eq!(m.find_free(PAGE_SIZE, 0x10000, 0x21000), Some(0x1f000));
    assert_eq!(m.find_free(0x10000, 0x10000, 0x21000), Some(0x10000));
    assert_eq!(m.find_free(0x20000, 0x10000, 0x21000), None);
    assert_eq!(m.find_free(PAGE_SIZE, 0x10000, 0x40000), Some(0x3f000));
}

#[test]
fn writes_to_code_pages_are_reported_once() {
    let mut m = mapped(Perms::RWX);
    m.fetch_u32(BASE).unwrap();
    m.mark_code_page(BASE);
    m.write_u32(BASE + PAGE_SIZE, 1).unwrap();
    assert!(!m.has_dirty_code());
    m.write_u32(BASE + 8, 1).unwrap();
    assert_eq!(m.take_dirty_code_pages(), vec![BASE >> 12]);
    m.write_u32(BASE + 8, 2).unwrap();
    assert!(!m.has_dirty_code());
}

#[test]
fn read_cstr_stops_at_nul_or_limit() {
    let mut m = mapped(Perms::RW);
    m.write_bytes(BASE, b"hello\0world").unwrap();
    assert_eq!(m.read_cstr(BASE, 100).unwrap(), b"hello");
    assert!(m.read_cstr(BASE + 6, 3).is_err());
    m.write_u8(BASE + 4 * PAGE_SIZE - 1, b'x').unwrap();
    assert_eq!(m.read_cstr(BASE + 4 * PAGE_SIZE - 1, 10).unwrap_err().addr, BASE + 4 * PAGE_SIZE);
}

/// 2.5 pages of file bytes (byte k is k % 251) behind a 4-page region.
fn backed() -> (Memory, Arc<Image>) {
    let bytes: Vec<u8> = (0..3 * PAGE_SIZE as usize).map(|k| (k % 251) as u8).collect();
    let data = Image::new(&bytes);
    let mut m = Memory::new();
    m.map_backed(BASE, 4 * PAGE_SIZE, Perms::RW, "file", Backing { data: data.clone(), offset: 0x100, len: 0x2800 }).unwrap();
    (m, data)
}

fn expected_byte(data: &[u8], k: u64) -> u8 {
    if k < 0x2800 { data[0x100 + k as usize] } else { 0 }
}

#[test]
fn backed_pages_are_copied_only_when_written_or_partly_backed() {
    let (mut m, data) = backed();
    assert_eq!(m.resident_bytes(), 0);
    for k in [0, 1, 0xfff, 0x1000, 0x27ff, 0x2800, 0x2fff, 0x3fff] {
        assert_eq!(m.read_u8(BASE + k).unwrap(), expected_byte(&data, k), "byte {k:#x}");
    }
    // Pages 0 and 1 lie wholly in the file bytes and are read in place;
    // page 2 holds the end of them and zeros, page 3 only zeros.
    assert_eq!(m.resident_bytes(), 2 * PAGE_SIZE);
    // A write gives the machine its own copy, never changes the shared
    // bytes, and later reads (cached in the TLB before) see it.
    m.write_u8(BASE, 0xee).unwrap();
    assert_eq!(m.resident_bytes(), 3 * PAGE_SIZE);
    assert_eq!(m.read_u8(BASE).unwrap(), 0xee);
    assert_eq!(m.read_u8(BASE + 1).unwrap(), expected_byte(&data, 1));
    assert_eq!(data[0x100], (0x100 % 251) as u8);
    // So does a debugger's write, and a fetch reads what it wrote.
    m.protect(BASE + PAGE_SIZE, PAGE_SIZE, Perms::RX).unwrap();
    assert_eq!(m.fetch_u8(BASE + PAGE_SIZE).unwrap(), expected_byte(&data, 0x1000));
    m.poke(BASE + PAGE_SIZE, &[0x5a]).unwrap();
    assert_eq!(m.fetch_u8(BASE + PAGE_SIZE).unwrap(), 0x5a);
    assert_eq!(m.read_u8(BASE + PAGE_SIZE + 1).unwrap(), expected_byte(&data, 0x1001));
    assert_eq!(data[0x1100], (0x1100 % 251) as u8);
}

#[test]
fn two_machines_on_one_image_keep_their_writes_apart() {
    let data = Image::new(&[7u8; 2 * PAGE_SIZE as usize]);
    let backing = || Backing { data: data.clone(), offset: 0, len: 2 * PAGE_SIZE as usize };
    let (mut a, mut b) = (Memory::new(), Memory::new());
    a.map_backed(BASE, 2 * PAGE_SIZE, Perms::RWX, "f", backing()).unwrap();
    b.map_backed(BASE, 2 * PAGE_SIZE, Perms::RWX, "f", backing()).unwrap();
    assert_eq!((a.fetch_u8(BASE).unwrap(), b.read_u8(BASE).unwrap()), (7, 7));
    a.write_u8(BASE, 1).unwrap();
    assert_eq!((a.fetch_u8(BASE).unwrap(), b.fetch_u8(BASE).unwrap()), (1, 7));
    assert_eq!(data[0], 7);
}

#[test]
fn split_backed_regions_keep_their_file_offsets() {
    let (mut m, data) = backed();
    // mprotect and munmap in the middle split the region; each part still
    // reads the file bytes of its own addresses.
    m.protect(BASE + PAGE_SIZE, PAGE_SIZE, Perms::R).unwrap();
    m.unmap(BASE + 2 * PAGE_SIZE, PAGE_SIZE).unwrap();
    for k in [0, 0x1000, 0x1abc, 0x3000] {
        assert_eq!(m.read_u8(BASE + k).unwrap(), expected_byte(&data, k), "byte {k:#x}");
    }
    assert!(m.read_u8(BASE + 0x2000).is_err());
    assert_eq!(m.region_at(BASE + 0x3000).unwrap().backing, None);
}

#[test]
fn backing_must_lie_inside_its_data_and_region() {
    let data = Image::new(&[0u8; 100]);
    let mut m = Memory::new();
    assert_eq!(m.map_backed(BASE, PAGE_SIZE, Perms::R, "f", Backing { data: data.clone(), offset: 50, len: 51 }), Err(MapError::OutOfRange));
    assert_eq!(m.map_backed(BASE, PAGE_SIZE, Perms::R, "f", Backing { data: data.clone(), offset: usize::MAX, len: 2 }), Err(MapError::OutOfRange));
    let big = Image::new(&[0u8; 2 * PAGE_SIZE as usize]);
    assert_eq!(m.map_backed(BASE, PAGE_SIZE, Perms::R, "f", Backing { data: big, offset: 0, len: PAGE_SIZE as usize + 1 }), Err(MapError::OutOfRange));
}

#[test]
fn interned_images_are_shared_while_alive() {
    let a = intern(b"an image used by two machines");
    let b = intern(b"an image used by two machines");
    assert!(Arc::ptr_eq(&a, &b));
    let c = intern(b"another image of the same size!");
    assert!(!Arc::ptr_eq(&a, &c));
    assert_eq!(&c[..], b"another image of the same size!");
}

#[test]
fn a_watched_store_fails_without_effect_and_records_the_hit() {
    let mut m = mapped(Perms::RW);
    m.write_u64(BASE + 8, 5).unwrap();
    let id = m.add_watchpoint(BASE + 12, 2, false, true).unwrap();
    // Bytes next to the range and loads of it go through.
    m.write_u32(BASE + 8, 6).unwrap();
    assert_eq!(m.read_u16(BASE + 12).unwrap(), 0);
    assert_eq!(m.take_watchpoint_hit(), None);
    // A store overlapping the range does not happen.
    assert!(m.write_u64(BASE + 8, 0x1122_3344_5566_7788).is_err());
    let hit = m.take_watchpoint_hit().expect("hit");
    assert_eq!((hit.id, hit.addr, hit.size, hit.access, hit.value), (id, BASE + 8, 8, Access::Write, 0x1122_3344_5566_7788));
    assert_eq!(m.read_u64(BASE + 8).unwrap(), 6);
    // The kernel's copies and suppressed accesses are not watched.
    m.write_bytes(BASE + 12, &[1, 2]).unwrap();
    m.suppress_watchpoints(true);
    m.write_u16(BASE + 12, 0x0403).unwrap();
    m.suppress_watchpoints(false);
    assert_eq!(m.take_watchpoint_hit(), None);
    assert_eq!(m.read_u32(BASE + 12).unwrap(), 0x0403);
    // A store that would fault faults, watched or not.
    m.protect(BASE, PAGE_SIZE, Perms::R).unwrap();
    let f = m.write_u16(BASE + 12, 0).unwrap_err();
    assert_eq!(f.kind, FaultKind::Protection);
    assert_eq!(m.take_watchpoint_hit(), None);
    assert!(m.remove_watchpoint(id));
    m.protect(BASE, PAGE_SIZE, Perms::RW).unwrap();
    m.write_u16(BASE + 12, 9).unwrap();
}

#[test]
fn watched_pages_stay_out_of_the_tlbs() {
    let mut m = mapped(Perms::RW);
    m.add_watchpoint(BASE + PAGE_SIZE + 100, 4, true, false).unwrap();
    for _ in 0..3 {
        m.read_u64(BASE + PAGE_SIZE).unwrap();
        m.read_u64(BASE).unwrap();
    }
    // Page 0 missed once, then hit; page 1 never enters the read TLB.
    assert_eq!(m.tlb_stats(), TlbStats { hits: 2, misses: 4, ..TlbStats::default() });
    let string_at = BASE + PAGE_SIZE + 100;
    m.write_bytes(string_at, b"ok\0").unwrap();
    assert_eq!(m.read_cstr(string_at, 8).unwrap(), b"ok");
    assert_eq!(m.take_watchpoint_hit(), None);
}

/// A physical map with nothing but RAM.
struct NoDevices;

impl Mmio for NoDevices {
    fn contains(&self, _: u64) -> bool {
        false
    }
    fn overlaps(&self, _: u64, _: u64) -> bool {
        false
    }
    fn read(&mut self, _: u64, _: usize) -> Option<u64> {
        None
    }
    fn write(&mut self, _: u64, _: usize, _: u64) -> bool {
        false
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

const RAM: u64 = 0x8000_0000;

/// System-mode memory: `pages` of RAM at `RAM`, no devices.
fn system_ram(pages: u64) -> Memory {
    let mut mem = Memory::new();
    mem.map(RAM, pages * PAGE_SIZE, Perms::RWX, "ram").unwrap();
    mem.enable_system(Box::new(NoDevices));
    mem
}

#[test]
fn each_hart_keeps_its_own_tlbs_and_fences_only_them() {
    let mut mem = system_ram(16);
    // A gigapage mapping virtual 0..1 GiB to RAM, readable and writable,
    // accessed and dirty: the root table's first entry.
    let root = RAM + PAGE_SIZE;
    let pte: u64 = (RAM >> 12) << 10 | 0xcf;
    mem.poke(root, &pte.to_le_bytes()).unwrap();
    mem.poke(RAM + 0x2000, &42u64.to_le_bytes()).unwrap();
    let sv39 = Translation { mode: TranslationMode::Sv39, root, asid: 1, fetch_privilege: 1, data_privilege: 1, ..Translation::BARE };
    mem.set_translation(sv39);
    assert_eq!(mem.read_u64(0x2000), Ok(42));
    assert_eq!(mem.tlb_stats().walks, 1);

    // Another hart walks for itself and fences everything of its own.
    let mut parked = HartMmu::new();
    mem.swap_hart_mmu(&mut parked);
    mem.set_translation(sv39);
    assert_eq!(mem.read_u64(0x2000), Ok(42));
    assert_eq!(mem.tlb_stats().walks, 2);
    mem.sfence(Fence { addr: None, asid: None });

    // The first hart's translation survived the other's fence.
    mem.swap_hart_mmu(&mut parked);
    assert_eq!(mem.read_u64(0x2000), Ok(42));
    assert_eq!(mem.tlb_stats().walks, 2);
    mem.sfence(Fence { addr: None, asid: None });
    assert_eq!(mem.read_u64(0x2000), Ok(42));
    assert_eq!(mem.tlb_stats().walks, 3);
}

#[test]
fn a_page_becoming_code_leaves_every_harts_write_tlb() {
    let mut mem = system_ram(4);
    mem.write_u32(RAM, 1).unwrap();
    assert!(mem.write_tlb.lookup(RAM, 4).is_some());
    // The hart that wrote is parked; another decodes code in the page.
    let mut parked = HartMmu::new();
    mem.swap_hart_mmu(&mut parked);
    let page = mem.mark_code_page(RAM);
    mem.swap_hart_mmu(&mut parked);
    // Back on the first hart, its store is noticed.
    assert!(mem.write_tlb.lookup(RAM, 4).is_none());
    mem.write_u32(RAM, 2).unwrap();
    assert_eq!(mem.take_dirty_code_pages(), [page]);
}
