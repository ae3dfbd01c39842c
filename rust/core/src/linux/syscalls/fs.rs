//! The file system: openat, the stat family, getdents64, mkdirat,
//! unlinkat, renameat2, faccessat(2), readlinkat, getcwd, chdir, fchdir.
//!
//! Paths are host paths; a relative path is resolved against the guest's
//! own working directory (a host directory descriptor), never the host
//! process's, so guests and their host do not disturb one another. The
//! calls that look a file up by name (openat, the stat family, faccessat,
//! readlinkat, statfs) see absolute paths through the sysroot first
//! (`lookup`), as QEMU's linux-user does; calls that create, remove or
//! rename names act on the host path as given. Inside a root every name
//! is resolved confined to it instead (resolve.rs, root.rs).

use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex};

use super::oflags::{self, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_TMPFILE};
use super::resolve::{at, guest_abs, last_of, Last};
use super::stat::{Stat, S_IFDIR, S_IFIFO, S_IFREG};
use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{FdEntry, MemKind, OpenFile};
use crate::linux::procfs::{self, ProcFile};
use crate::linux::root::Root;
use crate::linux::uaccess::{self, CHUNK, PATH_MAX};
use crate::linux::{host, Process};
use crate::mem::{Access, Memory};

/// AT_FDCWD as the guest passes it (an int).
pub const AT_FDCWD: i32 = -100;
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
const AT_REMOVEDIR: u32 = 0x200;
const AT_EACCESS: u32 = 0x200;
const AT_NO_AUTOMOUNT: u32 = 0x800;
pub const AT_EMPTY_PATH: u32 = 0x1000;
const X_OK: i32 = 1;

/// The guest's working directory.
#[derive(Debug)]
pub struct Cwd {
    pub fd: OwnedFd,
    pub path: Vec<u8>,
}

impl Cwd {
    /// The host's current directory at start-up.
    pub fn from_host() -> Result<Cwd, Errno> {
        let dot = c".";
        let fd = host::openat(host::AT_FDCWD, dot, libc::O_PATH | libc::O_DIRECTORY, 0)?;
        let path = host::fd_path(&fd).unwrap_or_else(|| b"/".to_vec());
        Ok(Cwd { fd, path })
    }

    /// The top of a root: the guest starts there.
    pub fn at_root(root: &Root) -> Result<Cwd, Errno> {
        Ok(Cwd { fd: root.open(c"/", libc::O_PATH | libc::O_DIRECTORY, 0)?, path: b"/".to_vec() })
    }
}

/// The host path a guest path names for a lookup: inside the sysroot
/// when it exists there (sysroot.rs).
pub fn lookup<'a>(p: &Process, path: &'a CStr) -> Cow<'a, CStr> {
    p.sysroot.resolve(path)
}

/// A resolved directory argument: the host descriptor relative paths start
/// from, kept alive for the duration of the call.
pub struct Dir {
    pub fd: RawFd,
    _file: Option<Arc<OpenFile>>,
}

/// The host directory for `dirfd` and `path`: the path alone when absolute
/// (Linux ignores dirfd then), the guest's cwd for AT_FDCWD, else the host
/// descriptor behind the guest's; an in-memory file is not a directory.
pub fn dir(p: &Process, dirfd: u64, path: &CStr) -> Result<Dir, Errno> {
    if path.to_bytes().first() == Some(&b'/') {
        return Ok(Dir { fd: host::AT_FDCWD, _file: None });
    }
    if dirfd as i32 == AT_FDCWD {
        return Ok(Dir { fd: p.cwd.fd.as_raw_fd(), _file: None });
    }
    let file = p.fds.file(dirfd)?;
    let fd = file.host_fd().ok_or(Errno::ENOTDIR)?;
    Ok(Dir { fd, _file: Some(file) })
}

pub fn sys_openat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (dirfd, flags, mode) = (a[0], a[2] as u32, a[3] as u32);
    let path = path(mem, a[1])?;
    let cloexec = flags & O_CLOEXEC != 0;
    if let Some(f) = procfs::lookup(path.to_bytes(), p.ids.pid) {
        let file = open_proc(p, mem, f, flags)?;
        let limit = p.nofile_limit();
        return p.fds.insert(FdEntry::new(file, cloexec), 0, limit).map(|fd| fd as u64);
    }
    let mode = if flags & O_CREAT != 0 || flags & O_TMPFILE == O_TMPFILE { mode & 0o7777 & !p.umask } else { 0 };
    let fd = match &p.root {
        Some(root) => {
            let abs = CString::new(guest_abs(p, root, dirfd, &path)?).map_err(|_| Errno::EINVAL)?;
            root.open(&abs, oflags::to_host(flags), mode)?
        }
        None => {
            let path = lookup(p, &path);
            let d = dir(p, dirfd, &path)?;
            host::openat(d.fd, &path, oflags::to_host(flags), mode)?
        }
    };
    let limit = p.nofile_limit();
    p.fds.insert(FdEntry::new(OpenFile::host(fd), cloexec), 0, limit).map(|fd| fd as u64)
}

/// Open one of the guest's own /proc files: the executable itself, or a
/// snapshot of the contents, read-only like the real files.
fn open_proc(p: &Process, mem: &Memory, f: ProcFile, flags: u32) -> Result<Arc<OpenFile>, Errno> {
    match f {
        ProcFile::Fd(n) => return reopen_fd(p, n, flags),
        ProcFile::FdDir => {
            // A directory: opened for reading only; listed when read.
            if flags & oflags::O_ACCMODE != 0 || flags & O_CREAT != 0 || flags & O_TMPFILE == O_TMPFILE {
                return Err(Errno::EISDIR);
            }
            return Ok(Arc::new(OpenFile::Bytes { data: Vec::new(), pos: Mutex::new(0), kind: MemKind::Proc(f) }));
        }
        _ => {}
    }
    let Some(data) = proc_contents(p, mem, f) else { return open_exe(p, flags) };
    if flags & oflags::O_ACCMODE != 0 || flags & (O_CREAT | O_TMPFILE) != 0 {
        return Err(Errno::EACCES);
    }
    if flags & O_DIRECTORY != 0 {
        return Err(Errno::ENOTDIR);
    }
    Ok(Arc::new(OpenFile::Bytes { data, pos: Mutex::new(0), kind: MemKind::Proc(f) }))
}

/// The text of a /proc file; None for exe, which is the real file.
fn proc_contents(p: &Process, mem: &Memory, f: ProcFile) -> Option<Vec<u8>> {
    Some(match f {
        ProcFile::Exe | ProcFile::Fd(_) | ProcFile::FdDir => return None,
        ProcFile::Maps => {
            let mut out = Vec::new();
            for r in mem.regions() {
                procfs::maps_line(&mut out, r.start, r.end, r.perms, &r.name);
            }
            out
        }
        ProcFile::Cmdline => procfs::nul_joined(&p.argv),
        ProcFile::Environ => procfs::nul_joined(&p.envp),
        ProcFile::Auxv => p.auxv.iter().flat_map(|&(k, v)| [k.to_le_bytes(), v.to_le_bytes()]).flatten().collect(),
    })
}

/// Open /proc/self/fd/N: a host file is opened anew through the host's
/// link to it (a new open file description, as on Linux); an in-memory
/// stream has no name to open again, so its description is shared.
fn reopen_fd(p: &Process, n: i32, flags: u32) -> Result<Arc<OpenFile>, Errno> {
    let file = p.fds.file(n as u64).map_err(|_| Errno::ENOENT)?;
    match file.host_fd() {
        Some(h) => {
            let link = CString::new(format!("/proc/self/fd/{h}")).map_err(|_| Errno::ENOENT)?;
            Ok(OpenFile::host(host::openat(host::AT_FDCWD, &link, oflags::to_host(flags), 0)?))
        }
        None => Ok(file),
    }
}

/// What readlink of /proc/self/fd/N shows: the host file's path, or for an
/// in-memory stream what it stands for, with the inode fstat reports.
fn fd_link(p: &Process, n: i32) -> Result<Vec<u8>, Errno> {
    let file = p.fds.file(n as u64).map_err(|_| Errno::ENOENT)?;
    if let Some(h) = file.host_fd() {
        // Inside a root, the host path would name what the guest cannot
        // reach: show the path below the root.
        if let Some(root) = &p.root {
            return root.guest_path_of(h);
        }
        let link = CString::new(format!("/proc/self/fd/{h}")).map_err(|_| Errno::ENOENT)?;
        let mut buf = vec![0u8; PATH_MAX];
        let len = host::readlinkat(host::AT_FDCWD, &link, &mut buf)?;
        buf.truncate(len);
        return Ok(buf);
    }
    Ok(match &*file {
        OpenFile::Bytes { kind: MemKind::Proc(f), .. } => format!("/proc/{}/{}", p.ids.pid, f.name()).into_bytes(),
        other => format!("pipe:[{}]", mem_stat(p, other).ino).into_bytes(),
    })
}

fn open_exe(p: &Process, flags: u32) -> Result<Arc<OpenFile>, Errno> {
    // The running executable cannot be opened for writing.
    if flags & oflags::O_ACCMODE != 0 {
        return Err(Errno::ETXTBSY);
    }
    let path = CString::new(p.exe.clone()).map_err(|_| Errno::ENOENT)?;
    let fd = match &p.root {
        Some(root) => root.open(&path, oflags::to_host(flags), 0)?,
        None => host::openat(host::AT_FDCWD, &path, oflags::to_host(flags), 0)?,
    };
    Ok(OpenFile::host(fd))
}

/// Made-up metadata of an in-memory file.
fn mem_stat(p: &Process, file: &OpenFile) -> Stat {
    let now = host::clock_gettime(libc::CLOCK_REALTIME).unwrap_or((0, 0));
    let (mode, dev, blksize) = match file {
        OpenFile::Bytes { kind: MemKind::Proc(ProcFile::FdDir), .. } => (S_IFDIR | 0o500, 0x16, 1024),
        OpenFile::Bytes { kind: MemKind::Proc(_), .. } => (S_IFREG | 0o444, 0x16, 1024),
        // Standard input as bytes and captured output look like pipes
        // (pipefs is device 0:12).
        _ => (S_IFIFO | 0o600, 0xc, 4096),
    };
    Stat {
        dev,
        ino: file as *const OpenFile as u64 >> 4,
        mode,
        nlink: 1,
        uid: p.ids.euid,
        gid: p.ids.egid,
        blksize,
        atime: now,
        mtime: now,
        ctime: now,
        ..Stat::default()
    }
}

/// Metadata of an open guest descriptor.
fn stat_fd(p: &Process, fd: u64) -> Result<Stat, Errno> {
    let file = p.fds.file(fd)?;
    match file.host_fd() {
        Some(h) => host::fstat(h).map(|st| Stat::from_host(&st)),
        None => Ok(mem_stat(p, &file)),
    }
}

/// A path argument: like getname, "" is ENOENT.
pub fn path(mem: &mut Memory, addr: u64) -> Result<CString, Errno> {
    let p = uaccess::read_path(mem, addr)?;
    if p.is_empty() {
        return Err(Errno::ENOENT);
    }
    Ok(p)
}

/// The path argument of a call that takes AT_EMPTY_PATH: with it, "" (or,
/// as since Linux 6.11, a null pointer) names `dirfd` itself.
pub fn path_arg(mem: &mut Memory, addr: u64, flags: u32) -> Result<CString, Errno> {
    if flags & AT_EMPTY_PATH == 0 {
        return path(mem, addr);
    }
    if addr == 0 {
        return Ok(CString::default());
    }
    uaccess::read_path(mem, addr)
}

/// The in-memory file `dirfd` names when a call with AT_EMPTY_PATH is
/// about the descriptor itself.
fn empty_path_mem_file(p: &Process, dirfd: u64, path: &CStr, flags: u32) -> Option<Arc<OpenFile>> {
    if !path.is_empty() || flags & AT_EMPTY_PATH == 0 || dirfd as i32 == AT_FDCWD {
        return None;
    }
    p.fds.file(dirfd).ok().filter(|f| f.host_fd().is_none())
}

pub fn sys_fstat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let st = stat_fd(p, a[0])?;
    uaccess::write(mem, a[1], &st.to_guest())?;
    Ok(0)
}

pub fn sys_newfstatat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (dirfd, buf, flags) = (a[0], a[2], a[3] as u32);
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let path = path_arg(mem, a[1], flags)?;
    let st = if let Some(f) = empty_path_mem_file(p, dirfd, &path, flags) {
        mem_stat(p, &f)
    } else {
        let a = at(p, dirfd, &path, last_of(flags), true)?;
        Stat::from_host(&host::fstatat(a.fd, &a.path, flags as i32)?)
    };
    uaccess::write(mem, buf, &st.to_guest())?;
    Ok(0)
}

pub fn sys_statx(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (dirfd, flags, mask, buf) = (a[0], a[2] as u32, a[3] as u32, a[4]);
    let path = path_arg(mem, a[1], flags)?;
    let out = if let Some(f) = empty_path_mem_file(p, dirfd, &path, flags) {
        mem_stat(p, &f).to_statx()
    } else {
        let a = at(p, dirfd, &path, last_of(flags), true)?;
        host::statx(a.fd, &a.path, flags as i32, mask)?
    };
    uaccess::write(mem, buf, &out)?;
    Ok(0)
}

pub fn sys_getdents64(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (fd, buf, count) = (a[0], a[1], a[2] as u32 as u64);
    let file = p.fds.file(fd)?;
    if let OpenFile::Bytes { pos, kind: MemKind::Proc(ProcFile::FdDir), .. } = &*file {
        return fd_dir_entries(p, mem, pos, buf, count);
    }
    let h = file.host_fd().ok_or(Errno::ENOTDIR)?;
    let usable = uaccess::usable(mem, buf, count, Access::Write)?;
    let mut tmp = vec![0u8; (usable as usize).min(CHUNK)];
    let n = host::getdents64(h, &mut tmp)?;
    uaccess::write(mem, buf, &tmp[..n])?;
    Ok(n as u64)
}

/// getdents64 of /proc/self/fd: the descriptors open now, from the
/// entry the position names on.
fn fd_dir_entries(p: &Process, mem: &mut Memory, pos: &Mutex<usize>, buf: u64, count: u64) -> SysResult {
    let usable = uaccess::usable(mem, buf, count, Access::Write)?;
    let mut pos = pos.lock().unwrap_or_else(|e| e.into_inner());
    let fds = p.fds.numbers();
    let (records, next) = procfs::fd_dirents(&fds, *pos as u64, (usable as usize).min(CHUNK));
    let entries = 2 + fds.len() as u64;
    if records.is_empty() && (*pos as u64) < entries {
        // Entries are left, but not even one fits.
        return Err(Errno::EINVAL);
    }
    uaccess::write(mem, buf, &records)?;
    *pos = next as usize;
    Ok(records.len() as u64)
}

pub fn sys_mkdirat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let path = path(mem, a[1])?;
    let d = at(p, a[0], &path, Last::NoFollow, false)?;
    host::mkdirat(d.fd, &d.path, a[2] as u32 & 0o1777 & !p.umask)?;
    Ok(0)
}

pub fn sys_unlinkat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let flags = a[2] as u32;
    if flags & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let path = path(mem, a[1])?;
    let d = at(p, a[0], &path, Last::NoFollow, false)?;
    host::unlinkat(d.fd, &d.path, flags as i32)?;
    Ok(0)
}

pub fn sys_renameat2(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let old = path(mem, a[1])?;
    let new = path(mem, a[3])?;
    let od = at(p, a[0], &old, Last::NoFollow, false)?;
    let nd = at(p, a[2], &new, Last::NoFollow, false)?;
    host::renameat2(od.fd, &od.path, nd.fd, &nd.path, a[4] as u32)?;
    Ok(0)
}

pub fn sys_faccessat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    access(p, mem, a[0], a[1], a[2] as u32, 0)
}

pub fn sys_faccessat2(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    access(p, mem, a[0], a[1], a[2] as u32, a[3] as u32)
}

fn access(p: &Process, mem: &mut Memory, dirfd: u64, addr: u64, mode: u32, flags: u32) -> SysResult {
    if mode & !7 != 0 || flags & !(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let path = path_arg(mem, addr, flags)?;
    if empty_path_mem_file(p, dirfd, &path, flags).is_some() {
        return Ok(0);
    }
    let d = at(p, dirfd, &path, last_of(flags), true)?;
    host::faccessat(d.fd, &d.path, mode as i32, flags as i32)?;
    Ok(0)
}

pub fn sys_readlinkat(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (dirfd, buf, size) = (a[0], a[2], a[3] as i32);
    if size <= 0 {
        return Err(Errno::EINVAL);
    }
    let path = uaccess::read_path(mem, a[1])?;
    let mut tmp = vec![0u8; (size as usize).min(PATH_MAX)];
    let own = match procfs::lookup(path.to_bytes(), p.ids.pid) {
        Some(ProcFile::Exe) => Some(p.exe.clone()),
        Some(ProcFile::Fd(n)) => Some(fd_link(p, n)?),
        _ => None,
    };
    let n = if let Some(target) = own {
        let n = target.len().min(tmp.len());
        tmp[..n].copy_from_slice(&target[..n]);
        n
    } else {
        let d = at(p, dirfd, &path, Last::NoFollow, true)?;
        host::readlinkat(d.fd, &d.path, &mut tmp)?
    };
    uaccess::write(mem, buf, &tmp[..n])?;
    Ok(n as u64)
}

/// What /proc/self/exe names: the executable's path made absolute
/// against the starting directory, with symbolic links resolved when the
/// file exists (Linux shows the canonical d_path); inside a root, the
/// guest's path of it.
pub fn exe_path(cwd: &Cwd, root: Option<&Root>, exec_path: &[u8]) -> Vec<u8> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let abs = crate::linux::root::join(&cwd.path, exec_path);
    let abs = if exec_path.first() == Some(&b'/') { exec_path.to_vec() } else { abs };
    if let Some(root) = root {
        let canonical = CString::new(abs.clone())
            .ok()
            .and_then(|c| root.open(&c, libc::O_PATH, 0).ok())
            .and_then(|fd| root.guest_path_of(fd.as_raw_fd()).ok());
        return canonical.unwrap_or(abs);
    }
    match std::fs::canonicalize(std::ffi::OsStr::from_bytes(&abs)) {
        Ok(p) => p.into_os_string().into_vec(),
        Err(_) => abs,
    }
}

pub fn sys_getcwd(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (buf, size) = (a[0], a[1]);
    let len = p.cwd.path.len() as u64 + 1;
    if size < len {
        return Err(Errno::ERANGE);
    }
    let mut bytes = p.cwd.path.clone();
    bytes.push(0);
    uaccess::write(mem, buf, &bytes)?;
    Ok(len)
}

pub fn sys_chdir(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let path = path(mem, a[0])?;
    let d = at(p, AT_FDCWD as u64, &path, Last::Follow, false)?;
    let fd = host::openat(d.fd, &d.path, libc::O_PATH | libc::O_DIRECTORY, 0)?;
    set_cwd(p, fd)
}

pub fn sys_fchdir(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let file = p.fds.file(a[0])?;
    let h = file.host_fd().ok_or(Errno::ENOTDIR)?;
    if host::fstat(h)?.st_mode & libc::S_IFMT != libc::S_IFDIR {
        return Err(Errno::ENOTDIR);
    }
    set_cwd(p, host::dup(h)?)
}

/// Make the directory `fd` the working directory, after the search
/// permission check chdir does (MAY_EXEC).
fn set_cwd(p: &mut Process, fd: OwnedFd) -> SysResult {
    match host::faccessat(fd.as_raw_fd(), c"", X_OK, AT_EMPTY_PATH as i32) {
        // A host without faccessat2 cannot check an fd; let it pass.
        Ok(()) | Err(Errno::ENOSYS) => {}
        Err(e) => return Err(e),
    }
    let path = match &p.root {
        Some(root) => root.guest_path_of(fd.as_raw_fd())?,
        None => host::fd_path(&fd).ok_or(Errno::ENOENT)?,
    };
    p.cwd = Cwd { fd, path };
    Ok(0)
}
