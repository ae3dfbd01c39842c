//! Unit tests of Linux user mode: hand-made ELF images, loader and stack
//! checks, and syscalls called directly with registers set.

mod elf;
mod image;
mod interp;
mod interrupt;
mod io;
mod loader;
mod mem;
mod misc;
mod procs;
mod root;
mod signals;
mod net;
mod procfd;
mod stack;
mod task;
mod transfer;
mod vfs;

use super::*;
use crate::mem::Perms;
use image::ElfBuilder;

/// A loaded process with its hart and memory, and a scratch buffer.
pub struct Guest {
    pub p: Process,
    pub hart: Hart,
    pub mem: Memory,
}

/// A read-write scratch area the tests pass as syscall buffers.
pub const SCRATCH: u64 = 0x10_0000_0000;
pub const SCRATCH_LEN: u64 = 0x10000;
/// A page mapped read-only, and an address with nothing mapped.
pub const READONLY: u64 = SCRATCH + SCRATCH_LEN;
pub const UNMAPPED: u64 = 0x20_0000_0000;

pub fn config() -> LinuxConfig {
    LinuxConfig {
        argv: vec![b"/bin/prog".to_vec(), b"arg one".to_vec()],
        envp: vec![b"HOME=/home/guest".to_vec(), b"LANG=C".to_vec()],
        exec_path: b"/bin/prog".to_vec(),
        stdin: Input::Bytes(b"line one\nline two\n".to_vec()),
        stdout: Output::Capture,
        stderr: Output::Capture,
    }
}

impl Guest {
    pub fn new() -> Guest {
        Guest::with_config(config())
    }

    pub fn with_config(cfg: LinuxConfig) -> Guest {
        Guest::load(&ElfBuilder::minimal().build(), cfg)
    }

    pub fn load(image: &[u8], cfg: LinuxConfig) -> Guest {
        Guest::load_with(image, cfg, &LinuxOptions::default())
    }

    pub fn load_with(image: &[u8], cfg: LinuxConfig, options: &LinuxOptions) -> Guest {
        let mut mem = Memory::new();
        let mut hart = Hart::new();
        let p = Process::load_with(image, cfg, options, &mut mem, &mut hart).expect("load");
        mem.map(SCRATCH, SCRATCH_LEN, Perms::RW, "scratch").expect("scratch");
        mem.map(READONLY, 0x1000, Perms::R, "readonly").expect("readonly");
        Guest { p, hart, mem }
    }

    /// Run syscall `nr` with `args`; the outcome must be Continue, and the
    /// result is a0 as a signed value.
    pub fn call(&mut self, nr: u64, args: &[u64]) -> i64 {
        match self.outcome(nr, args) {
            SyscallOutcome::Continue => self.hart.x[10] as i64,
            other => panic!("syscall {nr}: unexpected outcome {other:?}"),
        }
    }

    pub fn outcome(&mut self, nr: u64, args: &[u64]) -> SyscallOutcome {
        assert!(args.len() <= 6);
        for i in 0..6 {
            self.hart.x[10 + i] = args.get(i).copied().unwrap_or(0);
        }
        self.hart.x[17] = nr;
        self.p.syscall(&mut self.hart, &mut self.mem)
    }

    /// Write bytes into guest memory (ignoring permissions).
    pub fn poke(&mut self, addr: u64, data: &[u8]) {
        self.mem.poke(addr, data).expect("poke");
    }

    pub fn peek(&mut self, addr: u64, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.mem.peek(addr, &mut b).expect("peek");
        b
    }

    pub fn peek_u64(&mut self, addr: u64) -> u64 {
        u64::from_le_bytes(self.peek(addr, 8).try_into().unwrap())
    }

    pub fn peek_u32(&mut self, addr: u64) -> u32 {
        u32::from_le_bytes(self.peek(addr, 4).try_into().unwrap())
    }

    /// Put a NUL-terminated string at `addr` and return `addr`.
    pub fn cstr(&mut self, addr: u64, s: &str) -> u64 {
        let mut b = s.as_bytes().to_vec();
        b.push(0);
        self.poke(addr, &b);
        addr
    }
}

/// -errno as the guest sees it.
pub fn err(e: Errno) -> i64 {
    -(e.0 as i64)
}

/// A fresh empty directory for a test.
pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "vmjit-linux-{}-{}-{}",
        tag,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The engine runs guests on worker threads: a process must be movable
/// and shareable between them.
#[test]
fn process_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Process>();
}
