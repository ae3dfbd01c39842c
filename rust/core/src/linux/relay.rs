//! Captured output of forked children.
//!
//! A captured stream (`Output::Capture`) lives in the memory of the
//! process that runs the machine; a forked child is another host process
//! whose memory the caller never sees. So before the first fork, the
//! capturing process makes a pipe per stream: its children (and theirs,
//! which inherit the same pipes) write their captured output into the
//! pipes as they produce it, and the capturing process drains the pipes
//! into its buffers whenever the order of output matters: before its own
//! captured writes, in wait4/waitid, and when the caller takes the output.
//! Bytes are written once, by the process that produced them, so nothing
//! is delivered twice.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::errno::Errno;
use super::host;

/// Pipe capacity asked for, so that children rarely wait for the
/// capturing process to drain.
const PIPE_SIZE: i32 = 1 << 20;

#[derive(Debug, Default)]
pub enum Relay {
    /// No child was forked yet: captured output stays in memory.
    #[default]
    None,
    /// The capturing process: it reads (`read`) and hands the write ends
    /// down to children it forks.
    Capturing { read: [OwnedFd; 2], write: [OwnedFd; 2] },
    /// A forked descendant: its captured output goes into these pipes.
    Child { write: [OwnedFd; 2] },
}

impl Relay {
    /// Get ready to fork: the capturing process makes its pipes.
    pub fn prepare(&mut self) -> Result<(), Errno> {
        if !matches!(self, Relay::None) {
            return Ok(());
        }
        let (r1, w1) = host::pipe2(libc::O_NONBLOCK)?;
        let (r2, w2) = host::pipe2(libc::O_NONBLOCK)?;
        for w in [&w1, &w2] {
            // Best effort: a smaller pipe only means more waiting.
            let _ = host::fcntl_int(w.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_SIZE);
            // Children write blocking: output is never dropped.
            let flags = host::fcntl_int(w.as_raw_fd(), libc::F_GETFL, 0)?;
            host::fcntl_int(w.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK)?;
        }
        *self = Relay::Capturing { read: [r1, r2], write: [w1, w2] };
        Ok(())
    }

    /// In a freshly forked child: keep only the write ends.
    pub fn become_child(&mut self) {
        *self = match std::mem::take(self) {
            Relay::Capturing { write, .. } | Relay::Child { write } => Relay::Child { write },
            Relay::None => Relay::None,
        };
    }

    /// The pipe a child writes stream `s` (0 stdout, 1 stderr) into; None
    /// in the capturing process.
    pub fn sink(&self, s: usize) -> Option<RawFd> {
        match self {
            Relay::Child { write } => Some(write[s].as_raw_fd()),
            _ => None,
        }
    }

    /// The read ends the capturing process drains.
    pub fn sources(&self) -> Vec<RawFd> {
        match self {
            Relay::Capturing { read, .. } => read.iter().map(|r| r.as_raw_fd()).collect(),
            _ => Vec::new(),
        }
    }

    /// Move what children wrote so far into `out` (stdout, stderr).
    pub fn drain(&self, out: &mut [Vec<u8>; 2]) {
        let Relay::Capturing { read, .. } = self else { return };
        let mut buf = vec![0u8; 64 * 1024];
        for (r, o) in read.iter().zip(out.iter_mut()) {
            while let Ok(n @ 1..) = host::read(r.as_raw_fd(), &mut buf) {
                o.extend_from_slice(&buf[..n]);
            }
        }
    }
}

/// Write all of `data` to the pipe `fd`.
pub fn write_all(fd: RawFd, mut data: &[u8]) -> Result<(), Errno> {
    while !data.is_empty() {
        match host::write(fd, data) {
            Ok(n) => data = &data[n..],
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
