//! Mapping a validated executable into guest memory.
//!
//! Follows load_elf_binary (fs/binfmt_elf.c): each PT_LOAD is mapped at its
//! page-aligned range with the permissions of its p_flags, filled from the
//! file as an mmap of the file would be, with the bss after p_filesz zeroed;
//! the heap (brk) starts on the page after the highest segment.

use std::sync::Arc;

use super::elf::{ElfInfo, Segment};
use super::layout::{MMAP_MIN, MMAP_TOP, PIE_BASE};
use super::ElfError;
use crate::mem::{page_down, page_up, Backing, Image, Memory, PAGE_SIZE};

/// Where the loaded image ended up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedImage {
    /// Added to every p_vaddr (0 for ET_EXEC).
    pub bias: u64,
    /// The entry point (AT_ENTRY).
    pub entry: u64,
    /// Guest address of the program headers (AT_PHDR).
    pub phdr: u64,
    pub phnum: u64,
    /// Lowest and one-past-highest mapped addresses of the image (page
    /// aligned).
    pub start: u64,
    pub end: u64,
    /// First address of the heap (page aligned).
    pub brk_start: u64,
}

/// Alignments above this are not honoured when placing a PIE (they would
/// push it out of the space); page alignment is used instead.
const MAX_PIE_ALIGN: u64 = 1 << 30;

/// Map the segments of `info` (parsed from `image`) into `mem`. Regions are
/// named `name` (the executable's path, as in /proc/self/maps).
pub fn load(info: &ElfInfo, image: &[u8], mem: &mut Memory, name: &str) -> Result<LoadedImage, ElfError> {
    let bias = if info.pie { pie_bias(info) } else { 0 };
    load_at(info, image, mem, name, bias)
}

/// Map a program interpreter. An ET_DYN interpreter goes where mmap would
/// put a mapping of its whole span (load_elf_interp maps its first segment
/// without MAP_FIXED): the highest free range below the mmap area's top.
pub fn load_interp(info: &ElfInfo, image: &[u8], mem: &mut Memory, name: &str) -> Result<LoadedImage, ElfError> {
    let bias = if info.pie { interp_bias(info, mem)? } else { 0 };
    // A fixed-address interpreter may not land on the program.
    for seg in &info.segments {
        let (s, e) = placed_range(seg, bias)?;
        if mem.find_free(e - s, s, e) != Some(s) {
            return Err(ElfError(format!(
                "program header {}: the interpreter's segment {s:#x}..{e:#x} overlaps the program",
                seg.index
            )));
        }
    }
    load_at(info, image, mem, name, bias)
}

fn interp_bias(info: &ElfInfo, mem: &Memory) -> Result<u64, ElfError> {
    // parse() guarantees at least one segment, sorted, without overflow.
    let first = info.segments.first().map_or(0, |s| page_down(s.vaddr));
    let last = info.segments.iter().map(|s| s.vaddr + s.memsz).max().unwrap_or(0);
    let span = page_up(last).wrapping_sub(first);
    let base = mem
        .find_free(span, MMAP_MIN, MMAP_TOP)
        .ok_or_else(|| ElfError(format!("no room for the interpreter's {span:#x} bytes")))?;
    Ok(base.wrapping_sub(first))
}

/// Map the segments of `info` with `bias` added to every address.
fn load_at(info: &ElfInfo, image: &[u8], mem: &mut Memory, name: &str, bias: u64) -> Result<LoadedImage, ElfError> {
    let mut start = u64::MAX;
    let mut end = 0;
    for seg in &info.segments {
        let (s, e) = placed_range(seg, bias)?;
        start = start.min(s);
        end = end.max(e);
    }
    let shared = crate::mem::intern(image);
    for seg in &info.segments {
        map_segment(seg, bias, &shared, mem, name)?;
    }
    Ok(LoadedImage {
        bias,
        entry: info.entry.wrapping_add(bias),
        phdr: phdr_vaddr(info).wrapping_add(bias),
        phnum: info.phnum as u64,
        start,
        end,
        brk_start: end,
    })
}

/// load_bias of an ET_DYN image: ELF_ET_DYN_BASE aligned down to the largest
/// segment alignment, minus the first segment's address, page aligned
/// (binfmt_elf.c). Wrapping arithmetic is intended: what must land in range
/// is bias + p_vaddr, and `placed_range` checks that.
fn pie_bias(info: &ElfInfo) -> u64 {
    let align = info
        .segments
        .iter()
        .map(|s| s.align)
        .filter(|&a| a <= MAX_PIE_ALIGN)
        .fold(PAGE_SIZE, u64::max);
    let first = info.segments.first().map_or(0, |s| s.vaddr);
    page_down((PIE_BASE & !(align - 1)).wrapping_sub(first))
}

/// The page range a segment occupies once biased; it must lie between the
/// lowest mappable address and the mmap area's top (below the stack).
fn placed_range(seg: &Segment, bias: u64) -> Result<(u64, u64), ElfError> {
    let addr = seg.vaddr.wrapping_add(bias);
    let end = addr.checked_add(seg.memsz).map(page_up).filter(|&e| e <= MMAP_TOP);
    match end {
        Some(end) if page_down(addr) >= MMAP_MIN => Ok((page_down(addr), end)),
        _ => Err(ElfError(format!(
            "program header {}: segment {:#x}..{:#x} lies outside the user address space ({:#x}..{:#x})",
            seg.index,
            addr,
            addr.wrapping_add(seg.memsz),
            MMAP_MIN,
            MMAP_TOP
        ))),
    }
}

/// Map one segment the way elf_map + padzero do: the file pages covering
/// `[vaddr, vaddr+filesz)` (including the bytes of those pages outside the
/// segment, as a file mapping shows them), then zeros from `vaddr+filesz`
/// to the end of the segment when it has a bss.
fn map_segment(seg: &Segment, bias: u64, image: &Arc<Image>, mem: &mut Memory, name: &str) -> Result<(), ElfError> {
    let (start, end) = placed_range(seg, bias)?;
    let addr = seg.vaddr.wrapping_add(bias);
    // elf.rs checked offset ≡ vaddr (mod page) and offset+filesz within
    // the file, so the file page start is at or after byte 0.
    let lead = addr - start;
    let file_start = (seg.offset - lead) as usize;
    let file_end = usize::try_from(page_up(seg.offset + seg.filesz)).map_or(image.len(), |e| e.min(image.len()));
    let mut len = if seg.filesz == 0 { 0 } else { file_end - file_start };
    if seg.memsz > seg.filesz && seg.filesz > 0 {
        // padzero: the rest of the last file page belongs to the bss.
        len = (lead + seg.filesz) as usize;
    }
    let backing = Backing { data: image.clone(), offset: file_start, len };
    mem.map_backed(start, end - start, seg.perms, name, backing)
        .map_err(|e| ElfError(format!("program header {}: cannot map segment: {e}", seg.index)))
}

/// The unbiased address of the program header table: inside the PT_LOAD
/// whose file range holds e_phoff (binfmt_elf.c does the same search), or 0
/// when no segment holds it (Linux then reports just the load bias).
fn phdr_vaddr(info: &ElfInfo) -> u64 {
    info.segments
        .iter()
        .find(|s| s.offset <= info.phoff && info.phoff - s.offset < s.filesz)
        .map_or(0, |s| info.phoff - s.offset + s.vaddr)
}
