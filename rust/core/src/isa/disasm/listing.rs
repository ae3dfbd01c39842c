//! The `objdump -d` listing of one executable section (binutils
//! `objdump.c`: `disassemble_section` and `disassemble_bytes`): a block
//! per symbol, one line per instruction with its address and bytes, runs
//! of zero bytes folded into `...`.

use std::fmt::Write;

use super::hints::AddressHints;
use super::symbols::{write_with_symbol, Mappings, Section, Symbols};
use super::{render, Addresses};
use crate::isa::decode;

/// objdump prints at most this many instruction bytes per line.
const BYTES_PER_LINE: usize = 8;
/// A run of at least this many zero bytes is folded into `...`.
const SKIP_ZEROES: usize = 8;
/// Fewer zero bytes than this at the end of a block are folded too.
const SKIP_ZEROES_AT_END: usize = 3;

/// Targets and comments name the nearest symbol, as objdump does.
struct SymbolicAddresses<'a> {
    symbols: &'a Symbols,
    section: Section<'a>,
}

impl Addresses for SymbolicAddresses<'_> {
    fn write_address(&self, addr: u64, out: &mut String) {
        self.symbols.write_address(addr, self.section, out);
    }
}

pub(super) struct Listing<'a> {
    pub out: &'a mut String,
    pub symbols: &'a mut Symbols,
    pub hints: &'a mut AddressHints,
}

impl Listing<'_> {
    /// List `bytes`, the contents of `section`.
    pub fn section(&mut self, section: Section<'_>, bytes: &[u8]) {
        let _ = write!(self.out, "\nDisassembly of section {}:\n", section.name);
        self.symbols.sort_for(section.name);
        let layout = Layout {
            columns: AddressColumn::for_section(section.vma, bytes.len() as u64),
            mappings: self.symbols.mappings(section.index),
        };
        let stop = bytes.len();
        let mut sym = self.symbols.find(section.vma, section, true);
        // Where the search for the next symbol resumes.
        let mut place = sym.unwrap_or(0);
        let mut offset = 0;
        // One block per symbol: a header, then the bytes up to the next
        // symbol of the section.
        while offset < stop {
            let addr = section.vma.wrapping_add(offset as u64);
            let current = sym.and_then(|i| self.symbols.get(i));
            self.out.push('\n');
            write_with_symbol(addr, current, section, true, self.out);
            self.out.push_str(":\n");
            // Before the first symbol the block ends where it starts.
            let next = match current.map(|s| s.value) {
                Some(value) if value > addr => sym,
                Some(value) => {
                    let next = self.symbols.next_label(place, value, section.name);
                    place = next.unwrap_or(self.symbols.len());
                    next
                }
                None => None,
            };
            let end = next
                .and_then(|i| self.symbols.get(i))
                .and_then(|s| usize::try_from(s.value.wrapping_sub(section.vma)).ok())
                .filter(|&end| end > offset && end <= stop)
                .unwrap_or(stop);
            if !self.block(section, bytes, offset, end, &layout) {
                return;
            }
            offset = end;
            sym = next;
        }
    }

    /// List the instructions in `bytes[start..stop]`; false when the
    /// section ended inside an instruction (objdump gives up there).
    fn block(
        &mut self,
        section: Section<'_>,
        bytes: &[u8],
        start: usize,
        stop: usize,
        layout: &Layout,
    ) -> bool {
        let Layout { columns, mappings } = layout;
        let mut offset = start;
        while offset < stop {
            let zeros = bytes[offset..stop].iter().take_while(|&&b| b == 0).count();
            let at_end = offset + zeros == stop;
            if zeros >= SKIP_ZEROES || at_end && zeros < SKIP_ZEROES_AT_END {
                // Skip whole words unless the zeros run to the end, so as
                // not to swallow the start of an instruction.
                offset += if at_end { zeros } else { zeros & !3 };
                self.out.push_str("\t...\n");
                continue;
            }
            let addr = section.vma.wrapping_add(offset as u64);
            columns.write(addr, self.out);
            let available = &bytes[offset..];
            let (len, chunk, line_bytes) = if mappings.is_data(addr) {
                let len = data_len(addr, mappings.next_after(addr), available.len());
                (len, len, if len == 1 { 6 } else { BYTES_PER_LINE })
            } else {
                let len = match available {
                    [lo, hi, ..] => listing_len(u16::from_le_bytes([*lo, *hi])),
                    _ => usize::MAX,
                };
                (len, chunk_size(len), BYTES_PER_LINE)
            };
            if available.len() < len {
                truncated(addr, available, self.out);
                return false;
            }
            let raw = &available[..len];
            let text = if mappings.is_data(addr) {
                data_text(raw)
            } else {
                self.instruction(section, raw, addr)
            };
            write_bytes(&bytes[..stop], offset, len, chunk, line_bytes, self.out);
            self.out.push('\t');
            self.out.push_str(&text);
            // Bytes beyond the first line go on lines of their own.
            let mut shown = len.min(line_bytes);
            while shown < len {
                self.out.push('\n');
                columns.write(addr.wrapping_add(shown as u64), self.out);
                let end = (shown + line_bytes).min(len);
                for at in (shown..end).step_by(chunk) {
                    if offset + at + chunk <= stop {
                        write_chunk(&bytes[offset + at..offset + at + chunk], self.out);
                    }
                    self.out.push(' ');
                }
                shown = end;
            }
            self.out.push('\n');
            offset += len;
        }
        true
    }

    /// The text of the instruction in `raw` (2, 4 or more bytes) at `addr`.
    fn instruction(&mut self, section: Section<'_>, raw: &[u8], addr: u64) -> String {
        if raw.len() > 4 {
            return long_encoding(raw);
        }
        let bits = raw.iter().rev().fold(0u32, |acc, &b| acc << 8 | b as u32);
        let inst = decode(bits);
        let addresses = SymbolicAddresses {
            symbols: self.symbols,
            section,
        };
        let text = render(&inst, addr, &addresses);
        let mut line = text.mnemonic;
        if !text.operands.is_empty() {
            line.push('\t');
            line.push_str(&text.operands);
        }
        if let Some(target) = self.hints.observe(bits, &inst, addr) {
            line.push_str(" # ");
            addresses.write_address(target, &mut line);
        }
        line
    }
}

/// What stays the same for a whole section.
struct Layout {
    columns: AddressColumn,
    mappings: Mappings,
}

/// The size of a data item in a code section: up to a word, cut at the
/// next mapping symbol or else at the end of the section, and never 3.
fn data_len(addr: u64, next_mapping: Option<u64>, available: usize) -> usize {
    let room = match next_mapping {
        Some(next) => next.wrapping_sub(addr),
        None => available as u64,
    };
    match room.min(4) {
        3 => 2,
        n => n as usize,
    }
}

/// A data item as objdump prints it: `.byte`, `.short` or `.word`.
fn data_text(raw: &[u8]) -> String {
    let value = raw.iter().rev().fold(0u32, |acc, &b| acc << 8 | b as u32);
    match raw.len() {
        1 => format!(".byte\t{value:#04x}"),
        2 => format!(".short\t{value:#06x}"),
        _ => format!(".word\t{value:#010x}"),
    }
}

/// The instruction length objdump assumes from the first parcel: RV64GC's
/// 2 and 4 bytes, and the longer encodings of the spec's length scheme
/// (48, 64, 80..176 bits), which it prints as raw bytes.
fn listing_len(lo: u16) -> usize {
    if lo & 3 != 3 {
        2
    } else if lo & 0x1f != 0x1f {
        4
    } else if lo & 0x3f == 0x1f {
        6
    } else if lo & 0x7f == 0x3f {
        8
    } else if lo & 0x7f == 0x7f && lo & 0x7000 != 0x7000 {
        10 + ((lo >> 11) & 0xe) as usize
    } else {
        2
    }
}

/// objdump groups instruction bytes in 16-bit parcels, or 32-bit words
/// when the length is a multiple of 4.
fn chunk_size(len: usize) -> usize {
    if len % 4 == 0 {
        4
    } else {
        2
    }
}

/// A longer-than-32-bit encoding: none is defined, so print its bytes.
fn long_encoding(raw: &[u8]) -> String {
    if raw.len() == 8 {
        let value = raw.iter().rev().fold(0u64, |acc, &b| acc << 8 | b as u64);
        return format!(".8byte\t{value:#x}");
    }
    let bytes: Vec<String> = raw.iter().map(|b| format!("{b:#04x}")).collect();
    format!(".byte\t{}", bytes.join(", "))
}

/// The bytes column: `chunk`-byte groups in little-endian order, padded
/// to the width of a full line of `line_bytes`.
fn write_bytes(
    block: &[u8],
    offset: usize,
    len: usize,
    chunk: usize,
    line_bytes: usize,
    out: &mut String,
) {
    let shown = len.min(line_bytes);
    for at in (0..shown).step_by(chunk) {
        if let Some(bytes) = block.get(offset + at..offset + at + chunk) {
            write_chunk(bytes, out);
        }
        out.push(' ');
    }
    for _ in (shown..line_bytes).step_by(chunk) {
        out.push_str(&"  ".repeat(chunk));
        out.push(' ');
    }
}

fn write_chunk(bytes: &[u8], out: &mut String) {
    for b in bytes.iter().rev() {
        let _ = write!(out, "{b:02x}");
    }
}

/// The section ends inside an instruction: objdump shows the bytes left
/// and a memory error.
fn truncated(addr: u64, bytes: &[u8], out: &mut String) {
    for b in bytes {
        let _ = write!(out, "{b:02x} ");
    }
    for _ in bytes.len()..6 {
        out.push_str("   ");
    }
    let _ = write!(out, "\tAddress {addr:#x} is out of bounds.\n\n");
}

/// The address at the start of each line: the leading zeros every address
/// of the section shares are dropped in groups of four (at least one zero
/// stays), the remaining ones turn into spaces.
struct AddressColumn {
    skip: usize,
}

impl AddressColumn {
    fn for_section(vma: u64, size: u64) -> Self {
        let end = format!("{:016x}", vma.wrapping_add(size));
        let zeros = end.bytes().take_while(|&b| b == b'0').count();
        let skip = if zeros == 16 && vma != 0 {
            // The end wrapped around: keep every digit.
            0
        } else if zeros == 0 {
            0
        } else {
            (zeros - 1) & !3
        };
        AddressColumn { skip }
    }

    fn write(&self, addr: u64, out: &mut String) {
        let digits = format!("{addr:016x}");
        let shown = &digits[self.skip..];
        let zeros = shown
            .bytes()
            .take_while(|&b| b == b'0')
            .count()
            .min(shown.len() - 1);
        out.push_str(&" ".repeat(zeros));
        out.push_str(&shown[zeros..]);
        out.push_str(":\t");
    }
}
