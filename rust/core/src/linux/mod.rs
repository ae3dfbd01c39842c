//! Linux user mode: ELF loading, the initial stack and the syscalls of a
//! single-threaded process.
//!
//! `Process::load` validates the executable (elf.rs), maps it (loader.rs)
//! and builds the stack (stack.rs); `Process::syscall` runs one ecall
//! through the table in syscalls/. Guest descriptors (fd.rs) map to host
//! descriptors or to in-memory streams; guest pointers are reached only
//! through permission-checked accessors (uaccess.rs), and the host only
//! through host.rs.

mod elf;
mod errno;
mod fd;
mod host;
mod interp;
pub mod interruption;
pub mod layout;
mod loader;
mod procfs;
mod relay;
mod root;
pub mod signals;
mod stack;
mod syscalls;
mod sysroot;
mod uaccess;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::hart::Hart;
use crate::mem::Memory;

pub use errno::Errno;
pub use loader::LoadedImage;
pub use stack::{AT_BASE, AT_ENTRY, AT_EXECFN, AT_HWCAP, AT_RANDOM, HWCAP_RV64GC};
pub use syscalls::{nr, number as syscall_number};
pub use sysroot::Sysroot;

use fd::{FdEntry, FdTable, HostFd, MemKind, OpenFile, Stream};
use interruption::{Interruption, Restart};
use relay::Relay;
use signals::{SigInfo, Signals, SIGPIPE, SI_USER};
use syscalls::{Action, Brk, Cwd, Family, Limits, RLIMIT_NOFILE};

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

impl LinuxConfig {
    /// Program `argv[0]` with arguments `argv[1..]`, no environment, empty
    /// standard input and both outputs captured: how tests and embedders
    /// most often start a guest.
    pub fn captured(argv: &[&str]) -> LinuxConfig {
        LinuxConfig {
            argv: argv.iter().map(|a| a.as_bytes().to_vec()).collect(),
            envp: Vec::new(),
            exec_path: argv.first().map_or_else(Vec::new, |a| a.as_bytes().to_vec()),
            stdin: Input::Bytes(Vec::new()),
            stdout: Output::Capture,
            stderr: Output::Capture,
        }
    }
}

/// How to start a Linux process, beyond `LinuxConfig`.
#[derive(Clone, Debug, Default)]
pub struct LinuxOptions {
    /// A host directory standing in for the guest's `/`, as with
    /// `qemu-riscv64 -L`: absolute guest paths are looked up inside it
    /// first, then on the host (see sysroot.rs). A dynamically linked
    /// program needs one holding its interpreter and libraries (Debian:
    /// /usr/riscv64-linux-gnu from libc6-riscv64-cross).
    pub sysroot: Option<PathBuf>,
    /// A host directory the guest is confined to: it is the guest's `/`
    /// and nothing outside it can be reached (see root.rs). The program's
    /// interpreter is loaded from inside it; exclusive with `sysroot`.
    pub root: Option<PathBuf>,
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
    /// rt_sigreturn set pc and every register: pc must not advance.
    Sigreturn,
    /// This is the child of a fork: state shared with the parent's host
    /// process (the JIT's code memory) must not be written any more.
    Forked,
    /// execve replaced the program: memory and registers are new (pc at
    /// the new entry, not to be advanced), every decoded block is stale.
    Exec,
    /// The call was abandoned without effect because the run was asked to
    /// stop (interruption.rs): pc must stay at the ecall, which has not
    /// retired, so that resuming issues the call again.
    Interrupted,
}

/// Per-thread bookkeeping of the one thread.
#[derive(Clone, Copy, Debug, Default)]
struct Thread {
    clear_child_tid: u64,
    robust_list: u64,
}

pub struct Process {
    fds: FdTable,
    brk: Brk,
    cwd: Cwd,
    signals: Signals,
    limits: Limits,
    umask: u32,
    /// What prctl sets: the task's name and flags.
    task: syscalls::Task,
    sysroot: Sysroot,
    /// The directory the guest is confined to, if any.
    root: Option<root::Root>,
    thread: Thread,
    ids: host::HostIds,
    /// The executable's absolute, canonical host path (/proc/self/exe);
    /// inside a root, its path as the guest sees it.
    exe: Vec<u8>,
    argv: Vec<Vec<u8>>,
    envp: Vec<Vec<u8>>,
    image: LoadedImage,
    /// The program interpreter, when the program has one.
    interp: Option<LoadedImage>,
    auxv: Vec<(u64, u64)>,
    /// Captured stdout and stderr.
    captured: [Vec<u8>; 2],
    /// Forked children and this process's own place among them.
    family: Family,
    /// Captured output of forked children (relay.rs).
    relay: Relay,
    unknown: BTreeMap<u64, u64>,
    /// Ends blocking waits when the run is asked to stop.
    interruption: Arc<Interruption>,
    /// Deadlines of abandoned calls, for their reissue.
    restart: Restart,
}

/// The umask a process starts with when nothing else set one.
const DEFAULT_UMASK: u32 = 0o022;

impl Process {
    /// Load `image` into `mem`, build the initial stack and set up `hart`
    /// (pc at the entry point, sp at the stack).
    pub fn load(image: &[u8], config: LinuxConfig, mem: &mut Memory, hart: &mut Hart) -> Result<Process, ElfError> {
        Process::load_with(image, config, &LinuxOptions::default(), mem, hart)
    }

    /// `load` with options. A program with an interpreter starts in the
    /// interpreter (pc at its entry, AT_BASE its load address, AT_ENTRY the
    /// program's entry), which then loads the program's libraries.
    pub fn load_with(
        image: &[u8],
        config: LinuxConfig,
        options: &LinuxOptions,
        mem: &mut Memory,
        hart: &mut Hart,
    ) -> Result<Process, ElfError> {
        if options.root.is_some() && options.sysroot.is_some() {
            return Err(ElfError("a root and a sysroot cannot be combined: put the libraries inside the root".into()));
        }
        let sysroot = Sysroot::new(options.sysroot.as_deref())?;
        let root = options.root.as_deref().map(root::Root::new).transpose()?;
        let ids = host::ids();
        let files = Files { sysroot: &sysroot, root: root.as_ref() };
        let mapped = map_program(image, &config.argv, &config.envp, &config.exec_path, files, &ids, mem, hart)?;

        let cwd = match &root {
            Some(r) => Cwd::at_root(r),
            None => Cwd::from_host(),
        };
        let cwd = cwd.map_err(|e| ElfError(format!("cannot open the working directory: errno {}", e.0)))?;
        let exe = syscalls::exe_path(&cwd, root.as_ref(), &config.exec_path);
        Ok(Process {
            fds: standard_fds(config.stdin, config.stdout, config.stderr),
            brk: Brk { start: mapped.image.brk_start, current: mapped.image.brk_start },
            cwd,
            signals: Signals::default(),
            limits: Limits::new(),
            umask: DEFAULT_UMASK,
            task: syscalls::Task::new(&config.exec_path),
            sysroot,
            root,
            thread: Thread::default(),
            ids,
            exe,
            argv: config.argv,
            envp: config.envp,
            image: mapped.image,
            interp: mapped.interp,
            auxv: mapped.auxv,
            captured: [Vec::new(), Vec::new()],
            family: Family::default(),
            relay: Relay::None,
            unknown: BTreeMap::new(),
            interruption: Arc::new(Interruption::new()),
            restart: Restart::default(),
        })
    }

    /// Execute the syscall requested by `hart` (number in a7, arguments in
    /// a0..a5, result to a0). The pc is not advanced here.
    pub fn syscall(&mut self, hart: &mut Hart, mem: &mut Memory) -> SyscallOutcome {
        let number = hart.x[17];
        let args = [hart.x[10], hart.x[11], hart.x[12], hart.x[13], hart.x[14], hart.x[15]];
        self.signals.syscall_sp = hart.x[2];
        self.restart.begin(number, args);
        let result = match syscalls::lookup(number) {
            Action::Call(handler) => handler(self, mem, args),
            // The status a parent sees is the low 8 bits (exit_group
            // passes (code & 0xff) << 8 to do_group_exit).
            Action::Exit => return SyscallOutcome::Exit((args[0] & 0xff) as i32),
            Action::FlushIcache => {
                // SYS_RISCV_FLUSH_ICACHE_LOCAL is the only flag.
                if args[2] & !1 != 0 {
                    hart.x[10] = Errno::EINVAL.to_a0();
                    return SyscallOutcome::Continue;
                }
                hart.x[10] = 0;
                return SyscallOutcome::FlushIcache;
            }
            Action::Sigreturn => {
                self.sigreturn(hart, mem);
                return SyscallOutcome::Sigreturn;
            }
            Action::Clone => {
                let parent = self.ids.pid;
                let result = syscalls::clone(self, hart, mem, args);
                if self.ids.pid != parent {
                    hart.x[10] = 0;
                    return SyscallOutcome::Forked;
                }
                result
            }
            Action::Exec { at } => match syscalls::execve(self, hart, mem, args, at) {
                Ok(()) => return SyscallOutcome::Exec,
                Err(e) => Err(e),
            },
            Action::Unsupported => Err(Errno::ENOSYS),
            Action::Unknown => {
                *self.unknown.entry(number).or_insert(0) += 1;
                Err(Errno::ENOSYS)
            }
        };
        if result == Err(Errno::ERESTARTNOINTR) {
            // Abandoned: the call runs again from the start on resume, so
            // a temporary signal mask it set must go now.
            if let Some(old) = self.signals.saved_mask.take() {
                self.signals.blocked = old;
            }
            self.restart.end_abandoned(number, args);
            return SyscallOutcome::Interrupted;
        }
        // A call cut short by a signal: delivery decides between EINTR
        // and restarting it (SA_RESTART).
        let result = if result == Err(Errno::ERESTARTSYS) {
            self.signals.restart_a0 = Some(args[0]);
            Err(Errno::EINTR)
        } else {
            result
        };
        // Writing where nobody reads raises SIGPIPE besides EPIPE.
        if result == Err(Errno::EPIPE) && matches!(number, nr::WRITE | nr::WRITEV | nr::PWRITE64 | nr::PWRITEV) {
            self.signals.send(SigInfo::from_process(SIGPIPE, SI_USER, self.ids.pid, self.ids.uid));
        }
        hart.x[10] = errno::to_a0(result);
        SyscallOutcome::Continue
    }

    /// Captured bytes written to fd 1 (`fd == 1`) or fd 2, emptied.
    pub fn take_output(&mut self, fd: u32) -> Vec<u8> {
        self.relay.drain(&mut self.captured);
        match fd {
            1 => std::mem::take(&mut self.captured[Stream::Stdout as usize]),
            2 => std::mem::take(&mut self.captured[Stream::Stderr as usize]),
            _ => Vec::new(),
        }
    }

    /// Captured output written by the guest to stream `s` (0 stdout, 1
    /// stderr): kept in memory, or, in a forked child, sent to the
    /// capturing process (relay.rs) at once.
    fn capture(&mut self, s: Stream, data: &[u8]) -> Result<(), Errno> {
        match self.relay.sink(s as usize) {
            Some(fd) => relay::write_all(fd, data),
            None => {
                // Children's earlier output goes first.
                self.relay.drain(&mut self.captured);
                self.captured[s as usize].extend_from_slice(data);
                Ok(())
            }
        }
    }

    /// What ends this process's blocking waits when its run must stop.
    pub fn interruption(&self) -> Arc<Interruption> {
        self.interruption.clone()
    }

    /// Whether this is a forked child: its machine must run it to the end
    /// and then end the host process (see syscalls/fork.rs), never return
    /// to the caller that made the machine.
    pub fn is_forked_child(&self) -> bool {
        self.family.forked
    }

    /// End a forked child's host process as its guest ended: exit status
    /// `code`, or death by signal `signal`.
    pub fn end_forked_child(&self, code: i32, signal: Option<i32>) -> ! {
        match signal {
            Some(sig) => host::die_by_signal(sig),
            None => host::exit_now(code),
        }
    }

    /// Syscall numbers that returned -ENOSYS, with how often.
    pub fn unknown_syscalls(&self) -> &BTreeMap<u64, u64> {
        &self.unknown
    }

    /// Where the executable was loaded.
    pub fn image(&self) -> &LoadedImage {
        &self.image
    }

    /// Where the program interpreter was loaded, if the program has one.
    pub fn interp(&self) -> Option<&LoadedImage> {
        self.interp.as_ref()
    }

    /// The directory standing in for the guest's root, if any.
    pub fn sysroot(&self) -> Option<PathBuf> {
        self.sysroot.dir()
    }

    /// The directory the guest is confined to, if any.
    pub fn root(&self) -> Option<PathBuf> {
        self.root.as_ref().map(root::Root::dir)
    }

    /// The auxiliary vector given to the guest (AT_NULL last).
    pub fn auxv(&self) -> &[(u64, u64)] {
        &self.auxv
    }

    /// The current program break.
    pub fn brk(&self) -> u64 {
        self.brk.current
    }

    /// RLIMIT_NOFILE's soft limit: descriptors are below it.
    fn nofile_limit(&self) -> u64 {
        self.limits.get(RLIMIT_NOFILE).0
    }
}

/// Where a process finds files by name: the sysroot rule, or confined to
/// a root.
#[derive(Clone, Copy)]
struct Files<'a> {
    sysroot: &'a Sysroot,
    root: Option<&'a root::Root>,
}

/// A program mapped with its stack built.
struct Mapped {
    image: LoadedImage,
    interp: Option<LoadedImage>,
    auxv: Vec<(u64, u64)>,
}

/// Map the ELF executable `image` (and its interpreter) into `mem`, build
/// its initial stack and set up `hart` (pc at the entry point, sp at the
/// stack, instret kept).
#[allow(clippy::too_many_arguments)]
fn map_program(
    image: &[u8],
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    exec_path: &[u8],
    files: Files<'_>,
    ids: &host::HostIds,
    mem: &mut Memory,
    hart: &mut Hart,
) -> Result<Mapped, ElfError> {
    let info = elf::parse(image)?;
    let name = String::from_utf8_lossy(exec_path).into_owned();
    let loaded = loader::load(&info, image, mem, &name)?;
    let interp = match &info.interp {
        Some(path) => Some(interp::load(path, files.sysroot, files.root, mem)?),
        None => None,
    };
    let mut random = [0u8; 16];
    host::getrandom(&mut random).map_err(|e| ElfError(format!("no random bytes for AT_RANDOM: errno {}", e.0)))?;
    let init = stack::StackInit {
        argv,
        envp,
        execfn: exec_path,
        image: &loaded,
        interp_base: interp.as_ref().map_or(0, |i| i.bias),
        random,
        ids: stack::Ids { uid: ids.uid, euid: ids.euid, gid: ids.gid, egid: ids.egid },
        exec_stack: info.exec_stack,
    };
    let stack = stack::build(mem, &init)?;

    // ELF_PLAT_INIT: every register but sp starts at zero; a0 = 0 means
    // no rtld_fini for the libc to register.
    let instret = hart.instret;
    *hart = Hart::new();
    hart.instret = instret;
    hart.pc = interp.as_ref().map_or(loaded.entry, |i| i.entry);
    hart.x[2] = stack.sp;
    Ok(Mapped { image: loaded, interp, auxv: stack.auxv })
}

/// Largest executable read whole into memory.
const MAX_PROGRAM_SIZE: u64 = 1 << 30;

/// The bytes of the executable a guest with `options` names `path`: with a
/// root, the file inside it (a relative path starts at the root's top,
/// where the guest starts); without one, the host's file.
pub fn read_program(path: &[u8], options: &LinuxOptions) -> Result<Vec<u8>, ElfError> {
    let shown = String::from_utf8_lossy(path).into_owned();
    let fail = |e: Errno| ElfError(format!("{shown}: {}", std::io::Error::from_raw_os_error(e.0)));
    let c = std::ffi::CString::new(path).map_err(|_| ElfError(format!("{shown}: bad path")))?;
    let fd = match &options.root {
        Some(dir) => {
            let root = root::Root::new(dir)?;
            let abs = std::ffi::CString::new(root::join(b"/", path)).map_err(|_| ElfError(format!("{shown}: bad path")))?;
            root.open(if path.first() == Some(&b'/') { &c } else { &abs }, libc::O_RDONLY | libc::O_NONBLOCK, 0)
        }
        None => host::openat(host::AT_FDCWD, &c, libc::O_RDONLY | libc::O_NONBLOCK, 0),
    };
    host::read_regular_fd(&fd.map_err(fail)?, MAX_PROGRAM_SIZE).map_err(fail)
}

/// Descriptors 0, 1 and 2 as the configuration asks.
fn standard_fds(stdin: Input, stdout: Output, stderr: Output) -> FdTable {
    let mut t = FdTable::default();
    let stdin = match stdin {
        Input::Inherit => OpenFile::Host(HostFd::shared(0)),
        Input::Bytes(data) => OpenFile::Bytes { data, pos: Mutex::new(0), kind: MemKind::Pipe },
    };
    let out = |o: Output, fd: i32, s: Stream| match o {
        Output::Inherit => OpenFile::Host(HostFd::shared(fd)),
        Output::Capture => OpenFile::Capture(s),
    };
    t.install(0, FdEntry::new(Arc::new(stdin), false));
    t.install(1, FdEntry::new(Arc::new(out(stdout, 1, Stream::Stdout)), false));
    t.install(2, FdEntry::new(Arc::new(out(stderr, 2, Stream::Stderr)), false));
    t
}

#[cfg(test)]
mod tests;
