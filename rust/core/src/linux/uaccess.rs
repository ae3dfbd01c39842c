//! Copying between guest memory and the kernel side, as Linux's
//! copy_from_user / copy_to_user / strncpy_from_user: every access is
//! permission-checked and a bad pointer is EFAULT, never a panic.

use std::ffi::CString;

use super::errno::Errno;
use crate::mem::{Access, Memory};

/// PATH_MAX, NUL included.
pub const PATH_MAX: usize = 4096;

/// Largest amount moved between guest memory and a host call at once: the
/// size of the bounce buffers, so a guest-given length never sizes an
/// allocation.
pub const CHUNK: usize = 64 * 1024;

/// Read `N` bytes at `addr`.
pub fn read_array<const N: usize>(mem: &mut Memory, addr: u64) -> Result<[u8; N], Errno> {
    let mut b = [0u8; N];
    mem.read_bytes(addr, &mut b).map_err(|_| Errno::EFAULT)?;
    Ok(b)
}

pub fn read_u32(mem: &mut Memory, addr: u64) -> Result<u32, Errno> {
    read_array::<4>(mem, addr).map(u32::from_le_bytes)
}

pub fn read_u64(mem: &mut Memory, addr: u64) -> Result<u64, Errno> {
    read_array::<8>(mem, addr).map(u64::from_le_bytes)
}

pub fn write(mem: &mut Memory, addr: u64, data: &[u8]) -> Result<(), Errno> {
    mem.write_bytes(addr, data).map_err(|_| Errno::EFAULT)
}

pub fn write_u32(mem: &mut Memory, addr: u64, v: u32) -> Result<(), Errno> {
    write(mem, addr, &v.to_le_bytes())
}

pub fn write_u64(mem: &mut Memory, addr: u64, v: u64) -> Result<(), Errno> {
    write(mem, addr, &v.to_le_bytes())
}

/// A NUL-terminated path: EFAULT if it runs into unreadable memory,
/// ENAMETOOLONG if it has no NUL within PATH_MAX bytes (getname).
pub fn read_path(mem: &mut Memory, addr: u64) -> Result<CString, Errno> {
    let mut out = Vec::new();
    for i in 0..PATH_MAX as u64 {
        let a = addr.checked_add(i).ok_or(Errno::EFAULT)?;
        match mem.kernel_read_u8(a).map_err(|_| Errno::EFAULT)? {
            0 => return CString::new(out).map_err(|_| Errno::EFAULT),
            b => out.push(b),
        }
    }
    Err(Errno::ENAMETOOLONG)
}

/// How many bytes from `addr` on (at most `len`) are mapped with the
/// permission `access` needs: the part of a buffer a syscall can use before
/// it would fault.
pub fn accessible(mem: &Memory, addr: u64, len: u64, access: Access) -> u64 {
    let end = addr.saturating_add(len);
    let mut at = addr;
    while at < end {
        let Some(r) = mem.region_at(at) else { break };
        let ok = match access {
            Access::Read => r.perms.read(),
            Access::Write => r.perms.write(),
            Access::Fetch => r.perms.exec(),
        };
        if !ok {
            break;
        }
        at = r.end.min(end);
    }
    at - addr
}

/// The usable length of a guest buffer for a syscall of `len` bytes: the
/// accessible prefix, or EFAULT when not even its first byte is (a
/// zero-length request is always fine).
pub fn usable(mem: &Memory, addr: u64, len: u64, access: Access) -> Result<u64, Errno> {
    if len == 0 {
        return Ok(0);
    }
    match accessible(mem, addr, len, access) {
        0 => Err(Errno::EFAULT),
        n => Ok(n),
    }
}
