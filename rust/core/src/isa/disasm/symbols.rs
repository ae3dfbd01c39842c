//! Symbols for `disassemble_elf`, looked up and printed the way GNU
//! objdump does (binutils `objdump.c`: `remove_useless_symbols`,
//! `compare_symbols`, `find_symbol_for_address`, `objdump_print_addr`).

use std::cmp::Ordering;
use std::fmt::Write;

/// Where a symbol is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Home {
    /// A section, by index in the section header table.
    Section(usize),
    /// An absolute symbol (or one whose section index is out of range).
    Absolute,
}

#[derive(Debug)]
pub(super) struct Symbol {
    /// The name as objdump prints it (control characters as `^X`).
    pub name: String,
    pub value: u64,
    pub size: u64,
    pub home: Home,
    /// The name of the section it is defined in (`*ABS*` for absolute
    /// symbols): objdump compares sections by name.
    pub section_name: String,
    pub function: bool,
    pub object: bool,
    pub local: bool,
    pub global: bool,
    /// A section symbol objdump keeps (`.plt*`, `.got*`).
    pub section_symbol: bool,
    /// False for RISC-V mapping symbols and the assembler's fake label
    /// `.L0 `, which objdump keeps for lookups but never prints.
    pub printable: bool,
    pub mapping: Mapping,
}

/// RISC-V ELF psABI mapping symbols mark where code (`$x`, `$x<isa>`)
/// and data (`$d`) start inside a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mapping {
    None,
    Code,
    Data,
}

impl Mapping {
    fn of(name: &[u8]) -> Self {
        if name == b"$d" {
            Mapping::Data
        } else if name == b"$x" || name.starts_with(b"$xrv") {
            Mapping::Code
        } else {
            Mapping::None
        }
    }
}

/// The fields of one ELF symbol table entry.
pub(super) struct ElfSymbol<'a> {
    pub name: &'a [u8],
    pub value: u64,
    pub size: u64,
    pub info: u8,
    pub shndx: usize,
}

impl Symbol {
    /// Build a symbol from its ELF fields and the section names; `None`
    /// for the symbols objdump drops before sorting (unnamed, file,
    /// undefined, common, and section symbols other than `.plt*`/`.got*`).
    pub fn from_elf(sym: &ElfSymbol<'_>, section_names: &[String]) -> Option<Self> {
        const STT_OBJECT: u8 = 1;
        const STT_FUNC: u8 = 2;
        const STT_SECTION: u8 = 3;
        const STT_FILE: u8 = 4;
        const STT_GNU_IFUNC: u8 = 10;
        const STB_LOCAL: u8 = 0;
        const STB_GLOBAL: u8 = 1;
        const STB_GNU_UNIQUE: u8 = 10;
        const SHN_UNDEF: usize = 0;
        const SHN_LORESERVE: usize = 0xff00;
        const SHN_COMMON: usize = 0xfff2;
        let (kind, bind) = (sym.info & 0xf, sym.info >> 4);
        if kind == STT_FILE || sym.shndx == SHN_UNDEF || sym.shndx == SHN_COMMON {
            return None;
        }
        let (home, section_name) = match section_names.get(sym.shndx) {
            Some(name) if sym.shndx < SHN_LORESERVE => (Home::Section(sym.shndx), name.clone()),
            _ => (Home::Absolute, "*ABS*".to_string()),
        };
        // BFD names section symbols after their section.
        let name_bytes = if kind == STT_SECTION {
            section_name.as_bytes()
        } else {
            sym.name
        };
        let significant = name_bytes.starts_with(b".plt") || name_bytes.starts_with(b".got");
        if name_bytes.is_empty() || kind == STT_SECTION && !significant {
            return None;
        }
        let mapping = Mapping::of(name_bytes);
        let printable = mapping == Mapping::None && name_bytes != b".L0 ";
        let name = printable_name(name_bytes);
        Some(Symbol {
            name,
            value: sym.value,
            size: sym.size,
            home,
            section_name,
            function: kind == STT_FUNC || kind == STT_GNU_IFUNC,
            object: kind == STT_OBJECT,
            local: bind == STB_LOCAL,
            global: bind == STB_GLOBAL || bind == STB_GNU_UNIQUE,
            section_symbol: kind == STT_SECTION,
            printable,
            mapping,
        })
    }

    /// objdump sorts names that look like object or archive files last.
    fn looks_like_file(&self) -> bool {
        self.name.len() > 2 && (self.name.ends_with(".o") || self.name.ends_with(".a"))
    }
}

/// objdump's `sanitize_string`: control characters become `^` and a
/// letter, invalid UTF-8 becomes U+FFFD.
fn printable_name(name: &[u8]) -> String {
    let text = String::from_utf8_lossy(name);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\0'..='\x1f' => {
                out.push('^');
                out.push((c as u8 + 0x40) as char);
            }
            '\x7f' => out.push_str("^?"),
            c => out.push(c),
        }
    }
    out
}

/// objdump's `compare_symbols`: by address; then symbols of the section
/// being disassembled, non-file names, non-section symbols, functions,
/// objects, globals before weak before locals, larger sizes, names not
/// starting with `.`, and finally by name.
fn compare(a: &Symbol, b: &Symbol, section: &str) -> Ordering {
    a.value
        .cmp(&b.value)
        .then((b.section_name == section).cmp(&(a.section_name == section)))
        .then(a.looks_like_file().cmp(&b.looks_like_file()))
        .then(a.section_symbol.cmp(&b.section_symbol))
        .then(b.function.cmp(&a.function))
        .then(b.object.cmp(&a.object))
        .then(a.local.cmp(&b.local))
        .then(b.global.cmp(&a.global))
        .then(b.size.cmp(&a.size))
        .then(a.name.starts_with('.').cmp(&b.name.starts_with('.')))
        .then_with(|| a.name.cmp(&b.name))
}

/// The sorted symbol table of one ELF image.
pub(super) struct Symbols {
    sorted: Vec<Symbol>,
    /// True for relocatable objects: objdump then prefers symbols of the
    /// section being disassembled for addresses inside it.
    relocatable: bool,
}

/// The section being disassembled, as symbol lookups need it.
#[derive(Clone, Copy)]
pub(super) struct Section<'a> {
    pub index: usize,
    pub name: &'a str,
    pub vma: u64,
    pub size: u64,
}

impl Symbols {
    pub fn new(symbols: Vec<Symbol>, relocatable: bool) -> Self {
        Symbols {
            sorted: symbols,
            relocatable,
        }
    }

    /// Sort for disassembling the section named `section` (objdump sorts
    /// again for every section, preferring that section's symbols).
    pub fn sort_for(&mut self, section: &str) {
        self.sorted.sort_by(|a, b| compare(a, b, section));
    }

    pub fn get(&self, place: usize) -> Option<&Symbol> {
        self.sorted.get(place)
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// The value of the symbol named `name`, if any.
    pub fn value_of(&self, name: &str) -> Option<u64> {
        self.sorted.iter().find(|s| s.name == name).map(|s| s.value)
    }

    /// objdump's `find_symbol_for_address`: the index of the symbol to
    /// name `vma` by. With `require_section` only symbols of `section`
    /// qualify (section headers); otherwise any printable symbol does
    /// (operands), but relocatable files still prefer `section`.
    pub fn find(&self, vma: u64, section: Section<'_>, require_section: bool) -> Option<usize> {
        let syms = &self.sorted;
        if syms.is_empty() {
            return None;
        }
        let in_section = |s: &Symbol| s.home == Home::Section(section.index);
        // The last symbol at or below vma (or the first symbol if none is).
        let below = syms.partition_point(|s| s.value <= vma);
        let mut place = below.saturating_sub(1);
        // The first of several symbols at that address.
        while place > 0 && syms[place - 1].value == syms[place].value {
            place -= 1;
        }
        // Prefer a symbol of the current section at that address. (When
        // every symbol lies above vma, objdump's binary search has left
        // only the first one in range.)
        let limit = if below == 0 { 1 } else { syms.len() };
        let mut min = place;
        while min < limit && syms[min].value == syms[place].value {
            if in_section(&syms[min]) && syms[min].printable {
                return Some(min);
            }
            min += 1;
        }
        let want_section = require_section
            || self.relocatable && vma >= section.vma && vma - section.vma < section.size;
        let acceptable = |s: &Symbol| (in_section(s) || !want_section) && s.printable;
        if !acceptable(&syms[place]) {
            // The closest acceptable symbol below, the first of those at
            // its address; failing that, the closest one above.
            let mut found: Option<usize> = None;
            for i in (0..min).rev() {
                if acceptable(&syms[i]) {
                    if let Some(f) = found {
                        if syms[i].value != syms[f].value {
                            break;
                        }
                    }
                    found = Some(i);
                }
            }
            place = match found {
                Some(i) => i,
                None => (place + 1..syms.len()).find(|&i| acceptable(&syms[i]))?,
            };
        }
        Some(place)
    }

    /// The index of the next symbol after `place` that starts a new block
    /// in the listing: same section name, a higher address, printable.
    pub fn next_label(&self, mut place: usize, current_value: u64, section: &str) -> Option<usize> {
        while let Some(s) = self.sorted.get(place) {
            if s.section_name == section && s.value > current_value && s.printable {
                return Some(place);
            }
            place += 1;
        }
        None
    }

    /// The mapping symbols, for listing the section with index `section`.
    pub fn mappings(&self, section: usize) -> Mappings {
        let marks = self.sorted.iter().filter(|s| s.mapping != Mapping::None);
        Mappings {
            in_section: marks
                .clone()
                .filter(|s| s.home == Home::Section(section))
                .map(|s| (s.value, s.mapping))
                .collect(),
            all: marks.map(|s| s.value).collect(),
        }
    }

    /// objdump's `objdump_print_addr` for operands and comments: the
    /// address in hex, then `<symbol+0xoffset>`; `0x` and the bare address
    /// when the file has no symbols at all.
    pub fn write_address(&self, vma: u64, section: Section<'_>, out: &mut String) {
        if self.sorted.is_empty() {
            let _ = write!(out, "{vma:#x}");
            return;
        }
        let sym = self.find(vma, section, false).map(|i| &self.sorted[i]);
        write_with_symbol(vma, sym, section, false, out);
    }
}

/// objdump's `objdump_print_addr_with_sym`: `addr <name+0xoff>`, or
/// relative to the section when there is no symbol. Block headers print
/// the address with all 16 digits (`full_width`).
pub(super) fn write_with_symbol(
    vma: u64,
    sym: Option<&Symbol>,
    section: Section<'_>,
    full_width: bool,
    out: &mut String,
) {
    if full_width {
        let _ = write!(out, "{vma:016x} <");
    } else {
        let _ = write!(out, "{vma:x} <");
    }
    let (name, base) = match sym {
        Some(s) => (s.name.as_str(), s.value),
        None => (section.name, section.vma),
    };
    out.push_str(name);
    match vma.cmp(&base) {
        Ordering::Equal => {}
        Ordering::Greater => {
            let _ = write!(out, "+{:#x}", vma - base);
        }
        Ordering::Less => {
            let _ = write!(out, "-{:#x}", base - vma);
        }
    }
    out.push('>');
}

/// Mapping symbols in address order: which bytes of a code section are
/// data (binutils `riscv_search_mapping_symbol`, `riscv_data_length`).
pub(super) struct Mappings {
    in_section: Vec<(u64, Mapping)>,
    all: Vec<u64>,
}

impl Mappings {
    /// Whether `addr` lies in data: the last mapping symbol of the section
    /// at or below it says so; code when there is none.
    pub fn is_data(&self, addr: u64) -> bool {
        let below = self.in_section.partition_point(|&(value, _)| value <= addr);
        below > 0 && self.in_section[below - 1].1 == Mapping::Data
    }

    /// The first mapping symbol (of any section) above `addr`: a data item
    /// does not extend past it.
    pub fn next_after(&self, addr: u64) -> Option<u64> {
        let above = self.all.partition_point(|&value| value <= addr);
        self.all.get(above).copied()
    }
}
