//! Sockets of the local family (AF_UNIX): socket and connect, which is
//! what glibc does to ask nscd for users and groups before it reads
//! /etc/passwd itself. A socket is a host socket; reads, writes and close
//! go through the ordinary descriptor paths. Other families are
//! EAFNOSUPPORT, as a kernel built without them answers.
//!
//! Socket addresses are passed through untranslated, as qemu-riscv64
//! does: a path in a sockaddr_un names a host file, not a sysroot one.

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{FdEntry, OpenFile};
use crate::linux::{host, Process};
use crate::mem::Memory;

const AF_UNIX: u64 = 1;
const SOCK_TYPE_MASK: u32 = 0xf;
/// SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC, the same
/// values on riscv64 and on the hosts.
const SOCK_NONBLOCK: u32 = 0o4000;
const SOCK_CLOEXEC: u32 = 0o2000000;
/// sizeof(struct sockaddr_storage).
const SOCKADDR_MAX: u64 = 128;

pub fn sys_socket(p: &mut Process, _mem: &mut Memory, a: Args) -> SysResult {
    let (domain, ty, protocol) = (a[0] as u32 as u64, a[1] as u32, a[2] as i32);
    if ty & !(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    if domain != AF_UNIX {
        return Err(Errno::EAFNOSUPPORT);
    }
    // The host checks the type and protocol as the guest's kernel would.
    let host_ty = (ty & SOCK_TYPE_MASK) as i32 | if ty & SOCK_NONBLOCK != 0 { libc::SOCK_NONBLOCK } else { 0 };
    let sock = host::socket(libc::AF_UNIX, host_ty, protocol)?;
    let limit = p.nofile_limit();
    let entry = FdEntry::new(OpenFile::host(sock), ty & SOCK_CLOEXEC != 0);
    p.fds.insert(entry, 0, limit).map(|fd| fd as u64)
}

pub fn sys_connect(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (fd, addr, len) = (a[0], a[1], a[2] as u32 as i32);
    let file = p.fds.file(fd)?;
    let h = file.host_fd().ok_or(Errno::ENOTSOCK)?;
    if len < 0 || len as u64 > SOCKADDR_MAX {
        return Err(Errno::EINVAL);
    }
    let mut buf = [0u8; SOCKADDR_MAX as usize];
    let buf = &mut buf[..len as usize];
    mem.read_bytes(addr, buf).map_err(|_| Errno::EFAULT)?;
    host::connect(h, buf)?;
    Ok(0)
}
