//! Code memory: one shared-memory region mapped twice, writable at one
//! address and executable at another, so that installing a compiled block
//! is a copy with no system call and no change of page protections, and
//! blocks pack densely instead of each starting a new page.

use std::ptr::NonNull;

/// Start of every function (the hosts' preferred branch target alignment).
const ALIGN: usize = 16;

pub struct CodeMemory {
    fd: libc::c_int,
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
    used: usize,
}

// SAFETY: the two mappings are plain memory owned by this value alone; a
// `Jit` moves between threads with its machine but is never shared.
unsafe impl Send for CodeMemory {}

impl CodeMemory {
    /// Map `size` bytes (rounded up to pages). Pages cost host memory only
    /// once code is written to them.
    pub fn new(size: usize) -> Result<CodeMemory, String> {
        let size = size.max(4096).next_multiple_of(4096);
        let err = |what: &str| format!("{what}: {}", std::io::Error::last_os_error());
        // SAFETY: plain system calls on a descriptor and mappings this
        // function creates and owns; failures are checked.
        unsafe {
            let fd = libc::memfd_create(c"vmjit-code".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return Err(err("memfd_create"));
            }
            if libc::ftruncate(fd, size as libc::off_t) != 0 {
                let e = err("ftruncate");
                libc::close(fd);
                return Err(e);
            }
            let map = |prot| libc::mmap(std::ptr::null_mut(), size, prot, libc::MAP_SHARED, fd, 0);
            let rw = map(libc::PROT_READ | libc::PROT_WRITE);
            if rw == libc::MAP_FAILED {
                let e = err("mmap");
                libc::close(fd);
                return Err(e);
            }
            let rx = map(libc::PROT_READ | libc::PROT_EXEC);
            if rx == libc::MAP_FAILED {
                let e = err("mmap executable");
                libc::munmap(rw, size);
                libc::close(fd);
                return Err(e);
            }
            Ok(CodeMemory {
                fd,
                rw: NonNull::new_unchecked(rw.cast()),
                rx: NonNull::new_unchecked(rx.cast()),
                size,
                used: 0,
            })
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// Bytes taken so far.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Copy `code` in; its executable address, or None when it does not fit.
    pub fn install(&mut self, code: &[u8]) -> Option<*const u8> {
        let at = self.used.next_multiple_of(ALIGN);
        let end = at.checked_add(code.len())?;
        if end > self.size {
            return None;
        }
        // SAFETY: `at..end` lies inside the writable mapping, and no
        // compiled code covers these bytes yet (they are past `used`).
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), self.rw.as_ptr().add(at), code.len()) };
        // SAFETY: the range lies inside the executable mapping.
        let rx = unsafe { self.rx.as_ptr().add(at) };
        // Hosts without a coherent instruction cache need these; a failure
        // means the code cannot be trusted to run.
        // SAFETY: the range was just written and lies inside the mapping.
        unsafe { wasmtime_jit_icache_coherence::clear_cache(rx.cast(), code.len()) }.ok()?;
        wasmtime_jit_icache_coherence::pipeline_flush_mt().ok()?;
        self.used = end;
        Some(rx)
    }

    /// Forget all code: later installs reuse the memory.
    ///
    /// # Safety
    /// No code installed so far runs or is referred to afterwards.
    pub unsafe fn reset(&mut self) {
        self.used = 0;
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: both mappings and the descriptor belong to this value;
        // the JIT drops its code memory only when no code can run.
        unsafe {
            libc::munmap(self.rw.as_ptr().cast(), self.size);
            libc::munmap(self.rx.as_ptr().cast(), self.size);
            libc::close(self.fd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_pack_and_stop_when_full() {
        let mut m = CodeMemory::new(4096).unwrap();
        let a = m.install(&[0xc3; 10]).unwrap();
        let b = m.install(&[0x90; 5]).unwrap();
        assert_eq!(b as usize - a as usize, 16);
        // SAFETY: the executable mapping is readable.
        assert_eq!(unsafe { *a }, 0xc3);
        assert!(m.install(&[0; 4096]).is_none());
        assert_eq!(m.used(), 21);
        // SAFETY: nothing runs the code.
        unsafe { m.reset() };
        assert_eq!(m.install(&[1]).unwrap(), a);
    }
}
