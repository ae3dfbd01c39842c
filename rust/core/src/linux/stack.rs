//! The initial stack of a new process, laid out as Linux's
//! create_elf_tables (fs/binfmt_elf.c) does and the RISC-V psABI expects:
//!
//! ```text
//! STACK_TOP   8 zero bytes
//!             execfn string, envp strings, argv strings
//!             (16-byte alignment)
//!             AT_RANDOM bytes (16)
//!             padding to 16
//!             auxv pairs up to AT_NULL
//!             NULL, envp[], NULL, argv[]
//! sp ->       argc                (sp is 16-byte aligned)
//! ```

use super::layout::{STACK_BOTTOM, STACK_SIZE, STACK_TOP};
use super::elf::ElfInfo;
use super::loader::LoadedImage;
use super::ElfError;
use crate::mem::{Memory, Perms, PAGE_SIZE};

pub const AT_NULL: u64 = 0;
pub const AT_PHDR: u64 = 3;
pub const AT_PHENT: u64 = 4;
pub const AT_PHNUM: u64 = 5;
pub const AT_PAGESZ: u64 = 6;
pub const AT_BASE: u64 = 7;
pub const AT_FLAGS: u64 = 8;
pub const AT_ENTRY: u64 = 9;
pub const AT_UID: u64 = 11;
pub const AT_EUID: u64 = 12;
pub const AT_GID: u64 = 13;
pub const AT_EGID: u64 = 14;
pub const AT_HWCAP: u64 = 16;
pub const AT_CLKTCK: u64 = 17;
pub const AT_SECURE: u64 = 23;
pub const AT_RANDOM: u64 = 25;
pub const AT_EXECFN: u64 = 31;

/// AT_HWCAP as riscv64 Linux reports an RV64IMAFDC hart: one bit per
/// single-letter extension, bit (letter - 'a').
pub const HWCAP_RV64GC: u64 = {
    const fn bit(c: u8) -> u64 {
        1 << (c - b'a')
    }
    bit(b'i') | bit(b'm') | bit(b'a') | bit(b'f') | bit(b'd') | bit(b'c')
};

/// USER_HZ, the unit of times() and /proc (AT_CLKTCK).
pub const CLOCK_TICKS: u64 = 100;

/// One argument or environment string may not exceed MAX_ARG_STRLEN
/// (32 pages, NUL included), as with execve.
const MAX_ARG_STRLEN: usize = 32 * PAGE_SIZE as usize;
/// All strings together may take a quarter of the stack (the execve limit
/// for an 8 MiB RLIMIT_STACK).
const MAX_ARG_TOTAL: u64 = STACK_SIZE / 4;

/// The owner of the process, reported in the auxiliary vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ids {
    pub uid: u32,
    pub euid: u32,
    pub gid: u32,
    pub egid: u32,
}

/// What goes on the stack.
pub struct StackInit<'a> {
    pub argv: &'a [Vec<u8>],
    pub envp: &'a [Vec<u8>],
    pub execfn: &'a [u8],
    pub image: &'a LoadedImage,
    /// Where the program interpreter was loaded (AT_BASE); 0 without one.
    pub interp_base: u64,
    pub random: [u8; 16],
    pub ids: Ids,
    /// PT_GNU_STACK asked for an executable stack.
    pub exec_stack: bool,
}

/// The built stack.
#[derive(Clone, Debug)]
pub struct InitialStack {
    pub sp: u64,
    /// The auxiliary vector as written (AT_NULL last), for /proc/self/auxv.
    pub auxv: Vec<(u64, u64)>,
}

/// Map the stack and write argc, argv, envp, auxv and the strings.
pub fn build(mem: &mut Memory, init: &StackInit) -> Result<InitialStack, ElfError> {
    for (i, s) in init.argv.iter().enumerate() {
        check_string(&format!("argument {i}"), s)?;
    }
    for (i, s) in init.envp.iter().enumerate() {
        check_string(&format!("environment string {i}"), s)?;
    }
    check_string("the executable path", init.execfn)?;
    let strings_len: u64 = init.argv.iter().chain(init.envp).map(|s| s.len() as u64 + 1).sum::<u64>()
        + init.execfn.len() as u64
        + 1;
    if strings_len > MAX_ARG_TOTAL {
        return Err(ElfError(format!(
            "argument list too long: {strings_len} bytes of arguments and environment (at most {MAX_ARG_TOTAL})"
        )));
    }
    let perms = if init.exec_stack { Perms::RWX } else { Perms::RW };
    mem.map(STACK_BOTTOM, STACK_SIZE, perms, "[stack]")
        .map_err(|e| ElfError(format!("cannot map the stack: {e}")))?;

    // The strings, argv lowest, end just below the top 8 bytes, which stay
    // zero (bprm->p starts one pointer below the end of the stack).
    let strings = STACK_TOP - 8 - strings_len;
    let mut cursor = strings;
    let mut place = |mem: &mut Memory, s: &[u8]| -> Result<u64, ElfError> {
        let addr = cursor;
        put(mem, addr, s)?;
        put(mem, addr + s.len() as u64, &[0])?;
        cursor += s.len() as u64 + 1;
        Ok(addr)
    };
    let argv: Vec<u64> = init.argv.iter().map(|s| place(mem, s)).collect::<Result<_, _>>()?;
    let envp: Vec<u64> = init.envp.iter().map(|s| place(mem, s)).collect::<Result<_, _>>()?;
    let execfn = place(mem, init.execfn)?;

    // arch_align_stack, then the AT_RANDOM bytes.
    let random = (strings & !15) - 16;
    put(mem, random, &init.random)?;

    let img = init.image;
    let auxv = vec![
        (AT_HWCAP, HWCAP_RV64GC),
        (AT_PAGESZ, PAGE_SIZE),
        (AT_CLKTCK, CLOCK_TICKS),
        (AT_PHDR, img.phdr),
        (AT_PHENT, ElfInfo::PHENT),
        (AT_PHNUM, img.phnum),
        // The interpreter's load address, 0 without one.
        (AT_BASE, init.interp_base),
        (AT_FLAGS, 0),
        (AT_ENTRY, img.entry),
        (AT_UID, init.ids.uid as u64),
        (AT_EUID, init.ids.euid as u64),
        (AT_GID, init.ids.gid as u64),
        (AT_EGID, init.ids.egid as u64),
        (AT_SECURE, 0),
        (AT_RANDOM, random),
        (AT_EXECFN, execfn),
        (AT_NULL, 0),
    ];

    // argc, argv + NULL, envp + NULL, then the auxv, placed so that sp is
    // 16-byte aligned (STACK_ROUND); any padding lies above the auxv.
    let words = 1 + (argv.len() + 1) + (envp.len() + 1) + auxv.len() * 2;
    let sp = (random - words as u64 * 8) & !15;
    let mut v = Vec::with_capacity(words);
    v.push(argv.len() as u64);
    v.extend(&argv);
    v.push(0);
    v.extend(&envp);
    v.push(0);
    for &(k, val) in &auxv {
        v.push(k);
        v.push(val);
    }
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    put(mem, sp, &bytes)?;
    Ok(InitialStack { sp, auxv })
}

fn check_string(what: &str, s: &[u8]) -> Result<(), ElfError> {
    if s.contains(&0) {
        return Err(ElfError(format!("{what} contains a NUL byte")));
    }
    if s.len() >= MAX_ARG_STRLEN {
        return Err(ElfError(format!("{what} is too long ({} bytes)", s.len())));
    }
    Ok(())
}

fn put(mem: &mut Memory, addr: u64, bytes: &[u8]) -> Result<(), ElfError> {
    mem.poke(addr, bytes).map_err(|e| ElfError(format!("cannot write the initial stack: {e}")))
}
