//! Linux user mode: ELF loading, the initial stack and the syscalls of a
//! single-threaded process. (scaffold: interface only)

use crate::hart::Hart;
use crate::mem::Memory;
use std::collections::BTreeMap;

/// Where a guest's standard input comes from.
#[derive(Clone, Debug)]
pub enum Input {
    /// The host process's own stdin (fd 0).
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
}

/// Where a guest's standard output or error goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The host process's own fd 1 / fd 2.
    Inherit,
    /// Collected in memory, taken with `Process::take_output`.
    Capture,
}

/// How to start a Linux process.
#[derive(Clone, Debug)]
pub struct LinuxConfig {
    /// The complete argument vector, argv[0] included.
    pub argv: Vec<Vec<u8>>,
    /// Environment as `KEY=VALUE` strings.
    pub envp: Vec<Vec<u8>>,
    /// The path of the program (AT_EXECFN, /proc/self/exe).
    pub exec_path: Vec<u8>,
    pub stdin: Input,
    pub stdout: Output,
    pub stderr: Output,
}

/// Error loading an ELF image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ElfError(pub String);

/// What the run loop must do after a syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyscallOutcome {
    Continue,
    /// exit or exit_group with this status.
    Exit(i32),
    /// The guest asked for its instruction cache to be flushed
    /// (riscv_flush_icache): drop decoded blocks.
    FlushIcache,
}

pub struct Process {
    unknown: BTreeMap<u64, u64>,
}

impl Process {
    /// Load `image` into `mem`, build the initial stack and set up `hart`
    /// (pc at the entry point, sp at the stack).
    pub fn load(_image: &[u8], _config: LinuxConfig, _mem: &mut Memory, _hart: &mut Hart) -> Result<Process, ElfError> {
        Err(ElfError("not implemented".into()))
    }

    /// Execute the syscall requested by `hart` (number in a7, arguments in
    /// a0..a5, result to a0). The pc is not advanced here.
    pub fn syscall(&mut self, _hart: &mut Hart, _mem: &mut Memory) -> SyscallOutcome {
        SyscallOutcome::Continue
    }

    /// Captured bytes written to fd 1 (`fd == 1`) or fd 2, emptied.
    pub fn take_output(&mut self, _fd: u32) -> Vec<u8> {
        Vec::new()
    }

    /// Syscall numbers that returned -ENOSYS, with how often.
    pub fn unknown_syscalls(&self) -> &BTreeMap<u64, u64> {
        &self.unknown
    }
}
