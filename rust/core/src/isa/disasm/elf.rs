//! `disassemble_elf`: the executable sections of an RV64 ELF image in the
//! layout of `objdump -d` (everything after objdump's file-name line).
//!
//! The image is untrusted: every offset, size and index is checked, and a
//! malformed image gives an error, never a panic.
//!
//! Not reproduced from objdump: object symbols inside code sections are
//! listed as instructions (objdump dumps their bytes), and the names
//! objdump derives for dynamically linked images are missing (symbol
//! versions such as `@@GLIBC_2.27`, `printf@plt` pseudo-symbols, names
//! from dynamic relocations). Static images list as objdump lists them,
//! up to the instruction-text differences listed in `disasm`.

use goblin::container::{Container, Ctx, Endian};
use goblin::elf::section_header::{
    SectionHeader, SHF_EXECINSTR, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB,
};
use goblin::elf::sym::Sym;
use goblin::elf::{header, Elf};

use super::hints::AddressHints;
use super::listing::Listing;
use super::symbols::{ElfSymbol, Section, Symbol, Symbols};

/// Why an image could not be disassembled.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DisasmError {
    #[error("not an ELF image: {0}")]
    NotElf(String),
    #[error("unsupported ELF image: {0}")]
    Unsupported(String),
    #[error("malformed ELF image: {0}")]
    Malformed(String),
}

const EM_RISCV: u16 = 243;
const SHN_XINDEX: u16 = 0xffff;
const SYM_SIZE: usize = 24;

/// Disassemble every executable section of the 64-bit little-endian
/// RISC-V ELF `image`, as `objdump -d` prints it: for each section a
/// `Disassembly of section` line, a header per symbol
/// (`0000000000010078 <_start>:`) and a line per instruction
/// (`   10078:\t00000513          \tli\ta0,0`).
pub fn disassemble_elf(image: &[u8]) -> Result<String, DisasmError> {
    let elf = ElfImage::parse(image)?;
    let mut symbols = Symbols::new(elf.symbols()?, elf.relocatable);
    let mut hints = AddressHints::new(symbols.value_of("__global_pointer$"));
    let mut out = String::new();
    for (index, sh) in elf.sections.iter().enumerate() {
        if sh.sh_flags & u64::from(SHF_EXECINSTR) == 0
            || sh.sh_type == SHT_NOBITS
            || sh.sh_size == 0
        {
            continue;
        }
        let name = &elf.names[index];
        let bytes = elf.contents(sh).ok_or_else(|| {
            DisasmError::Malformed(format!(
                "section {name} extends beyond the end of the image"
            ))
        })?;
        let section = Section {
            index,
            name,
            vma: sh.sh_addr,
            size: sh.sh_size,
        };
        Listing {
            out: &mut out,
            symbols: &mut symbols,
            hints: &mut hints,
        }
        .section(section, bytes);
    }
    Ok(out)
}

/// The parts of an ELF image the listing needs.
struct ElfImage<'a> {
    image: &'a [u8],
    ctx: Ctx,
    relocatable: bool,
    sections: Vec<SectionHeader>,
    /// Section names, by section index.
    names: Vec<String>,
}

impl<'a> ElfImage<'a> {
    fn parse(image: &'a [u8]) -> Result<Self, DisasmError> {
        let header = Elf::parse_header(image).map_err(|e| DisasmError::NotElf(e.to_string()))?;
        if header.e_ident[header::EI_CLASS] != header::ELFCLASS64 {
            return Err(DisasmError::Unsupported("not a 64-bit ELF".into()));
        }
        if header.e_ident[header::EI_DATA] != header::ELFDATA2LSB {
            return Err(DisasmError::Unsupported("not little-endian".into()));
        }
        if header.e_machine != EM_RISCV {
            return Err(DisasmError::Unsupported(format!(
                "machine {} is not RISC-V",
                header.e_machine
            )));
        }
        let ctx = Ctx::new(Container::Big, Endian::Little);
        let shoff =
            usize::try_from(header.e_shoff).map_err(|_| malformed("section header offset"))?;
        let sections = SectionHeader::parse(image, shoff, header.e_shnum as usize, ctx)
            .map_err(|e| DisasmError::Malformed(format!("section headers: {e}")))?;
        let mut elf = ElfImage {
            image,
            ctx,
            relocatable: header.e_type == header::ET_REL,
            sections,
            names: Vec::new(),
        };
        // With more sections than the field holds, the string table index
        // lives in the first section header's sh_link.
        let names_index = match header.e_shstrndx {
            SHN_XINDEX => elf.sections.first().map_or(0, |s| s.sh_link as usize),
            index => index as usize,
        };
        let names_table = elf
            .sections
            .get(names_index)
            .and_then(|sh| elf.contents(sh))
            .unwrap_or(&[]);
        elf.names = elf
            .sections
            .iter()
            .map(|sh| String::from_utf8_lossy(c_string(names_table, sh.sh_name)).into_owned())
            .collect();
        Ok(elf)
    }

    /// The bytes of a section, if they lie inside the image.
    fn contents(&self, sh: &SectionHeader) -> Option<&'a [u8]> {
        let start = usize::try_from(sh.sh_offset).ok()?;
        let len = usize::try_from(sh.sh_size).ok()?;
        self.image.get(start..start.checked_add(len)?)
    }

    /// The symbols of `.symtab`, or of `.dynsym` for a stripped image.
    fn symbols(&self) -> Result<Vec<Symbol>, DisasmError> {
        let table = self
            .sections
            .iter()
            .find(|sh| sh.sh_type == SHT_SYMTAB)
            .or_else(|| self.sections.iter().find(|sh| sh.sh_type == SHT_DYNSYM));
        let Some(table) = table else {
            return Ok(Vec::new());
        };
        let entries = self
            .contents(table)
            .ok_or_else(|| malformed("symbol table"))?;
        let strings = self
            .sections
            .get(table.sh_link as usize)
            .and_then(|sh| self.contents(sh))
            .unwrap_or(&[]);
        let count = entries.len() / SYM_SIZE;
        let syms = Sym::parse(entries, 0, count, self.ctx)
            .map_err(|e| DisasmError::Malformed(format!("symbol table: {e}")))?;
        Ok(syms
            .iter()
            .filter_map(|s| {
                let sym = ElfSymbol {
                    name: c_string(strings, s.st_name),
                    value: s.st_value,
                    size: s.st_size,
                    info: s.st_info,
                    shndx: s.st_shndx,
                };
                Symbol::from_elf(&sym, &self.names)
            })
            .collect())
    }
}

fn malformed(what: &str) -> DisasmError {
    DisasmError::Malformed(format!("{what} out of range"))
}

/// The NUL-terminated string at `offset` of a string table (empty when
/// the offset is outside it; unterminated strings end with the table).
fn c_string(table: &[u8], offset: usize) -> &[u8] {
    let tail = table.get(offset..).unwrap_or(&[]);
    let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    &tail[..end]
}
