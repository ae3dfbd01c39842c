//! Building ELF images byte by byte for the tests.

pub const PT_LOAD: u32 = 1;
pub const PT_INTERP: u32 = 3;
pub const PT_GNU_STACK: u32 = 0x6474_e551;
pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;

#[derive(Clone, Debug)]
pub struct Phdr {
    pub p_type: u32,
    pub flags: u32,
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// An ELF64 executable: header, program headers right after it, then
/// whatever bytes the test places in the file.
#[derive(Clone, Debug)]
pub struct ElfBuilder {
    pub class: u8,
    pub data: u8,
    pub machine: u16,
    pub e_type: u16,
    pub entry: u64,
    pub phentsize: u16,
    pub phdrs: Vec<Phdr>,
    /// The file: the headers are written over its start.
    pub file: Vec<u8>,
}

/// The code of `minimal`: `li a0, 0; li a7, 93; ecall`.
pub const EXIT_CODE: [u8; 12] = [0x13, 0x05, 0x00, 0x00, 0x93, 0x08, 0xd0, 0x05, 0x73, 0x00, 0x00, 0x00];

impl ElfBuilder {
    /// A static executable with a text segment at 0x10000 (file offset 0,
    /// headers included, code at 0x10078 + 0x1000) and a data segment at
    /// 0x12000 with 0x10 file bytes (0xd0, 0xd1, ...) and a bss to 0x13800.
    pub fn minimal() -> ElfBuilder {
        let mut file = vec![0u8; 0x2100];
        file[0x1000..0x1000 + EXIT_CODE.len()].copy_from_slice(&EXIT_CODE);
        for (i, b) in file[0x2000..0x2010].iter_mut().enumerate() {
            *b = 0xd0 + i as u8;
        }
        // Bytes after the data segment's file part, in its last file page:
        // the loader must not let them show through the bss.
        file[0x2010..].fill(0xee);
        ElfBuilder {
            class: 2,
            data: 1,
            machine: 243,
            e_type: 2,
            entry: 0x11000,
            phentsize: 56,
            phdrs: vec![
                Phdr { p_type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x10000, filesz: 0x1010, memsz: 0x1010, align: 0x1000 },
                Phdr { p_type: PT_LOAD, flags: PF_R | PF_W, offset: 0x2000, vaddr: 0x12000, filesz: 0x10, memsz: 0x1800, align: 0x1000 },
                Phdr { p_type: PT_GNU_STACK, flags: PF_R | PF_W, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 16 },
            ],
            file,
        }
    }

    pub fn build(&self) -> Vec<u8> {
        let mut f = self.file.clone();
        let phoff = 64u64;
        let need = phoff as usize + self.phdrs.len() * 56;
        if f.len() < need {
            f.resize(need, 0);
        }
        f[..4].copy_from_slice(b"\x7fELF");
        f[4] = self.class;
        f[5] = self.data;
        f[6] = 1; // EV_CURRENT
        f[16..18].copy_from_slice(&self.e_type.to_le_bytes());
        f[18..20].copy_from_slice(&self.machine.to_le_bytes());
        f[20..24].copy_from_slice(&1u32.to_le_bytes());
        f[24..32].copy_from_slice(&self.entry.to_le_bytes());
        f[32..40].copy_from_slice(&phoff.to_le_bytes());
        f[40..48].copy_from_slice(&0u64.to_le_bytes()); // no section headers
        f[48..52].copy_from_slice(&5u32.to_le_bytes()); // RVC | double-float ABI
        f[52..54].copy_from_slice(&64u16.to_le_bytes());
        f[54..56].copy_from_slice(&self.phentsize.to_le_bytes());
        f[56..58].copy_from_slice(&(self.phdrs.len() as u16).to_le_bytes());
        f[58..60].copy_from_slice(&64u16.to_le_bytes());
        for (i, p) in self.phdrs.iter().enumerate() {
            let o = phoff as usize + i * 56;
            f[o..o + 4].copy_from_slice(&p.p_type.to_le_bytes());
            f[o + 4..o + 8].copy_from_slice(&p.flags.to_le_bytes());
            f[o + 8..o + 16].copy_from_slice(&p.offset.to_le_bytes());
            f[o + 16..o + 24].copy_from_slice(&p.vaddr.to_le_bytes());
            f[o + 24..o + 32].copy_from_slice(&p.vaddr.to_le_bytes());
            f[o + 32..o + 40].copy_from_slice(&p.filesz.to_le_bytes());
            f[o + 40..o + 48].copy_from_slice(&p.memsz.to_le_bytes());
            f[o + 48..o + 56].copy_from_slice(&p.align.to_le_bytes());
        }
        f
    }
}
