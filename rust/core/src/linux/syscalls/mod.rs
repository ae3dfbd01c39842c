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

/// Syscall numbers (include/uapi/asm-generic/unistd.h; riscv64 defines
/// __ARCH_WANT_NEW_STAT and __ARCH_WANT_SET_GET_RLIMIT, and has no
/// renameat: its libc uses renameat2).
pub mod nr {
    pub const GETCWD: u64 = 17;
    pub const DUP: u64 = 23;
    pub const DUP3: u64 = 24;
    pub const FCNTL: u64 = 25;
    pub const IOCTL: u64 = 29;
    pub const MKDIRAT: u64 = 34;
    pub const UNLINKAT: u64 = 35;
    pub const SYMLINKAT: u64 = 36;
    pub const LINKAT: u64 = 37;
    pub const STATFS: u64 = 43;
    pub const FSTATFS: u64 = 44;
    pub const TRUNCATE: u64 = 45;
    pub const FTRUNCATE: u64 = 46;
    pub const FACCESSAT: u64 = 48;
    pub const CHDIR: u64 = 49;
    pub const FCHDIR: u64 = 50;
    pub const FCHMOD: u64 = 52;
    pub const FCHMODAT: u64 = 53;
    pub const FCHOWNAT: u64 = 54;
    pub const FCHOWN: u64 = 55;
    pub const OPENAT: u64 = 56;
    pub const CLOSE: u64 = 57;
    pub const PIPE2: u64 = 59;
    pub const GETDENTS64: u64 = 61;
    pub const LSEEK: u64 = 62;
    pub const READ: u64 = 63;
    pub const WRITE: u64 = 64;
    pub const READV: u64 = 65;
    pub const WRITEV: u64 = 66;
    pub const PREAD64: u64 = 67;
    pub const PWRITE64: u64 = 68;
    pub const PREADV: u64 = 69;
    pub const PWRITEV: u64 = 70;
    pub const SENDFILE: u64 = 71;
    pub const PPOLL: u64 = 73;
    pub const READLINKAT: u64 = 78;
    pub const NEWFSTATAT: u64 = 79;
    pub const FSTAT: u64 = 80;
    pub const FSYNC: u64 = 82;
    pub const FDATASYNC: u64 = 83;
    pub const UTIMENSAT: u64 = 88;
    pub const EXIT: u64 = 93;
    pub const EXIT_GROUP: u64 = 94;
    pub const SET_TID_ADDRESS: u64 = 96;
    pub const FUTEX: u64 = 98;
    pub const SET_ROBUST_LIST: u64 = 99;
    pub const GET_ROBUST_LIST: u64 = 100;
    pub const NANOSLEEP: u64 = 101;
    pub const GETITIMER: u64 = 102;
    pub const SETITIMER: u64 = 103;
    pub const CLOCK_GETTIME: u64 = 113;
    pub const CLOCK_GETRES: u64 = 114;
    pub const CLOCK_NANOSLEEP: u64 = 115;
    pub const SCHED_GETAFFINITY: u64 = 123;
    pub const SCHED_YIELD: u64 = 124;
    pub const KILL: u64 = 129;
    pub const TKILL: u64 = 130;
    pub const TGKILL: u64 = 131;
    pub const SIGALTSTACK: u64 = 132;
    pub const RT_SIGSUSPEND: u64 = 133;
    pub const RT_SIGACTION: u64 = 134;
    pub const RT_SIGPROCMASK: u64 = 135;
    pub const RT_SIGPENDING: u64 = 136;
    pub const RT_SIGTIMEDWAIT: u64 = 137;
    pub const RT_SIGQUEUEINFO: u64 = 138;
    pub const RT_SIGRETURN: u64 = 139;
    pub const SETPGID: u64 = 154;
    pub const GETPGID: u64 = 155;
    pub const GETSID: u64 = 156;
    pub const SETSID: u64 = 157;
    pub const UNAME: u64 = 160;
    pub const GETRLIMIT: u64 = 163;
    pub const SETRLIMIT: u64 = 164;
    pub const GETRUSAGE: u64 = 165;
    pub const UMASK: u64 = 166;
    pub const PRCTL: u64 = 167;
    pub const GETTIMEOFDAY: u64 = 169;
    pub const GETPID: u64 = 172;
    pub const GETPPID: u64 = 173;
    pub const GETUID: u64 = 174;
    pub const GETEUID: u64 = 175;
    pub const GETGID: u64 = 176;
    pub const GETEGID: u64 = 177;
    pub const GETTID: u64 = 178;
    pub const SYSINFO: u64 = 179;
    pub const SOCKET: u64 = 198;
    pub const CONNECT: u64 = 203;
    pub const BRK: u64 = 214;
    pub const MUNMAP: u64 = 215;
    pub const MREMAP: u64 = 216;
    pub const MMAP: u64 = 222;
    pub const FADVISE64: u64 = 223;
    pub const MPROTECT: u64 = 226;
    pub const MSYNC: u64 = 227;
    pub const CLONE: u64 = 220;
    pub const EXECVE: u64 = 221;
    pub const MADVISE: u64 = 233;
    pub const RISCV_HWPROBE: u64 = 258;
    pub const RISCV_FLUSH_ICACHE: u64 = 259;
    pub const WAIT4: u64 = 260;
    pub const PRLIMIT64: u64 = 261;
    pub const RENAMEAT2: u64 = 276;
    pub const GETRANDOM: u64 = 278;
    pub const STATX: u64 = 291;
    pub const RSEQ: u64 = 293;
    pub const EXECVEAT: u64 = 281;
    pub const CLONE3: u64 = 435;
    pub const WAITID: u64 = 95;
    pub const FACCESSAT2: u64 = 439;
    pub const LANDLOCK_CREATE_RULESET: u64 = 444;
    pub const LANDLOCK_ADD_RULE: u64 = 445;
    pub const LANDLOCK_RESTRICT_SELF: u64 = 446;
    pub const FCHMODAT2: u64 = 452;
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
