//! execve and execveat: replace the program in place.
//!
//! The file is found like any path (root- and sysroot-aware), must be a
//! regular file the caller may execute (EACCES otherwise), and is either a
//! `#!` script, whose interpreter is run with the script's path as an
//! argument (binfmt_script), or a RISC-V ELF executable (ENOEXEC for
//! anything else). Arguments, the environment and the new image are all
//! read and mapped into a fresh memory before anything of the old program
//! is touched, so on any error the old program runs on with the errno.
//! Then the process keeps its pid, descriptors (minus close-on-exec ones),
//! working directory, limits, umask, blocked signals and children; caught
//! signals return to their default action, the alternate stack is
//! dropped, and a vfork parent is released.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};

use super::fs::{path_arg, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW};
use super::resolve::{at, Last};
use super::Args;
use crate::hart::Hart;
use crate::linux::errno::Errno;
use crate::linux::layout::STACK_SIZE;
use crate::linux::procfs::{self, ProcFile};
use crate::linux::{elf, host, map_program, uaccess, Files, Process, Thread};
use crate::mem::Memory;

/// MAX_ARG_STRLEN: the longest single argument or environment string.
const MAX_ARG_STRLEN: usize = 32 * 4096;
/// Room for argument and environment strings and their pointers: a
/// quarter of the stack, as Linux allows.
const MAX_ARG_BYTES: usize = (STACK_SIZE / 4) as usize;
/// BINPRM_BUF_SIZE: how much of a script's first line is looked at.
const BINPRM_BUF_SIZE: usize = 256;
/// Nested interpreters allowed (exec_binprm's depth limit).
const MAX_DEPTH: usize = 5;
/// Largest executable read whole into memory.
const MAX_PROGRAM_SIZE: u64 = 1 << 30;

/// execve(path, argv, envp) or, with `at`, execveat(dirfd, path, argv,
/// envp, flags). On success memory and `hart` hold the new program.
pub fn execve(p: &mut Process, hart: &mut Hart, mem: &mut Memory, a: Args, at: bool) -> Result<(), Errno> {
    let (dirfd, path, argv, envp, flags) =
        if at { (a[0], a[1], a[2], a[3], a[4] as u32) } else { (AT_FDCWD as u64, a[0], a[1], a[2], 0) };
    if flags & !(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0 {
        return Err(Errno::EINVAL);
    }
    let path = path_arg(mem, path, flags)?;
    let mut room = MAX_ARG_BYTES;
    let mut argv = string_array(mem, argv, &mut room)?;
    let envp = string_array(mem, envp, &mut room)?;

    // AT_EXECFN: the name as given (a descriptor shows as /dev/fd/N).
    let execfn = if path.is_empty() { format!("/dev/fd/{}", dirfd as i32).into_bytes() } else { path.to_bytes().to_vec() };
    // /proc/self/exe names the running program (shells re-run themselves
    // through it); the host's would be the machine's own executable.
    let path = match procfs::lookup(path.to_bytes(), p.ids.pid) {
        Some(ProcFile::Exe) => CString::new(p.exe.clone()).map_err(|_| Errno::ENOENT)?,
        _ => path,
    };
    let mut file = open_program(p, dirfd, &path, flags)?;
    let mut data = host::read_regular_fd(&file, MAX_PROGRAM_SIZE)?;
    let mut depth = 0;
    while let Some((interp, arg)) = shebang(&data)? {
        depth += 1;
        if depth > MAX_DEPTH {
            return Err(Errno::ELOOP);
        }
        // binfmt_script: argv[0] is replaced by interpreter, its argument
        // and the script's name.
        let mut new = vec![interp.clone()];
        new.extend(arg);
        new.push(execfn.clone());
        new.extend(argv.into_iter().skip(1));
        argv = new;
        let interp = CString::new(interp).map_err(|_| Errno::ENOEXEC)?;
        file = open_program(p, AT_FDCWD as u64, &interp, 0)?;
        data = host::read_regular_fd(&file, MAX_PROGRAM_SIZE)?;
    }
    let info = elf::parse(&data).map_err(|_| Errno::ENOEXEC)?;
    if let Some(interp) = &info.interp {
        // A missing interpreter is the caller's ENOENT, before the point of
        // no return.
        let interp = CString::new(interp.clone()).map_err(|_| Errno::ENOEXEC)?;
        open_program(p, AT_FDCWD as u64, &interp, 0)?;
    }

    let mut fresh = Memory::new();
    let files = Files { sysroot: &p.sysroot, root: p.root.as_ref() };
    let mapped = map_program(&data, &argv, &envp, &execfn, files, &p.ids, &mut fresh, hart)
        .map_err(|_| Errno::ENOEXEC)?;
    *mem = fresh;

    p.exe = match &p.root {
        Some(root) => root.guest_path_of(file.as_raw_fd()).unwrap_or(execfn),
        None => host::fd_path(&file).unwrap_or(execfn),
    };
    p.fds.close_on_exec();
    p.signals.on_exec();
    p.brk.start = mapped.image.brk_start;
    p.brk.current = mapped.image.brk_start;
    p.thread = Thread::default();
    p.argv = argv;
    p.envp = envp;
    p.image = mapped.image;
    p.interp = mapped.interp;
    p.auxv = mapped.auxv;
    p.family.vfork_done = None;
    Ok(())
}

/// Open the program `path` names from `dirfd` for execution: a regular
/// file with execute permission (EACCES otherwise).
fn open_program(p: &Process, dirfd: u64, path: &CStr, flags: u32) -> Result<OwnedFd, Errno> {
    let open = libc::O_RDONLY | libc::O_NONBLOCK;
    let fd = if path.is_empty() {
        // AT_EMPTY_PATH: the descriptor itself, opened anew for reading.
        let file = p.fds.file(dirfd)?;
        let h = file.host_fd().ok_or(Errno::EACCES)?;
        let c = CString::new(format!("/proc/self/fd/{h}")).map_err(|_| Errno::EINVAL)?;
        host::openat(host::AT_FDCWD, &c, open, 0)?
    } else if flags & AT_SYMLINK_NOFOLLOW != 0 {
        let d = at(p, dirfd, path, Last::NoFollow, true)?;
        host::openat(d.fd, &d.path, open | libc::O_NOFOLLOW, 0)?
    } else {
        let d = at(p, dirfd, path, Last::Follow, true)?;
        host::openat(d.fd, &d.path, open, 0)?
    };
    if host::fstat(fd.as_raw_fd())?.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(Errno::EACCES);
    }
    host::faccessat(fd.as_raw_fd(), c"", libc::X_OK, libc::AT_EMPTY_PATH)?;
    Ok(fd)
}

/// A script's interpreter and its optional argument.
type Interpreter = (Vec<u8>, Option<Vec<u8>>);

/// The interpreter and optional argument of a `#!` script; None for
/// anything else. As binfmt_script: blanks around both are dropped, the
/// argument is the rest of the line, and an interpreter name cut off by
/// the end of the examined buffer is ENOEXEC.
fn shebang(data: &[u8]) -> Result<Option<Interpreter>, Errno> {
    let Some(rest) = data.strip_prefix(b"#!") else { return Ok(None) };
    let buf = &rest[..rest.len().min(BINPRM_BUF_SIZE - 2)];
    let end = buf.iter().position(|&b| b == b'\n');
    let line = &buf[..end.unwrap_or(buf.len())];
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let line = &line[start..];
    let name_len = line.iter().position(blank).unwrap_or(line.len());
    if name_len == 0 || (end.is_none() && name_len == line.len() && buf.len() == BINPRM_BUF_SIZE - 2) {
        return Err(Errno::ENOEXEC);
    }
    let name = line[..name_len].to_vec();
    let arg = &line[name_len..];
    let a0 = arg.iter().position(|b| !blank(b)).unwrap_or(arg.len());
    let a1 = arg.iter().rposition(|b| !blank(b)).map_or(a0, |i| i + 1);
    let arg = (a0 < a1).then(|| arg[a0..a1].to_vec());
    Ok(Some((name, arg)))
}

/// A NULL-terminated array of string pointers (argv, envp); a null array
/// is empty. Each string and their total are bounded (E2BIG).
fn string_array(mem: &mut Memory, addr: u64, room: &mut usize) -> Result<Vec<Vec<u8>>, Errno> {
    let mut out = Vec::new();
    if addr == 0 {
        return Ok(out);
    }
    for i in 0u64.. {
        let at = i.checked_mul(8).and_then(|o| addr.checked_add(o)).ok_or(Errno::EFAULT)?;
        let ptr = uaccess::read_u64(mem, at)?;
        if ptr == 0 {
            break;
        }
        let s = read_string(mem, ptr)?;
        *room = room.checked_sub(s.len() + 1 + 8).ok_or(Errno::E2BIG)?;
        out.push(s);
    }
    Ok(out)
}

/// A NUL-terminated string of at most MAX_ARG_STRLEN bytes.
fn read_string(mem: &mut Memory, addr: u64) -> Result<Vec<u8>, Errno> {
    let mut out = Vec::new();
    for i in 0..MAX_ARG_STRLEN as u64 {
        let a = addr.checked_add(i).ok_or(Errno::EFAULT)?;
        match mem.kernel_read_u8(a).map_err(|_| Errno::EFAULT)? {
            0 => return Ok(out),
            b => out.push(b),
        }
    }
    Err(Errno::E2BIG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebang_lines() {
        let s = |d: &[u8]| shebang(d);
        assert_eq!(s(b"\x7fELF"), Ok(None));
        assert_eq!(s(b"#!/bin/sh\necho"), Ok(Some((b"/bin/sh".to_vec(), None))));
        assert_eq!(s(b"#! /bin/sh  -e -x \n"), Ok(Some((b"/bin/sh".to_vec(), Some(b"-e -x".to_vec())))));
        assert_eq!(s(b"#!\n"), Err(Errno::ENOEXEC));
        let mut long = b"#!/".to_vec();
        long.extend(std::iter::repeat_n(b'a', 300));
        assert_eq!(s(&long), Err(Errno::ENOEXEC));
    }
}
