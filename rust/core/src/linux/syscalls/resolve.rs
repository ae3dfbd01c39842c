//! Where a path syscall acts on the host: a directory descriptor and a
//! path relative to it.
//!
//! Without a root this is the guest's path itself, from the guest's cwd or
//! dirfd (and, for lookups, through the sysroot first: fs::lookup). Inside
//! a root (root.rs) the host kernel resolves the name confined to the
//! root, and the call then acts either on the parent directory and the
//! last component, or, when it follows a final symbolic link, on the file
//! itself.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::fs::{dir, Dir, AT_FDCWD};
use crate::linux::errno::Errno;
use crate::linux::root::{self, Root};
use crate::linux::{host, Process};

/// Whether a call follows a symbolic link in the last component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Last {
    Follow,
    NoFollow,
}

/// The host directory and path a call acts on, with what keeps the
/// directory open for the duration of the call.
pub struct At {
    pub fd: RawFd,
    pub path: CString,
    _dir: Option<Dir>,
    _owned: Option<OwnedFd>,
}

/// Resolve `path` from `dirfd` for a call that treats the last component
/// as `last` says. `lookup`: the call only looks the file up (no
/// creation, removal or rename), so without a root the sysroot applies.
pub fn at(p: &Process, dirfd: u64, path: &CStr, last: Last, lookup: bool) -> Result<At, Errno> {
    let Some(root) = &p.root else {
        let path = if lookup { super::fs::lookup(p, path).into_owned() } else { path.to_owned() };
        let d = dir(p, dirfd, &path)?;
        return Ok(At { fd: d.fd, path, _dir: Some(d), _owned: None });
    };
    // An empty path (AT_EMPTY_PATH) is the descriptor itself: nothing to
    // resolve.
    if path.is_empty() {
        let d = dir(p, dirfd, path)?;
        return Ok(At { fd: d.fd, path: CString::default(), _dir: Some(d), _owned: None });
    }
    let abs = guest_abs(p, root, dirfd, path)?;
    match last {
        Last::Follow => {
            let fd = root.open(&c(abs)?, libc::O_PATH, 0)?;
            let path = c(format!("/proc/self/fd/{}", fd.as_raw_fd()).into_bytes())?;
            Ok(At { fd: host::AT_FDCWD, path, _dir: None, _owned: Some(fd) })
        }
        Last::NoFollow => {
            let (parent, name) = root::split_last(&abs);
            let fd = root.open(&c(parent)?, libc::O_PATH | libc::O_DIRECTORY, 0)?;
            Ok(At { fd: fd.as_raw_fd(), path: c(name)?, _dir: None, _owned: Some(fd) })
        }
    }
}

/// The absolute guest path `path` names from `dirfd` inside `root`.
pub fn guest_abs(p: &Process, root: &Root, dirfd: u64, path: &CStr) -> Result<Vec<u8>, Errno> {
    let bytes = path.to_bytes();
    if bytes.first() == Some(&b'/') {
        return Ok(bytes.to_vec());
    }
    let base = if dirfd as i32 == AT_FDCWD {
        root.guest_path_of(p.cwd.fd.as_raw_fd())?
    } else {
        let file = p.fds.file(dirfd)?;
        let fd = file.host_fd().ok_or(Errno::ENOTDIR)?;
        root.guest_path_of(fd).map_err(|_| Errno::ENOTDIR)?
    };
    Ok(root::join(&base, bytes))
}

fn c(bytes: Vec<u8>) -> Result<CString, Errno> {
    CString::new(bytes).map_err(|_| Errno::EINVAL)
}

/// `Last` of a call taking AT_SYMLINK_NOFOLLOW in `flags`.
pub fn last_of(flags: u32) -> Last {
    if flags & super::fs::AT_SYMLINK_NOFOLLOW != 0 {
        Last::NoFollow
    } else {
        Last::Follow
    }
}
