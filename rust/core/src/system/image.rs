//! Boot images: an ELF64 RISC-V executable whose loadable segments go to
//! their physical addresses (p_paddr), or a raw binary placed at the start
//! of RAM. The ELF's `tohost`/`fromhost` symbols locate HTIF.

use super::SystemError;

/// One piece of the image: `data` at physical `addr`, zero-filled up to
/// `size` bytes.
pub struct Piece {
    pub addr: u64,
    pub data: Vec<u8>,
    pub size: u64,
}

pub struct Image {
    pub entry: u64,
    pub pieces: Vec<Piece>,
    /// Physical addresses of HTIF's words, when the ELF defines them.
    pub tohost: Option<u64>,
    pub fromhost: Option<u64>,
}

const EM_RISCV: u16 = 243;
const PT_LOAD: u32 = 1;
const SHT_SYMTAB: u32 = 2;

fn bad(why: &str) -> SystemError {
    SystemError::Image(why.into())
}

/// `base + off`, an offset into the file.
fn at(base: u64, off: u64) -> Result<u64, SystemError> {
    base.checked_add(off).ok_or_else(|| bad("offset out of range"))
}

fn field<const N: usize>(b: &[u8], at: u64) -> Result<[u8; N], SystemError> {
    let at = usize::try_from(at).map_err(|_| bad("offset out of range"))?;
    b.get(at..at.checked_add(N).ok_or_else(|| bad("offset out of range"))?)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| bad("truncated ELF file"))
}

fn u16_at(b: &[u8], at: u64) -> Result<u16, SystemError> {
    field::<2>(b, at).map(u16::from_le_bytes)
}

fn u32_at(b: &[u8], at: u64) -> Result<u32, SystemError> {
    field::<4>(b, at).map(u32::from_le_bytes)
}

fn u64_at(b: &[u8], at: u64) -> Result<u64, SystemError> {
    field::<8>(b, at).map(u64::from_le_bytes)
}

fn bytes(b: &[u8], at: u64, len: u64) -> Result<&[u8], SystemError> {
    let start = usize::try_from(at).map_err(|_| bad("offset out of range"))?;
    let len = usize::try_from(len).map_err(|_| bad("size out of range"))?;
    b.get(start..start.checked_add(len).ok_or_else(|| bad("size out of range"))?)
        .ok_or_else(|| bad("segment or section outside the file"))
}

/// Parse `image`: an ELF when it starts with the ELF magic, else a raw
/// binary loaded at `ram_base` and entered there.
pub fn parse(image: &[u8], ram_base: u64) -> Result<Image, SystemError> {
    if !image.starts_with(b"\x7fELF") {
        let piece = Piece { addr: ram_base, data: image.to_vec(), size: image.len() as u64 };
        return Ok(Image { entry: ram_base, pieces: vec![piece], tohost: None, fromhost: None });
    }
    if image.get(4) != Some(&2) || image.get(5) != Some(&1) {
        return Err(bad("not a little-endian ELF64 file"));
    }
    if u16_at(image, 18)? != EM_RISCV {
        return Err(bad("not a RISC-V ELF file"));
    }
    let entry = u64_at(image, 24)?;
    let phoff = u64_at(image, 32)?;
    let phentsize = u16_at(image, 54)? as u64;
    let phnum = u16_at(image, 56)? as u64;
    let mut pieces = Vec::new();
    // (vaddr, paddr, memsz) of each segment, to turn symbol values into
    // physical addresses.
    let mut spans = Vec::new();
    for i in 0..phnum {
        let ph = at(phoff, i * phentsize)?;
        if u32_at(image, ph)? != PT_LOAD {
            continue;
        }
        let offset = u64_at(image, at(ph, 8)?)?;
        let vaddr = u64_at(image, at(ph, 16)?)?;
        let paddr = u64_at(image, at(ph, 24)?)?;
        let filesz = u64_at(image, at(ph, 32)?)?;
        let memsz = u64_at(image, at(ph, 40)?)?;
        if filesz > memsz {
            return Err(bad("segment file size exceeds its memory size"));
        }
        let data = bytes(image, offset, filesz)?.to_vec();
        pieces.push(Piece { addr: paddr, data, size: memsz });
        spans.push((vaddr, paddr, memsz));
    }
    let to_phys = |v: u64| {
        spans.iter().find(|&&(va, _, n)| v >= va && v - va < n).map(|&(va, pa, _)| pa.wrapping_add(v - va)).unwrap_or(v)
    };
    let tohost = symbol(image, "tohost")?.map(to_phys);
    let fromhost = symbol(image, "fromhost")?.map(to_phys);
    Ok(Image { entry: to_phys(entry), pieces, tohost, fromhost })
}

/// The value of the symbol called `name` in the ELF's symbol table.
fn symbol(image: &[u8], name: &str) -> Result<Option<u64>, SystemError> {
    let shoff = u64_at(image, 40)?;
    let shentsize = u16_at(image, 58)? as u64;
    let shnum = u16_at(image, 60)? as u64;
    for i in 0..shnum {
        let sh = at(shoff, i * shentsize)?;
        if u32_at(image, at(sh, 4)?)? != SHT_SYMTAB {
            continue;
        }
        let symtab = bytes(image, u64_at(image, at(sh, 24)?)?, u64_at(image, at(sh, 32)?)?)?;
        let link = u32_at(image, at(sh, 40)?)? as u64;
        let strsh = at(shoff, link * shentsize)?;
        let strtab = bytes(image, u64_at(image, at(strsh, 24)?)?, u64_at(image, at(strsh, 32)?)?)?;
        for sym in symtab.chunks_exact(24) {
            let name_off = u32::from_le_bytes([sym[0], sym[1], sym[2], sym[3]]) as usize;
            let Some(rest) = strtab.get(name_off..) else { continue };
            let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
            if &rest[..end] == name.as_bytes() {
                return Ok(Some(u64_at(sym, 8)?));
            }
        }
    }
    Ok(None)
}
