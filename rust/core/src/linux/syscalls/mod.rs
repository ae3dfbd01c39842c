//! The syscall table: numbers of the RISC-V (asm-generic) table and their
//! handlers, by topic in the submodules.
//!
//! A handler takes the process, guest memory and a0..a5, and returns the
//! value for a0 or an errno. Numbers riscv64 Linux does not have, or that
//! are not implemented, return -ENOSYS and are counted.

mod desc;
mod exec;
mod fork;
mod fs;
mod fsattr;
mod futex;
mod hwprobe;
mod io;
mod itimer;
mod mem;
mod net;
pub(super) mod oflags;
mod poll;
mod prctl;
mod proc;
mod remap;
mod resolve;
mod sendfile;
mod signal;
pub(super) mod sigwait;
mod stat;
mod time;
mod wait;

pub use exec::execve;
pub use fork::{clone, Family};
pub use fs::{exe_path, Cwd};
pub use mem::Brk;
pub use prctl::Task;
pub use proc::{Limits, RLIMIT_NOFILE};

use super::errno::SysResult;
use super::Process;
use crate::mem::Memory;

/// a0..a5.
pub type Args = [u64; 6];

/// Defines `nr`, the syscall numbers, with `nr::NAMES` listing them by
/// name for `number`.
macro_rules! syscall_numbers {
    ($($name:ident = $nr:literal,)*) => {
        /// Syscall numbers (include/uapi/asm-generic/unistd.h; riscv64
        /// defines __ARCH_WANT_NEW_STAT and __ARCH_WANT_SET_GET_RLIMIT, and
        /// has no renameat: its libc uses renameat2).
        pub mod nr {
            $(pub const $name: u64 = $nr;)*
            /// (NAME, number) of every constant above.
            pub const NAMES: &[(&str, u64)] = &[$((stringify!($name), $nr)),*];
        }
    };
}

syscall_numbers! {
    GETCWD = 17,
    DUP = 23,
    DUP3 = 24,
    FCNTL = 25,
    IOCTL = 29,
    MKDIRAT = 34,
    UNLINKAT = 35,
    SYMLINKAT = 36,
    LINKAT = 37,
    STATFS = 43,
    FSTATFS = 44,
    TRUNCATE = 45,
    FTRUNCATE = 46,
    FACCESSAT = 48,
    CHDIR = 49,
    FCHDIR = 50,
    FCHMOD = 52,
    FCHMODAT = 53,
    FCHOWNAT = 54,
    FCHOWN = 55,
    OPENAT = 56,
    CLOSE = 57,
    PIPE2 = 59,
    GETDENTS64 = 61,
    LSEEK = 62,
    READ = 63,
    WRITE = 64,
    READV = 65,
    WRITEV = 66,
    PREAD64 = 67,
    PWRITE64 = 68,
    PREADV = 69,
    PWRITEV = 70,
    SENDFILE = 71,
    PPOLL = 73,
    READLINKAT = 78,
    NEWFSTATAT = 79,
    FSTAT = 80,
    FSYNC = 82,
    FDATASYNC = 83,
    UTIMENSAT = 88,
    EXIT = 93,
    EXIT_GROUP = 94,
    SET_TID_ADDRESS = 96,
    FUTEX = 98,
    SET_ROBUST_LIST = 99,
    GET_ROBUST_LIST = 100,
    NANOSLEEP = 101,
    GETITIMER = 102,
    SETITIMER = 103,
    CLOCK_GETTIME = 113,
    CLOCK_GETRES = 114,
    CLOCK_NANOSLEEP = 115,
    SCHED_GETAFFINITY = 123,
    SCHED_YIELD = 124,
    KILL = 129,
    TKILL = 130,
    TGKILL = 131,
    SIGALTSTACK = 132,
    RT_SIGSUSPEND = 133,
    RT_SIGACTION = 134,
    RT_SIGPROCMASK = 135,
    RT_SIGPENDING = 136,
    RT_SIGTIMEDWAIT = 137,
    RT_SIGQUEUEINFO = 138,
    RT_SIGRETURN = 139,
    SETPGID = 154,
    GETPGID = 155,
    GETSID = 156,
    SETSID = 157,
    UNAME = 160,
    GETRLIMIT = 163,
    SETRLIMIT = 164,
    GETRUSAGE = 165,
    UMASK = 166,
    PRCTL = 167,
    GETTIMEOFDAY = 169,
    GETPID = 172,
    GETPPID = 173,
    GETUID = 174,
    GETEUID = 175,
    GETGID = 176,
    GETEGID = 177,
    GETTID = 178,
    SYSINFO = 179,
    SOCKET = 198,
    CONNECT = 203,
    BRK = 214,
    MUNMAP = 215,
    MREMAP = 216,
    MMAP = 222,
    FADVISE64 = 223,
    MPROTECT = 226,
    MSYNC = 227,
    CLONE = 220,
    EXECVE = 221,
    MADVISE = 233,
    RISCV_HWPROBE = 258,
    RISCV_FLUSH_ICACHE = 259,
    WAIT4 = 260,
    PRLIMIT64 = 261,
    RENAMEAT2 = 276,
    GETRANDOM = 278,
    STATX = 291,
    RSEQ = 293,
    EXECVEAT = 281,
    CLONE3 = 435,
    WAITID = 95,
    FACCESSAT2 = 439,
    LANDLOCK_CREATE_RULESET = 444,
    LANDLOCK_ADD_RULE = 445,
    LANDLOCK_RESTRICT_SELF = 446,
    FCHMODAT2 = 452,
}

/// The number of the syscall called `name` ("write", "openat"): only
/// syscalls this table knows.
pub fn number(name: &str) -> Option<u64> {
    nr::NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, nr)| nr)
}

type Handler = fn(&mut Process, &mut Memory, Args) -> SysResult;

/// What a syscall number does.
pub enum Action {
    Call(Handler),
    Exit,
    FlushIcache,
    /// rt_sigreturn: sets every register, pc included.
    Sigreturn,
    /// clone: a new process (needs the registers: stack, tls).
    Clone,
    /// execve (`at`: execveat): a new program (replaces the registers).
    Exec { at: bool },
    /// Known, deliberately not supported: -ENOSYS without being counted
    /// as unknown (the caller has a fallback).
    Unsupported,
    Unknown,
}

pub fn lookup(number: u64) -> Action {
    use Action::Call;
    match number {
        nr::GETCWD => Call(fs::sys_getcwd),
        nr::DUP => Call(desc::sys_dup),
        nr::DUP3 => Call(desc::sys_dup3),
        nr::FCNTL => Call(desc::sys_fcntl),
        nr::IOCTL => Call(desc::sys_ioctl),
        nr::MKDIRAT => Call(fs::sys_mkdirat),
        nr::UNLINKAT => Call(fs::sys_unlinkat),
        nr::SYMLINKAT => Call(fsattr::sys_symlinkat),
        nr::LINKAT => Call(fsattr::sys_linkat),
        nr::STATFS => Call(fsattr::sys_statfs),
        nr::FSTATFS => Call(fsattr::sys_fstatfs),
        nr::TRUNCATE => Call(fsattr::sys_truncate),
        nr::FTRUNCATE => Call(fsattr::sys_ftruncate),
        nr::FACCESSAT => Call(fs::sys_faccessat),
        nr::CHDIR => Call(fs::sys_chdir),
        nr::FCHDIR => Call(fs::sys_fchdir),
        nr::FCHMOD => Call(fsattr::sys_fchmod),
        nr::FCHMODAT => Call(fsattr::sys_fchmodat),
        nr::FCHOWNAT => Call(fsattr::sys_fchownat),
        nr::FCHOWN => Call(fsattr::sys_fchown),
        nr::OPENAT => Call(fs::sys_openat),
        nr::CLOSE => Call(desc::sys_close),
        nr::PIPE2 => Call(desc::sys_pipe2),
        nr::GETDENTS64 => Call(fs::sys_getdents64),
        nr::LSEEK => Call(io::sys_lseek),
        nr::READ => Call(io::sys_read),
        nr::WRITE => Call(io::sys_write),
        nr::READV => Call(io::sys_readv),
        nr::WRITEV => Call(io::sys_writev),
        nr::PREAD64 => Call(io::sys_pread64),
        nr::PWRITE64 => Call(io::sys_pwrite64),
        nr::PREADV => Call(io::sys_preadv),
        nr::PWRITEV => Call(io::sys_pwritev),
        nr::SENDFILE => Call(sendfile::sys_sendfile),
        nr::PPOLL => Call(poll::sys_ppoll),
        nr::READLINKAT => Call(fs::sys_readlinkat),
        nr::NEWFSTATAT => Call(fs::sys_newfstatat),
        nr::FSTAT => Call(fs::sys_fstat),
        nr::UTIMENSAT => Call(fsattr::sys_utimensat),
        nr::FSYNC | nr::FDATASYNC => Call(fsattr::sys_fsync),
        nr::EXIT | nr::EXIT_GROUP => Action::Exit,
        nr::SET_TID_ADDRESS => Call(proc::sys_set_tid_address),
        nr::FUTEX => Call(futex::sys_futex),
        nr::SET_ROBUST_LIST => Call(proc::sys_set_robust_list),
        nr::GET_ROBUST_LIST => Call(proc::sys_get_robust_list),
        nr::NANOSLEEP => Call(time::sys_nanosleep),
        nr::GETITIMER => Call(itimer::sys_getitimer),
        nr::SETITIMER => Call(itimer::sys_setitimer),
        nr::CLOCK_GETTIME => Call(time::sys_clock_gettime),
        nr::CLOCK_GETRES => Call(time::sys_clock_getres),
        nr::CLOCK_NANOSLEEP => Call(time::sys_clock_nanosleep),
        nr::SCHED_GETAFFINITY => Call(proc::sys_sched_getaffinity),
        nr::SCHED_YIELD => Call(proc::sys_sched_yield),
        nr::KILL => Call(signal::sys_kill),
        nr::TKILL => Call(signal::sys_tkill),
        nr::TGKILL => Call(signal::sys_tgkill),
        nr::SIGALTSTACK => Call(signal::sys_sigaltstack),
        nr::RT_SIGSUSPEND => Call(sigwait::sys_rt_sigsuspend),
        nr::RT_SIGACTION => Call(signal::sys_rt_sigaction),
        nr::RT_SIGPROCMASK => Call(signal::sys_rt_sigprocmask),
        nr::RT_SIGPENDING => Call(signal::sys_rt_sigpending),
        nr::RT_SIGTIMEDWAIT => Call(sigwait::sys_rt_sigtimedwait),
        nr::RT_SIGQUEUEINFO => Call(signal::sys_rt_sigqueueinfo),
        nr::RT_SIGRETURN => Action::Sigreturn,
        nr::SETPGID => Call(wait::sys_setpgid),
        nr::GETPGID => Call(wait::sys_getpgid),
        nr::GETSID => Call(wait::sys_getsid),
        nr::SETSID => Call(wait::sys_setsid),
        nr::UNAME => Call(proc::sys_uname),
        nr::GETRLIMIT => Call(proc::sys_getrlimit),
        nr::SETRLIMIT => Call(proc::sys_setrlimit),
        nr::GETRUSAGE => Call(proc::sys_getrusage),
        nr::UMASK => Call(proc::sys_umask),
        nr::PRCTL => Call(prctl::sys_prctl),
        nr::GETTIMEOFDAY => Call(time::sys_gettimeofday),
        nr::GETPID => Call(proc::sys_getpid),
        nr::GETPPID => Call(proc::sys_getppid),
        nr::GETUID => Call(proc::sys_getuid),
        nr::GETEUID => Call(proc::sys_geteuid),
        nr::GETGID => Call(proc::sys_getgid),
        nr::GETEGID => Call(proc::sys_getegid),
        nr::GETTID => Call(proc::sys_gettid),
        nr::SYSINFO => Call(proc::sys_sysinfo),
        nr::SOCKET => Call(net::sys_socket),
        nr::CONNECT => Call(net::sys_connect),
        nr::BRK => Call(mem::sys_brk),
        nr::MUNMAP => Call(mem::sys_munmap),
        nr::MREMAP => Call(remap::sys_mremap),
        nr::MMAP => Call(mem::sys_mmap),
        nr::FADVISE64 => Call(fsattr::sys_fadvise64),
        nr::MPROTECT => Call(mem::sys_mprotect),
        nr::MSYNC => Call(mem::sys_msync),
        nr::CLONE => Action::Clone,
        nr::EXECVE => Action::Exec { at: false },
        nr::EXECVEAT => Action::Exec { at: true },
        nr::MADVISE => Call(mem::sys_madvise),
        nr::RISCV_HWPROBE => Call(hwprobe::sys_riscv_hwprobe),
        nr::RISCV_FLUSH_ICACHE => Action::FlushIcache,
        nr::WAIT4 => Call(wait::sys_wait4),
        nr::WAITID => Call(wait::sys_waitid),
        nr::PRLIMIT64 => Call(proc::sys_prlimit64),
        nr::RENAMEAT2 => Call(fs::sys_renameat2),
        nr::GETRANDOM => Call(proc::sys_getrandom),
        nr::STATX => Call(fs::sys_statx),
        // Restartable sequences are optional: glibc carries on without
        // them when registration fails with ENOSYS.
        nr::RSEQ => Action::Unsupported,
        // glibc tries clone3 first and falls back to clone on ENOSYS.
        nr::CLONE3 => Action::Unsupported,
        nr::FACCESSAT2 => Call(fs::sys_faccessat2),
        // Landlock sandboxing is optional: programs that use it (xz) carry
        // on unsandboxed when the kernel has none, which it says with ENOSYS.
        nr::LANDLOCK_CREATE_RULESET | nr::LANDLOCK_ADD_RULE | nr::LANDLOCK_RESTRICT_SELF => Action::Unsupported,
        nr::FCHMODAT2 => Call(fsattr::sys_fchmodat2),
        _ => Action::Unknown,
    }
}
