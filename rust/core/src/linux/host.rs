//! The host side: thin, safe wrappers over the host's system calls.
//!
//! This is the only module of linux/ with `unsafe`. Each wrapper passes
//! buffers with their true lengths and turns a failure into the host errno
//! (which is also the guest's: both are Linux with asm-generic errno).

use std::ffi::CStr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::errno::Errno;

/// `AT_FDCWD` on the host (the same value on every Linux).
pub const AT_FDCWD: RawFd = libc::AT_FDCWD;

fn check(r: libc::c_int) -> Result<libc::c_int, Errno> {
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(r)
    }
}

fn check_size(r: libc::ssize_t) -> Result<usize, Errno> {
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(r as usize)
    }
}

fn check_long(r: libc::c_long) -> Result<u64, Errno> {
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(r as u64)
    }
}

/// Take ownership of a descriptor the kernel just returned.
fn owned(fd: libc::c_int) -> OwnedFd {
    // SAFETY: `fd` was just returned by a successful host call, is open and
    // owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

pub fn openat(dirfd: RawFd, path: &CStr, flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
    // SAFETY: path is NUL-terminated; the mode argument is read as an int.
    let fd = check(unsafe { libc::openat(dirfd, path.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
    Ok(owned(fd))
}

/// openat2(2) with `resolve` (RESOLVE_* flags): the host kernel does the
/// whole lookup, so a RESOLVE_IN_ROOT lookup cannot leave `dirfd`.
pub fn openat2(dirfd: RawFd, path: &CStr, flags: i32, mode: u32, resolve: u64) -> Result<OwnedFd, Errno> {
    // SAFETY: zeroed is a valid open_how (all fields are integers).
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = (flags | libc::O_CLOEXEC) as u64;
    how.mode = mode as u64;
    how.resolve = resolve;
    // SAFETY: path is NUL-terminated; how is a valid open_how of the size
    // passed.
    let fd = check_long(unsafe {
        libc::syscall(libc::SYS_openat2, dirfd, path.as_ptr(), &how as *const libc::open_how, std::mem::size_of::<libc::open_how>())
    })?;
    Ok(owned(fd as libc::c_int))
}

pub fn read(fd: RawFd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: buf is valid for buf.len() bytes.
    check_size(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) })
}

/// A read that fails with EAGAIN instead of blocking, whatever the
/// descriptor's own flags (RWF_NOWAIT). Descriptors that cannot do this
/// (terminals, older kernels) fail with EOPNOTSUPP.
pub fn read_nowait(fd: RawFd, buf: &mut [u8]) -> Result<usize, Errno> {
    let iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
    // SAFETY: one iovec over `buf`, valid for buf.len() bytes; offset -1
    // reads at (and advances) the file position, like read.
    check_size(unsafe { libc::preadv2(fd, &iov, 1, -1, libc::RWF_NOWAIT) })
}

/// A write that fails with EAGAIN instead of blocking (RWF_NOWAIT).
/// Descriptors that cannot do this fail with EOPNOTSUPP.
pub fn write_nowait(fd: RawFd, buf: &[u8]) -> Result<usize, Errno> {
    let iov = libc::iovec { iov_base: buf.as_ptr() as *mut libc::c_void, iov_len: buf.len() };
    // SAFETY: one iovec over `buf`, valid for buf.len() bytes and only
    // read; offset -1 writes at (and advances) the file position.
    check_size(unsafe { libc::pwritev2(fd, &iov, 1, -1, libc::RWF_NOWAIT) })
}

pub fn write(fd: RawFd, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: buf is valid for buf.len() bytes.
    check_size(unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) })
}

pub fn pread(fd: RawFd, buf: &mut [u8], offset: i64) -> Result<usize, Errno> {
    // SAFETY: buf is valid for buf.len() bytes.
    check_size(unsafe { libc::pread64(fd, buf.as_mut_ptr().cast(), buf.len(), offset) })
}

pub fn pwrite(fd: RawFd, buf: &[u8], offset: i64) -> Result<usize, Errno> {
    // SAFETY: buf is valid for buf.len() bytes.
    check_size(unsafe { libc::pwrite64(fd, buf.as_ptr().cast(), buf.len(), offset) })
}

pub fn lseek(fd: RawFd, offset: i64, whence: i32) -> Result<u64, Errno> {
    // SAFETY: no pointers.
    let r = unsafe { libc::lseek64(fd, offset, whence) };
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(r as u64)
    }
}

pub fn fstat(fd: RawFd) -> Result<libc::stat64, Errno> {
    // SAFETY: st is a valid out-parameter; zeroed is a valid stat64.
    let mut st: libc::stat64 = unsafe { std::mem::zeroed() };
    check(unsafe { libc::fstat64(fd, &mut st) })?;
    Ok(st)
}

pub fn fstatat(dirfd: RawFd, path: &CStr, flags: i32) -> Result<libc::stat64, Errno> {
    // SAFETY: as for fstat; path is NUL-terminated.
    let mut st: libc::stat64 = unsafe { std::mem::zeroed() };
    check(unsafe { libc::fstatat64(dirfd, path.as_ptr(), &mut st, flags) })?;
    Ok(st)
}

/// Size of struct statx, the same on every architecture.
pub const STATX_SIZE: usize = 256;

/// statx(2), raw: the buffer is the kernel's struct statx.
pub fn statx(dirfd: RawFd, path: &CStr, flags: i32, mask: u32) -> Result<[u8; STATX_SIZE], Errno> {
    let mut buf = [0u8; STATX_SIZE];
    // SAFETY: buf has room for a struct statx; path is NUL-terminated.
    check_long(unsafe {
        libc::syscall(libc::SYS_statx, dirfd, path.as_ptr(), flags, mask, buf.as_mut_ptr())
    })?;
    Ok(buf)
}

/// getdents64(2): whole linux_dirent64 records into `buf`.
pub fn getdents64(fd: RawFd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: buf is valid for buf.len() bytes.
    let r = unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) };
    check_long(r).map(|n| n as usize)
}

pub fn mkdirat(dirfd: RawFd, path: &CStr, mode: u32) -> Result<(), Errno> {
    // SAFETY: path is NUL-terminated.
    check(unsafe { libc::mkdirat(dirfd, path.as_ptr(), mode as libc::mode_t) }).map(drop)
}

pub fn unlinkat(dirfd: RawFd, path: &CStr, flags: i32) -> Result<(), Errno> {
    // SAFETY: path is NUL-terminated.
    check(unsafe { libc::unlinkat(dirfd, path.as_ptr(), flags) }).map(drop)
}

pub fn renameat2(olddir: RawFd, old: &CStr, newdir: RawFd, new: &CStr, flags: u32) -> Result<(), Errno> {
    // SAFETY: both paths are NUL-terminated.
    check_long(unsafe { libc::syscall(libc::SYS_renameat2, olddir, old.as_ptr(), newdir, new.as_ptr(), flags) })
        .map(drop)
}

/// faccessat2(2); hosts older than Linux 5.8 lack it, and there plain
/// faccessat (which has no flags) is used when no flags are given.
pub fn faccessat(dirfd: RawFd, path: &CStr, mode: i32, flags: i32) -> Result<(), Errno> {
    // SAFETY: path is NUL-terminated.
    let r = check_long(unsafe { libc::syscall(libc::SYS_faccessat2, dirfd, path.as_ptr(), mode, flags) });
    match r {
        Err(Errno::ENOSYS) if flags == 0 => {
            // SAFETY: as above.
            check_long(unsafe { libc::syscall(libc::SYS_faccessat, dirfd, path.as_ptr(), mode) }).map(drop)
        }
        r => r.map(drop),
    }
}

pub fn readlinkat(dirfd: RawFd, path: &CStr, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: buf is valid for buf.len() bytes; path is NUL-terminated.
    check_size(unsafe { libc::readlinkat(dirfd, path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) })
}

/// The path a descriptor refers to, from /proc/self/fd.
pub fn fd_path(fd: &impl AsRawFd) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok().map(|p| p.into_os_string().into_vec())
}

/// A new descriptor for the same open file, close-on-exec on the host.
pub fn dup(fd: RawFd) -> Result<OwnedFd, Errno> {
    // SAFETY: no pointers.
    Ok(owned(check(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) })?))
}

/// fcntl with an integer argument (F_GETFL, F_SETFL, F_GETPIPE_SZ...).
pub fn fcntl_int(fd: RawFd, cmd: i32, arg: i32) -> Result<i32, Errno> {
    // SAFETY: these commands take an int, not a pointer.
    check(unsafe { libc::fcntl(fd, cmd, arg) })
}

/// Size of struct flock, the same on riscv64, x86-64 and AArch64.
pub const FLOCK_SIZE: usize = 32;

/// F_GETLK / F_SETLK / F_SETLKW / F_OFD_*: `lock` is a struct flock.
pub fn fcntl_lock(fd: RawFd, cmd: i32, lock: &mut [u8; FLOCK_SIZE]) -> Result<(), Errno> {
    // SAFETY: lock has the size of struct flock, which these commands read
    // and write; the buffer is aligned enough for the kernel's copy.
    check(unsafe { libc::fcntl(fd, cmd, lock.as_mut_ptr()) }).map(drop)
}

/// Size of the kernel's struct termios (asm-generic termbits: 4 flag words,
/// c_line, 19 control characters).
pub const TERMIOS_SIZE: usize = 36;

/// TCGETS: the terminal settings, or ENOTTY.
pub fn tcgets(fd: RawFd) -> Result<[u8; TERMIOS_SIZE], Errno> {
    // Room to spare in case a host kernel's struct is larger.
    let mut buf = [0u8; 64];
    // SAFETY: buf is larger than struct termios.
    check(unsafe { libc::ioctl(fd, libc::TCGETS, buf.as_mut_ptr()) })?;
    let mut out = [0u8; TERMIOS_SIZE];
    out.copy_from_slice(&buf[..TERMIOS_SIZE]);
    Ok(out)
}

/// TIOCGWINSZ: struct winsize (rows, cols, xpixel, ypixel as u16).
pub fn winsize(fd: RawFd) -> Result<[u8; 8], Errno> {
    let mut buf = [0u8; 8];
    // SAFETY: buf has the size of struct winsize.
    check(unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, buf.as_mut_ptr()) })?;
    Ok(buf)
}

/// FIONREAD: bytes ready to read.
pub fn fionread(fd: RawFd) -> Result<i32, Errno> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    check(unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) })?;
    Ok(n)
}

pub fn pipe2(flags: i32) -> Result<(OwnedFd, OwnedFd), Errno> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: fds has room for two descriptors.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), flags | libc::O_CLOEXEC) })?;
    Ok((owned(fds[0]), owned(fds[1])))
}

/// Fill `buf` from the host's random source (getrandom, urandom pool).
pub fn getrandom(buf: &mut [u8]) -> Result<(), Errno> {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: rest is valid for rest.len() bytes.
        match check_size(unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) }) {
            Ok(n) => done += n,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// clock_gettime(2) as (seconds, nanoseconds).
pub fn clock_gettime(clock: libc::clockid_t) -> Result<(i64, i64), Errno> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-parameter.
    check(unsafe { libc::clock_gettime(clock, &mut ts) })?;
    Ok((ts.tv_sec, ts.tv_nsec))
}

pub fn clock_getres(clock: libc::clockid_t) -> Result<(i64, i64), Errno> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-parameter.
    check(unsafe { libc::clock_getres(clock, &mut ts) })?;
    Ok((ts.tv_sec, ts.tv_nsec))
}

/// The host's node name (uname's nodename), without the NUL.
pub fn nodename() -> Vec<u8> {
    // SAFETY: zeroed is a valid utsname; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: u is a valid out-parameter.
    if unsafe { libc::uname(&mut u) } != 0 {
        return b"localhost".to_vec();
    }
    u.nodename.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect()
}

pub fn sysinfo() -> Result<libc::sysinfo, Errno> {
    // SAFETY: zeroed is a valid sysinfo; the call fills it.
    let mut si: libc::sysinfo = unsafe { std::mem::zeroed() };
    check(unsafe { libc::sysinfo(&mut si) })?;
    Ok(si)
}

/// The real and effective user and group ids and the process ids.
pub struct HostIds {
    pub uid: u32,
    pub euid: u32,
    pub gid: u32,
    pub egid: u32,
    pub pid: i32,
    pub ppid: i32,
}

pub fn ids() -> HostIds {
    // SAFETY: these calls take no arguments and cannot fail.
    unsafe {
        HostIds {
            uid: libc::getuid(),
            euid: libc::geteuid(),
            gid: libc::getgid(),
            egid: libc::getegid(),
            pid: libc::getpid(),
            ppid: libc::getppid(),
        }
    }
}

/// poll(2) on host descriptors for up to `timeout` (None: no limit); the
/// number of descriptors with events. A host signal (EINTR) counts as a
/// timeout with no events.
pub fn ppoll(fds: &mut [libc::pollfd], timeout: Option<std::time::Duration>) -> Result<usize, Errno> {
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: t.subsec_nanos() as libc::c_long,
    });
    let tsp = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `fds` is a valid array of its length, `tsp` null or valid,
    // no signal mask.
    let r = unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, tsp, std::ptr::null()) };
    match r {
        n if n >= 0 => Ok(n as usize),
        _ if Errno::last() == Errno::EINTR => Ok(0),
        _ => Err(Errno::last()),
    }
}

/// The host process group, which the guest's process is in.
pub fn pgrp() -> i32 {
    // SAFETY: getpgrp takes no arguments and cannot fail.
    unsafe { libc::getpgrp() }
}

/// TCSETS / TCSETSW / TCSETSF with a kernel struct termios.
pub fn tcsets(fd: RawFd, req: libc::Ioctl, termios: &[u8; TERMIOS_SIZE]) -> Result<(), Errno> {
    // SAFETY: termios has the size of the kernel's struct termios, which
    // these requests only read.
    check(unsafe { libc::ioctl(fd, req, termios.as_ptr()) }).map(drop)
}

pub fn ftruncate(fd: RawFd, len: i64) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::ftruncate64(fd, len) }).map(drop)
}

pub fn fsync(fd: RawFd) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::fsync(fd) }).map(drop)
}

/// getrlimit(2) of the host process, None for an unknown resource.
pub fn getrlimit(resource: u32) -> Option<(u64, u64)> {
    let mut r = libc::rlimit64 { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: r is a valid out-parameter.
    let ok = unsafe { libc::getrlimit64(resource as _, &mut r) } == 0;
    ok.then_some((r.rlim_cur, r.rlim_max))
}

pub fn fchmod(fd: RawFd, mode: u32) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::fchmod(fd, mode as libc::mode_t) }).map(drop)
}

/// fchmodat2(2), or fchmodat(2) (no flags) on hosts before Linux 6.6.
pub fn fchmodat(dirfd: RawFd, path: &CStr, mode: u32, flags: i32) -> Result<(), Errno> {
    // SAFETY: path is NUL-terminated.
    let r = check_long(unsafe { libc::syscall(libc::SYS_fchmodat2, dirfd, path.as_ptr(), mode, flags) });
    match r {
        Err(Errno::ENOSYS) if flags == 0 => {
            // SAFETY: as above.
            check_long(unsafe { libc::syscall(libc::SYS_fchmodat, dirfd, path.as_ptr(), mode) }).map(drop)
        }
        r => r.map(drop),
    }
}

pub fn fchown(fd: RawFd, uid: u32, gid: u32) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::fchown(fd, uid, gid) }).map(drop)
}

pub fn fchownat(dirfd: RawFd, path: &CStr, uid: u32, gid: u32, flags: i32) -> Result<(), Errno> {
    // SAFETY: path is NUL-terminated.
    check(unsafe { libc::fchownat(dirfd, path.as_ptr(), uid, gid, flags) }).map(drop)
}

/// utimensat(2), raw: `path` None is the kernel's NULL path (the
/// descriptor itself), `times` None sets both times to now.
pub fn utimensat(dirfd: RawFd, path: Option<&CStr>, times: Option<&[u8; 32]>, flags: i32) -> Result<(), Errno> {
    let p = path.map_or(std::ptr::null(), |p| p.as_ptr());
    let t = times.map_or(std::ptr::null(), |t| t.as_ptr());
    // SAFETY: p is null or NUL-terminated; t is null or two struct
    // timespec (16 bytes each on 64-bit Linux).
    check_long(unsafe { libc::syscall(libc::SYS_utimensat, dirfd, p, t, flags) }).map(drop)
}

pub fn linkat(olddir: RawFd, old: &CStr, newdir: RawFd, new: &CStr, flags: i32) -> Result<(), Errno> {
    // SAFETY: both paths are NUL-terminated.
    check(unsafe { libc::linkat(olddir, old.as_ptr(), newdir, new.as_ptr(), flags) }).map(drop)
}

pub fn symlinkat(target: &CStr, newdir: RawFd, link: &CStr) -> Result<(), Errno> {
    // SAFETY: both paths are NUL-terminated.
    check(unsafe { libc::symlinkat(target.as_ptr(), newdir, link.as_ptr()) }).map(drop)
}

/// Size of the kernel's struct statfs on 64-bit Linux (the asm-generic
/// layout, which x86-64 and AArch64 share with riscv64).
pub const STATFS_SIZE: usize = 120;

pub fn fstatfs(fd: RawFd) -> Result<[u8; STATFS_SIZE], Errno> {
    let mut buf = [0u8; STATFS_SIZE];
    // SAFETY: buf has the size of the kernel's struct statfs.
    check_long(unsafe { libc::syscall(libc::SYS_fstatfs, fd, buf.as_mut_ptr()) })?;
    Ok(buf)
}

/// Size of struct rusage on 64-bit Linux: two timevals and 14 longs.
pub const RUSAGE_SIZE: usize = 144;

/// getrusage(RUSAGE_THREAD): the resources of the thread running the guest.
pub fn thread_rusage() -> Result<[u8; RUSAGE_SIZE], Errno> {
    let mut buf = [0u8; RUSAGE_SIZE];
    // SAFETY: buf has the size of the kernel's struct rusage.
    check_long(unsafe { libc::syscall(libc::SYS_getrusage, libc::RUSAGE_THREAD, buf.as_mut_ptr()) })?;
    Ok(buf)
}

pub fn truncate(path: &CStr, len: i64) -> Result<(), Errno> {
    // SAFETY: path is NUL-terminated.
    check(unsafe { libc::truncate64(path.as_ptr(), len) }).map(drop)
}

pub fn statfs(path: &CStr) -> Result<[u8; STATFS_SIZE], Errno> {
    let mut buf = [0u8; STATFS_SIZE];
    // SAFETY: path is NUL-terminated; buf has the size of struct statfs.
    check_long(unsafe { libc::syscall(libc::SYS_statfs, path.as_ptr(), buf.as_mut_ptr()) })?;
    Ok(buf)
}

/// Whether `path` names an existing file, following symbolic links
/// (access(F_OK), the check QEMU's sysroot lookup makes).
pub fn exists(path: &CStr) -> bool {
    // SAFETY: path is NUL-terminated.
    unsafe { libc::access(path.as_ptr(), libc::F_OK) == 0 }
}

/// The whole contents of the regular file `path`, at most `limit` bytes
/// (EFBIG beyond). Anything but a regular file is EACCES, as for
/// open_exec: opened non-blocking, a FIFO or device cannot hang the
/// caller.
pub fn read_regular_file(path: &CStr, limit: u64) -> Result<Vec<u8>, Errno> {
    read_regular_fd(&openat(AT_FDCWD, path, libc::O_RDONLY | libc::O_NONBLOCK, 0)?, limit)
}

/// `read_regular_file` of a file already opened (non-blocking).
pub fn read_regular_fd(fd: &OwnedFd, limit: u64) -> Result<Vec<u8>, Errno> {
    let st = fstat(fd.as_raw_fd())?;
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(Errno::EACCES);
    }
    let size = st.st_size.max(0) as u64;
    if size > limit {
        return Err(Errno(libc::EFBIG));
    }
    let mut data = vec![0u8; size as usize];
    let mut done = 0;
    while done < data.len() {
        match pread(fd.as_raw_fd(), &mut data[done..], done as i64)? {
            0 => break,
            n => done += n,
        }
    }
    data.truncate(done);
    Ok(data)
}

/// fork(2). In the child only the calling thread exists: it must never
/// return into code that expects the other threads (see syscalls/fork.rs).
pub fn fork() -> Result<i32, Errno> {
    // SAFETY: no pointers; the callers uphold the contract above.
    check(unsafe { libc::fork() })
}

/// A pidfd of child `pid`: readable once the child has exited.
pub fn pidfd_open(pid: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: no pointers.
    let fd = check_long(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
    Ok(owned(fd as libc::c_int))
}

/// Size of siginfo_t on Linux, every architecture.
pub const SIGINFO_SIZE: usize = 128;

/// waitid(2), raw: P_PID `pid` with `options`, the siginfo as the kernel
/// writes it (si_pid 0 when WNOHANG found nothing) and the child's usage.
pub fn waitid(pid: i32, options: i32) -> Result<([u8; SIGINFO_SIZE], [u8; RUSAGE_SIZE]), Errno> {
    let mut info = [0u8; SIGINFO_SIZE];
    let mut usage = [0u8; RUSAGE_SIZE];
    // SAFETY: info and usage have the sizes of siginfo_t and struct rusage.
    check_long(unsafe {
        libc::syscall(libc::SYS_waitid, libc::P_PID, pid, info.as_mut_ptr(), options, usage.as_mut_ptr())
    })?;
    Ok((info, usage))
}

pub fn getpgid(pid: i32) -> Result<i32, Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::getpgid(pid) })
}

pub fn setpgid(pid: i32, pgid: i32) -> Result<(), Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::setpgid(pid, pgid) }).map(drop)
}

pub fn getsid(pid: i32) -> Result<i32, Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::getsid(pid) })
}

pub fn setsid() -> Result<i32, Errno> {
    // SAFETY: no pointers.
    check(unsafe { libc::setsid() })
}

/// End this host process with `status`, running nothing of the host's own
/// (no atexit handlers, no buffered stdio flushes of the host program).
pub fn exit_now(status: i32) -> ! {
    // SAFETY: _exit never returns and touches no memory of ours.
    unsafe { libc::_exit(status) }
}

/// End this host process by signal `sig` (default action, unblocked), so
/// its parent sees a death by that signal; `_exit(128 + sig)` should the
/// signal not end it.
pub fn die_by_signal(sig: i32) -> ! {
    // SAFETY: plain calls with no pointers besides a valid sigset.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        // A core dump of the host process would describe the machine, not
        // the guest: none.
        let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::kill(libc::getpid(), sig);
        libc::_exit(128 + sig)
    }
}

/// posix_fadvise(2); the call returns its error instead of setting errno.
pub fn fadvise(fd: RawFd, offset: i64, len: i64, advice: i32) -> Result<(), Errno> {
    // SAFETY: no pointers.
    match unsafe { libc::posix_fadvise64(fd, offset, len, advice) } {
        0 => Ok(()),
        e => Err(Errno(e)),
    }
}

/// socket(2), close-on-exec on the host whatever the guest asked.
pub fn socket(domain: i32, ty: i32, protocol: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: no pointers.
    let fd = check(unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, protocol) })?;
    Ok(owned(fd))
}

/// connect(2) with a socket address as the guest laid it out (struct
/// sockaddr has the same layout on every Linux); at most
/// sizeof(sockaddr_storage) bytes.
pub fn connect(fd: RawFd, addr: &[u8]) -> Result<(), Errno> {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is valid.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = addr.len().min(std::mem::size_of::<libc::sockaddr_storage>());
    // SAFETY: storage is at least `len` bytes long and does not overlap addr.
    unsafe {
        std::ptr::copy_nonoverlapping(addr.as_ptr(), (&mut storage as *mut libc::sockaddr_storage).cast::<u8>(), len)
    };
    let sa = (&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr>();
    // SAFETY: sa points to `len` initialised bytes, which connect only reads.
    check(unsafe { libc::connect(fd, sa, len as libc::socklen_t) }).map(drop)
}
