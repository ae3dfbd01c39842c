//! sendfile: copy from one descriptor to another without the data passing
//! through guest memory (busybox copies file contents with it).
//!
//! The input is read from its own position, or from `*offset` when an
//! offset pointer is given (then the input's position stays and the new
//! offset is stored back). Bytes read but not accepted by the output are
//! given back to the input, so nothing is lost on a short write.

use std::sync::Arc;

use super::Args;
use crate::linux::errno::{Errno, SysResult};
use crate::linux::fd::{MemKind, OpenFile};
use crate::linux::procfs::ProcFile;
use crate::linux::uaccess::{self, CHUNK};
use crate::linux::{host, Process};
use crate::mem::Memory;

/// MAX_RW_COUNT, as for read and write.
const MAX_RW_COUNT: u64 = 0x7fff_f000;

pub fn sys_sendfile(p: &mut Process, mem: &mut Memory, a: Args) -> SysResult {
    let (out_fd, in_fd, off_ptr, count) = (a[0], a[1], a[2], a[3]);
    let input = p.fds.file(in_fd)?;
    let output = p.fds.file(out_fd)?;
    if matches!(*output, OpenFile::Bytes { .. }) || matches!(*input, OpenFile::Capture(_)) {
        return Err(Errno::EBADF);
    }
    if let Some(h) = output.host_fd() {
        // Linux refuses an output opened for appending.
        if host::fcntl_int(h, libc::F_GETFL, 0)? & libc::O_APPEND != 0 {
            return Err(Errno::EINVAL);
        }
    }
    let mut offset = match off_ptr {
        0 => None,
        ptr => {
            let off = uaccess::read_u64(mem, ptr)? as i64;
            if off < 0 {
                return Err(Errno::EINVAL);
            }
            Some(off)
        }
    };
    let count = count.min(MAX_RW_COUNT);
    let mut buf = vec![0u8; (count as usize).min(CHUNK)];
    let mut done = 0u64;
    let mut failure = None;
    while done < count {
        let want = ((count - done) as usize).min(CHUNK);
        let n = match read_from(&input, &mut buf[..want], offset) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let written = match write_to(p, &output, &buf[..n]) {
            Ok(w) => w,
            Err(e) => {
                failure = Some(e);
                0
            }
        };
        if offset.is_none() && written < n {
            give_back(&input, (n - written) as i64)?;
        }
        done += written as u64;
        if let Some(o) = offset.as_mut() {
            *o += written as i64;
        }
        if failure.is_some() || written < n || n < want {
            break;
        }
    }
    if let (Some(o), true) = (offset, off_ptr != 0) {
        uaccess::write_u64(mem, off_ptr, o as u64)?;
    }
    match failure {
        Some(e) if done == 0 => Err(e),
        _ => Ok(done),
    }
}

/// Read from the input at `offset`, or at its position.
fn read_from(file: &OpenFile, buf: &mut [u8], offset: Option<i64>) -> Result<usize, Errno> {
    match file {
        OpenFile::Host(h) => match offset {
            Some(o) => host::pread(h.raw(), buf, o),
            None => host::read(h.raw(), buf),
        },
        // A directory cannot be spliced from.
        OpenFile::Bytes { kind: MemKind::Proc(ProcFile::FdDir), .. } => Err(Errno::EINVAL),
        OpenFile::Bytes { data, pos, kind } => {
            if offset.is_some() && *kind == MemKind::Pipe {
                return Err(Errno::ESPIPE);
            }
            let mut pos = pos.lock().unwrap_or_else(|e| e.into_inner());
            let start = offset.map_or(*pos, |o| usize::try_from(o).unwrap_or(usize::MAX)).min(data.len());
            let n = (data.len() - start).min(buf.len());
            buf[..n].copy_from_slice(&data[start..start + n]);
            if offset.is_none() {
                *pos = start + n;
            }
            Ok(n)
        }
        OpenFile::Capture(_) => Err(Errno::EBADF),
    }
}

/// Write all of `data` to the output, or as much as it takes.
fn write_to(p: &mut Process, file: &Arc<OpenFile>, data: &[u8]) -> Result<usize, Errno> {
    match &**file {
        OpenFile::Host(h) => {
            let mut done = 0;
            while done < data.len() {
                match host::write(h.raw(), &data[done..]) {
                    Ok(0) => break,
                    Ok(n) => done += n,
                    Err(e) if done == 0 => return Err(e),
                    Err(_) => break,
                }
            }
            Ok(done)
        }
        OpenFile::Capture(stream) => {
            p.captured[*stream as usize].extend_from_slice(data);
            Ok(data.len())
        }
        OpenFile::Bytes { .. } => Err(Errno::EBADF),
    }
}

/// Move the input's position back over `n` bytes read but not written.
fn give_back(file: &OpenFile, n: i64) -> Result<(), Errno> {
    match file {
        // A pipe cannot take bytes back; they are lost, as they would be
        // with the read and write sendfile replaces.
        OpenFile::Host(h) => match host::lseek(h.raw(), -n, libc::SEEK_CUR) {
            Ok(_) | Err(Errno::ESPIPE) => Ok(()),
            Err(e) => Err(e),
        },
        OpenFile::Bytes { pos, .. } => {
            let mut pos = pos.lock().unwrap_or_else(|e| e.into_inner());
            *pos = pos.saturating_sub(n as usize);
            Ok(())
        }
        OpenFile::Capture(_) => Ok(()),
    }
}
