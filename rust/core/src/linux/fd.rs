//! The guest's descriptor table.
//!
//! A guest fd names an open file description shared by dup'ed descriptors
//! (an `Arc<OpenFile>`, like Linux's struct file), plus a per-descriptor
//! close-on-exec flag. Most descriptions wrap a host descriptor; standard
//! input given as bytes, captured output and synthesized /proc files live in
//! memory.

use std::collections::BTreeMap;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::errno::Errno;
use super::procfs::ProcFile;

/// A host descriptor the guest uses.
#[derive(Debug)]
pub struct HostFd {
    fd: Ownership,
    /// The host refused a write with RWF_NOWAIT here (regular files on
    /// most filesystems, character devices): later writes go straight to
    /// an ordinary write instead of trying again.
    no_nowait_writes: AtomicBool,
}

#[derive(Debug)]
enum Ownership {
    /// Opened for the guest; closed when the last guest reference goes.
    Owned(OwnedFd),
    /// One of the host process's standard descriptors, shared with the
    /// host: never closed by the guest.
    Shared(RawFd),
}

impl HostFd {
    pub fn owned(fd: OwnedFd) -> HostFd {
        HostFd { fd: Ownership::Owned(fd), no_nowait_writes: AtomicBool::new(false) }
    }

    pub fn shared(fd: RawFd) -> HostFd {
        HostFd { fd: Ownership::Shared(fd), no_nowait_writes: AtomicBool::new(false) }
    }

    pub fn raw(&self) -> RawFd {
        match &self.fd {
            Ownership::Owned(fd) => fd.as_raw_fd(),
            Ownership::Shared(fd) => *fd,
        }
    }

    pub fn nowait_writes(&self) -> bool {
        !self.no_nowait_writes.load(Ordering::Relaxed)
    }

    pub fn refuse_nowait_writes(&self) {
        self.no_nowait_writes.store(true, Ordering::Relaxed);
    }
}

/// Which captured stream a description writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout = 0,
    Stderr = 1,
}

/// What kind of file an in-memory description pretends to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemKind {
    /// The read end of a pipe (standard input given as bytes).
    Pipe,
    /// A read-only regular file of /proc (seekable, size 0 in stat).
    Proc(ProcFile),
}

/// An open file description.
#[derive(Debug)]
pub enum OpenFile {
    Host(HostFd),
    /// Read-only bytes with a shared position.
    Bytes { data: Vec<u8>, pos: Mutex<usize>, kind: MemKind },
    /// Write-only; bytes go to the process's capture buffer.
    Capture(Stream),
}

impl OpenFile {
    pub fn host(fd: OwnedFd) -> Arc<OpenFile> {
        Arc::new(OpenFile::Host(HostFd::owned(fd)))
    }

    /// The host descriptor, if this is a host file.
    pub fn host_fd(&self) -> Option<RawFd> {
        match self {
            OpenFile::Host(h) => Some(h.raw()),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct FdEntry {
    pub file: Arc<OpenFile>,
    pub cloexec: bool,
}

impl FdEntry {
    pub fn new(file: Arc<OpenFile>, cloexec: bool) -> FdEntry {
        FdEntry { file, cloexec }
    }
}

#[derive(Debug, Default)]
pub struct FdTable {
    entries: BTreeMap<i32, FdEntry>,
}

impl FdTable {
    /// The entry of guest descriptor `fd` (the raw register value; only
    /// its low 32 bits count, as the kernel takes an int).
    pub fn get(&self, fd: u64) -> Result<&FdEntry, Errno> {
        self.entries.get(&(fd as i32)).ok_or(Errno::EBADF)
    }

    pub fn get_mut(&mut self, fd: u64) -> Result<&mut FdEntry, Errno> {
        self.entries.get_mut(&(fd as i32)).ok_or(Errno::EBADF)
    }

    pub fn file(&self, fd: u64) -> Result<Arc<OpenFile>, Errno> {
        self.get(fd).map(|e| e.file.clone())
    }

    /// Install `entry` at the lowest free descriptor at or above `min` and
    /// below `limit` (RLIMIT_NOFILE); EMFILE when there is none.
    pub fn insert(&mut self, entry: FdEntry, min: i32, limit: u64) -> Result<i32, Errno> {
        let mut fd = min.max(0);
        for &used in self.entries.range(fd..).map(|(k, _)| k) {
            if used != fd {
                break;
            }
            fd += 1;
        }
        if fd as u64 >= limit {
            return Err(Errno::EMFILE);
        }
        self.entries.insert(fd, entry);
        Ok(fd)
    }

    /// Install `entry` at `fd`, closing what was there.
    pub fn install(&mut self, fd: i32, entry: FdEntry) {
        self.entries.insert(fd, entry);
    }

    /// Close every close-on-exec descriptor (execve).
    pub fn close_on_exec(&mut self) {
        self.entries.retain(|_, e| !e.cloexec);
    }

    /// The open descriptors, in ascending order.
    pub fn numbers(&self) -> Vec<i32> {
        self.entries.keys().copied().collect()
    }

    pub fn remove(&mut self, fd: u64) -> Result<FdEntry, Errno> {
        self.entries.remove(&(fd as i32)).ok_or(Errno::EBADF)
    }
}
