//! Confinement to a directory (`root`): the guest sees a host directory as
//! its `/` and can reach nothing outside it.
//!
//! Every name the guest uses is turned into an absolute guest path (a
//! relative one is joined to the guest path of its starting directory) and
//! handed to the host kernel's openat2 with RESOLVE_IN_ROOT from a
//! descriptor of the root: `..` at the top stays at the top, absolute
//! symbolic links start again at the root, and magic links (/proc/*/root,
//! /proc/*/fd/*) are refused, so the kernel itself guarantees the result
//! lies inside. Calls other than open act on a descriptor found this way:
//! the parent directory plus the last component (never "." or ".."), or,
//! where the call follows a final symbolic link, the file itself through
//! its /proc/self/fd magic link (which the host resolves to exactly that
//! file).
//!
//! A root and a sysroot are exclusive: a root is the whole guest file
//! system, so a dynamically linked program finds its interpreter and
//! libraries inside the root.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::errno::Errno;
use super::{host, ElfError};

/// How often a lookup is retried when the kernel reports that a rename
/// raced with it (openat2 answers EAGAIN then for RESOLVE_IN_ROOT).
const RACE_RETRIES: usize = 16;

#[derive(Debug)]
pub struct Root {
    fd: OwnedFd,
    /// The directory as an absolute host path without a trailing slash
    /// ("" for the host's own `/`).
    dir: Vec<u8>,
}

impl Root {
    /// Confine to `dir`, which must be a directory; relative to the host's
    /// current directory when relative.
    pub fn new(dir: &Path) -> Result<Root, ElfError> {
        let fail = |why: String| ElfError(format!("root {}: {why}", dir.display()));
        let abs = std::path::absolute(dir).map_err(|e| fail(e.to_string()))?;
        let c = CString::new(abs.as_os_str().as_bytes()).map_err(|_| fail("bad path".into()))?;
        let fd = host::openat(host::AT_FDCWD, &c, libc::O_PATH | libc::O_DIRECTORY, 0)
            .map_err(|e| fail(std::io::Error::from_raw_os_error(e.0).to_string()))?;
        // The canonical path, as the kernel reports paths of files below it.
        let mut dir = host::fd_path(&fd).ok_or_else(|| fail("cannot name the directory".into()))?;
        while dir.last() == Some(&b'/') {
            dir.pop();
        }
        Ok(Root { fd, dir })
    }

    /// The root directory on the host.
    pub fn dir(&self) -> PathBuf {
        let d: &[u8] = if self.dir.is_empty() { b"/" } else { &self.dir };
        PathBuf::from(std::ffi::OsStr::from_bytes(d))
    }

    /// Open the absolute guest path `path` inside the root (host open
    /// flags; O_CLOEXEC is always added).
    pub fn open(&self, path: &CStr, flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
        let mut tries = 0;
        loop {
            match host::openat2(self.fd.as_raw_fd(), path, flags, mode, libc::RESOLVE_IN_ROOT) {
                Err(Errno(libc::EAGAIN)) if tries < RACE_RETRIES => tries += 1,
                // A magic link was refused: to the guest it does not exist.
                Err(Errno(libc::EXDEV)) => return Err(Errno::ENOENT),
                r => return r,
            }
        }
    }

    /// The guest path of host descriptor `fd`: its host path below the
    /// root. A file outside the root (moved out, or never inside) has no
    /// guest path: ENOENT.
    pub fn guest_path_of(&self, fd: RawFd) -> Result<Vec<u8>, Errno> {
        let host = host::fd_path(&fd).ok_or(Errno::ENOENT)?;
        match host.strip_prefix(self.dir.as_slice()) {
            Some([]) => Ok(b"/".to_vec()),
            Some(rest) if rest.first() == Some(&b'/') => Ok(rest.to_vec()),
            _ => Err(Errno::ENOENT),
        }
    }
}

/// `base` (an absolute guest path) joined with the relative `path`.
pub fn join(base: &[u8], path: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    if out.last() != Some(&b'/') {
        out.push(b'/');
    }
    out.extend_from_slice(path);
    out
}

/// `path` split into the directory that holds its last component and that
/// component, trailing slashes kept (they make the host insist on a
/// directory). A last component "." or ".." names a directory itself: then
/// the whole path is the directory and the name is ".", so no call ever
/// steps to a parent outside the kernel's confined lookup.
pub fn split_last(path: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let trimmed = path.len() - path.iter().rev().take_while(|&&b| b == b'/').count();
    let start = path[..trimmed].iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    let last = &path[start..trimmed];
    if last.is_empty() || last == b"." || last == b".." {
        return (path.to_vec(), b".".to_vec());
    }
    let parent = if start == 0 { b".".to_vec() } else { path[..start].to_vec() };
    (parent, path[start..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_last_never_yields_a_parent_step() {
        let s = |p: &[u8]| split_last(p);
        assert_eq!(s(b"/a/b"), (b"/a/".to_vec(), b"b".to_vec()));
        assert_eq!(s(b"/a/b/"), (b"/a/".to_vec(), b"b/".to_vec()));
        assert_eq!(s(b"/a"), (b"/".to_vec(), b"a".to_vec()));
        assert_eq!(s(b"/"), (b"/".to_vec(), b".".to_vec()));
        assert_eq!(s(b"/a/.."), (b"/a/..".to_vec(), b".".to_vec()));
        assert_eq!(s(b"/a/../"), (b"/a/../".to_vec(), b".".to_vec()));
        assert_eq!(s(b"/."), (b"/.".to_vec(), b".".to_vec()));
    }

    #[test]
    fn join_adds_one_slash() {
        assert_eq!(join(b"/", b"x"), b"/x");
        assert_eq!(join(b"/a", b"x/y"), b"/a/x/y");
    }
}
