//! The guest's view of the root directory: an optional host directory that
//! stands in for `/`, as with `qemu-riscv64 -L DIR`.
//!
//! The lookup rule is QEMU's (util/path.c, `path()`): an absolute guest
//! path is looked up inside the sysroot first and used from there when it
//! exists; otherwise the host's own file at that path is used. Relative
//! paths are never redirected (they are relative to the guest's working
//! directory, which is a host directory). Every file the guest reaches by
//! name goes through `Sysroot::resolve`: the program interpreter and the
//! paths of openat, the stat family, faccessat, readlinkat and statfs.
//!
//! Like QEMU's, existence is checked by following symbolic links on the
//! host, so a link inside the sysroot with an absolute target points into
//! the host's tree.

use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::host;
use super::ElfError;

#[derive(Clone, Debug, Default)]
pub struct Sysroot {
    /// The directory as an absolute host path without a trailing slash;
    /// None: no sysroot, every path is the host's.
    dir: Option<Vec<u8>>,
}

impl Sysroot {
    /// The sysroot `dir`, which must be a directory; relative to the
    /// host's current directory when relative.
    pub fn new(dir: Option<&Path>) -> Result<Sysroot, ElfError> {
        let Some(dir) = dir else { return Ok(Sysroot::default()) };
        let abs = std::path::absolute(dir)
            .map_err(|e| ElfError(format!("sysroot {}: {e}", dir.display())))?;
        match std::fs::metadata(&abs) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(ElfError(format!("sysroot {}: not a directory", dir.display()))),
            Err(e) => return Err(ElfError(format!("sysroot {}: {e}", dir.display()))),
        }
        let mut bytes = abs.as_os_str().as_bytes().to_vec();
        while bytes.len() > 1 && bytes.last() == Some(&b'/') {
            bytes.pop();
        }
        // The root directory as sysroot is the same as none.
        if bytes == b"/" {
            return Ok(Sysroot::default());
        }
        Ok(Sysroot { dir: Some(bytes) })
    }

    /// The sysroot directory, if there is one.
    pub fn dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| PathBuf::from(std::ffi::OsStr::from_bytes(d)))
    }

    /// The host path for the guest path `path`: `sysroot + path` when
    /// `path` is absolute and exists inside the sysroot, `path` itself
    /// otherwise.
    pub fn resolve<'a>(&self, path: &'a CStr) -> Cow<'a, CStr> {
        match self.inside(path) {
            Some(full) if host::exists(&full) => Cow::Owned(full),
            _ => Cow::Borrowed(path),
        }
    }

    /// `sysroot + path` for an absolute `path`, whether or not it exists.
    pub fn inside(&self, path: &CStr) -> Option<CString> {
        let dir = self.dir.as_ref()?;
        let p = path.to_bytes();
        if p.first() != Some(&b'/') {
            return None;
        }
        let mut full = Vec::with_capacity(dir.len() + p.len() + 1);
        full.extend_from_slice(dir);
        full.extend_from_slice(p);
        // Neither part holds a NUL: `path` is a C string and `dir` came
        // from an OS path.
        CString::new(full).ok()
    }
}
