//! ELF parsing and validation: everything the loader needs to know about an
//! executable, checked against the file before anything is mapped.
//!
//! Accepted: ELF64, little endian, EM_RISCV, ET_EXEC or ET_DYN, with or
//! without a program interpreter (PT_INTERP; the interpreter itself is
//! found and loaded by interp.rs). Every offset and size comes from the file
//! and is checked with overflow-safe arithmetic; a bad file is an `ElfError`
//! with a message that says what is wrong, never a panic.

use goblin::container::{Container, Ctx, Endian};
use goblin::elf::header::{self, Header};
use goblin::elf::program_header::{self as ph, ProgramHeader};
use goblin::elf::Elf;

use super::ElfError;
use crate::mem::{Perms, PAGE_SIZE};

const EM_RISCV: u16 = 243;
/// EF_RISCV_RVE: the embedded base ISA with 16 registers.
const EF_RISCV_RVE: u32 = 0x8;
const ELF64_EHDR_SIZE: usize = 64;
const ELF64_PHDR_SIZE: usize = 56;
/// Linux refuses program header tables above 64 KiB (fs/binfmt_elf.c,
/// load_elf_phdrs).
const MAX_PHDR_TABLE: usize = 65536;
/// PN_XNUM: the real count would be in section header 0 (not supported).
const PN_XNUM: u16 = 0xffff;
/// Longest PT_INTERP contents Linux accepts (PATH_MAX, NUL included).
const MAX_INTERP: u64 = 4096;

/// One PT_LOAD segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Index of its program header (for messages).
    pub index: usize,
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    /// p_align, 0 or a power of two.
    pub align: u64,
    pub perms: Perms,
}

/// A validated executable.
#[derive(Clone, Debug)]
pub struct ElfInfo {
    /// ET_DYN: position independent, loaded at a base the loader picks.
    pub pie: bool,
    pub entry: u64,
    pub phoff: u64,
    pub phnum: u16,
    /// Loadable segments with a non-zero size, in ascending address order.
    pub segments: Vec<Segment>,
    /// PT_GNU_STACK asked for an executable stack.
    pub exec_stack: bool,
    /// The program interpreter named by PT_INTERP (without its NUL).
    pub interp: Option<Vec<u8>>,
}

impl ElfInfo {
    /// The size of one program header (AT_PHENT).
    pub const PHENT: u64 = ELF64_PHDR_SIZE as u64;
}

fn err<T>(msg: impl Into<String>) -> Result<T, ElfError> {
    Err(ElfError(msg.into()))
}

/// Parse and validate `image`.
pub fn parse(image: &[u8]) -> Result<ElfInfo, ElfError> {
    check_ident(image)?;
    if image.len() < ELF64_EHDR_SIZE {
        return err("truncated: the ELF header lies outside the file");
    }
    let hdr = Elf::parse_header(image).map_err(|e| ElfError(format!("bad ELF header: {e}")))?;
    check_header(&hdr)?;
    let phdrs = read_program_headers(image, &hdr)?;

    let mut segments = Vec::new();
    let mut exec_stack = false;
    let mut interp = None;
    for (i, p) in phdrs.iter().enumerate() {
        match p.p_type {
            // Only the first PT_INTERP counts (load_elf_binary stops there).
            ph::PT_INTERP if interp.is_none() => interp = Some(interp_path(image, i, p)?),
            ph::PT_LOAD => {
                if let Some(seg) = check_load(image, i, p)? {
                    segments.push(seg);
                }
            }
            ph::PT_GNU_STACK => exec_stack = p.p_flags & ph::PF_X != 0,
            // PT_PHDR, PT_TLS, PT_NOTE, PT_DYNAMIC, PT_GNU_RELRO,
            // PT_RISCV_ATTRIBUTES...: nothing to do for a static image.
            _ => {}
        }
    }
    if segments.is_empty() {
        return err("no loadable segments (no PT_LOAD with a non-zero size)");
    }
    segments.sort_by_key(|s| s.vaddr);
    for w in segments.windows(2) {
        // check_load made sure vaddr + memsz does not overflow.
        if w[0].vaddr + w[0].memsz > w[1].vaddr {
            return err(format!(
                "program headers {} and {}: segments overlap ({:#x}..{:#x} and {:#x}..{:#x})",
                w[0].index,
                w[1].index,
                w[0].vaddr,
                w[0].vaddr + w[0].memsz,
                w[1].vaddr,
                w[1].vaddr + w[1].memsz
            ));
        }
    }
    Ok(ElfInfo {
        pie: hdr.e_type == header::ET_DYN,
        entry: hdr.e_entry,
        phoff: hdr.e_phoff,
        phnum: hdr.e_phnum,
        segments,
        exec_stack,
        interp,
    })
}

/// Magic, data encoding, machine and class, in the order that gives the
/// most useful message for a file that is not what we want.
fn check_ident(image: &[u8]) -> Result<(), ElfError> {
    if image.len() < 4 || &image[..4] != b"\x7fELF" {
        return err("not an ELF file");
    }
    if image.len() < header::SIZEOF_IDENT + 4 {
        return err("truncated: the ELF header lies outside the file");
    }
    let class = image[header::EI_CLASS];
    let data = image[header::EI_DATA];
    let machine = match data {
        header::ELFDATA2LSB => u16::from_le_bytes([image[18], image[19]]),
        header::ELFDATA2MSB => u16::from_be_bytes([image[18], image[19]]),
        d => return err(format!("invalid ELF data encoding {d}")),
    };
    if machine != EM_RISCV {
        return err(format!("ELF for {}, not RISC-V", machine_name(machine)));
    }
    match class {
        header::ELFCLASS64 => {}
        header::ELFCLASS32 => return err("32-bit RISC-V ELF (RV32), not RV64"),
        c => return err(format!("invalid ELF class {c}")),
    }
    if data != header::ELFDATA2LSB {
        return err("big-endian RISC-V ELF: RISC-V Linux is little-endian");
    }
    Ok(())
}

fn check_header(hdr: &Header) -> Result<(), ElfError> {
    match hdr.e_type {
        header::ET_EXEC | header::ET_DYN => {}
        header::ET_REL => return err("relocatable object (ET_REL), not an executable: link it first"),
        header::ET_CORE => return err("core dump (ET_CORE), not an executable"),
        t => return err(format!("unsupported ELF type {t}, not an executable")),
    }
    if hdr.e_flags & EF_RISCV_RVE != 0 {
        return err("RV64E executable (EF_RISCV_RVE): only RV64GC is supported");
    }
    if hdr.e_phnum == 0 {
        return err("no program headers");
    }
    if hdr.e_phnum == PN_XNUM {
        return err("too many program headers (PN_XNUM extension not supported)");
    }
    if hdr.e_phentsize as usize != ELF64_PHDR_SIZE {
        return err(format!("bad program header size {} (expected {ELF64_PHDR_SIZE})", hdr.e_phentsize));
    }
    if hdr.e_phnum as usize * ELF64_PHDR_SIZE > MAX_PHDR_TABLE {
        return err(format!("too many program headers ({})", hdr.e_phnum));
    }
    Ok(())
}

fn read_program_headers(image: &[u8], hdr: &Header) -> Result<Vec<ProgramHeader>, ElfError> {
    let count = hdr.e_phnum as usize;
    for i in 0..count {
        let end = (i as u64 + 1)
            .checked_mul(ELF64_PHDR_SIZE as u64)
            .and_then(|n| n.checked_add(hdr.e_phoff));
        if end.is_none_or(|e| e > image.len() as u64) {
            return err(format!("truncated: program header {i} lies outside the file"));
        }
    }
    // In range (checked above), so e_phoff fits in usize.
    let ctx = Ctx::new(Container::Big, Endian::Little);
    ProgramHeader::parse(image, hdr.e_phoff as usize, count, ctx)
        .map_err(|e| ElfError(format!("bad program headers: {e}")))
}

/// The file bytes `[offset, offset+len)`, or None when outside the file.
fn file_range(image: &[u8], offset: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    image.get(start..end)
}

/// The interpreter path of a PT_INTERP: Linux wants 2..=PATH_MAX bytes
/// ending in a NUL (load_elf_binary, ENOEXEC otherwise).
fn interp_path(image: &[u8], i: usize, p: &ProgramHeader) -> Result<Vec<u8>, ElfError> {
    if p.p_filesz < 2 || p.p_filesz > MAX_INTERP {
        return err(format!("program header {i}: bad PT_INTERP size {}", p.p_filesz));
    }
    let Some(bytes) = file_range(image, p.p_offset, p.p_filesz) else {
        return err(format!("truncated: PT_INTERP of program header {i} lies outside the file"));
    };
    let Some((&0, path)) = bytes.split_last() else {
        return err(format!("program header {i}: the PT_INTERP path does not end with a NUL"));
    };
    // Bytes after an inner NUL are ignored, as the kernel's string use does.
    let path = path.split(|&b| b == 0).next().unwrap_or_default();
    if path.is_empty() {
        return err(format!("program header {i}: empty PT_INTERP path"));
    }
    Ok(path.to_vec())
}

fn check_load(image: &[u8], i: usize, p: &ProgramHeader) -> Result<Option<Segment>, ElfError> {
    if p.p_filesz > p.p_memsz {
        return err(format!(
            "program header {i}: p_filesz ({:#x}) exceeds p_memsz ({:#x})",
            p.p_filesz, p.p_memsz
        ));
    }
    if file_range(image, p.p_offset, p.p_filesz).is_none() {
        return err(format!("truncated: the segment of program header {i} lies outside the file"));
    }
    if p.p_vaddr.checked_add(p.p_memsz).is_none() {
        return err(format!(
            "program header {i}: segment {:#x} + {:#x} wraps around the address space",
            p.p_vaddr, p.p_memsz
        ));
    }
    if p.p_align > 1 && !p.p_align.is_power_of_two() {
        return err(format!("program header {i}: alignment {:#x} is not a power of two", p.p_align));
    }
    // Segments are mapped page by page from the file, which only works when
    // address and offset agree within a page (the ELF spec asks for this
    // modulo p_align).
    if p.p_vaddr % PAGE_SIZE != p.p_offset % PAGE_SIZE {
        return err(format!(
            "program header {i}: p_vaddr ({:#x}) and p_offset ({:#x}) differ modulo the page size",
            p.p_vaddr, p.p_offset
        ));
    }
    if p.p_memsz == 0 {
        return Ok(None);
    }
    let mut perms = Perms::NONE;
    if p.p_flags & ph::PF_R != 0 {
        perms = perms | Perms::R;
    }
    if p.p_flags & ph::PF_W != 0 {
        perms = perms | Perms::W;
    }
    if p.p_flags & ph::PF_X != 0 {
        perms = perms | Perms::X;
    }
    Ok(Some(Segment {
        index: i,
        vaddr: p.p_vaddr,
        memsz: p.p_memsz,
        offset: p.p_offset,
        filesz: p.p_filesz,
        align: p.p_align,
        perms,
    }))
}

fn machine_name(m: u16) -> String {
    let name = match m {
        0 => "no machine (EM_NONE)",
        2 => "SPARC",
        3 => "x86",
        8 => "MIPS",
        20 => "PowerPC",
        21 => "PowerPC64",
        22 => "s390",
        40 => "ARM",
        43 => "SPARC64",
        62 => "x86-64",
        183 => "AArch64",
        247 => "BPF",
        258 => "LoongArch",
        _ => return format!("machine {m}"),
    };
    name.to_string()
}
