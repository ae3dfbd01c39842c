//! The program interpreter of a dynamically linked executable (PT_INTERP,
//! e.g. /lib/ld-linux-riscv64-lp64d.so.1): found through the sysroot (or
//! inside the root),
//! validated like any executable and mapped beside the program, as
//! load_elf_binary does before it starts the interpreter instead of the
//! program (fs/binfmt_elf.c).

use std::ffi::CString;

use super::elf;
use super::loader::{self, LoadedImage};
use super::root::Root;
use super::sysroot::Sysroot;
use super::ElfError;
use crate::mem::Memory;

/// Interpreters are small (glibc's is about 200 KiB); a bigger file is not
/// read whole into memory.
const MAX_INTERP_SIZE: u64 = 64 << 20;

/// Find, check and map the interpreter named `path`.
pub fn load(path: &[u8], sysroot: &Sysroot, root: Option<&Root>, mem: &mut Memory) -> Result<LoadedImage, ElfError> {
    let shown = String::from_utf8_lossy(path).into_owned();
    let guest = CString::new(path).map_err(|_| ElfError(format!("interpreter {shown}: bad path")))?;
    let host = sysroot.resolve(&guest);
    let read = match root {
        Some(r) => r
            .open(&guest, libc::O_RDONLY | libc::O_NONBLOCK, 0)
            .and_then(|fd| super::host::read_regular_fd(&fd, MAX_INTERP_SIZE)),
        None => super::host::read_regular_file(&host, MAX_INTERP_SIZE),
    };
    let image = read.map_err(|e| {
        let why = match e.0 {
            libc::ENOENT => "not found".to_string(),
            libc::EACCES => "not a regular file, or not readable".to_string(),
            libc::EFBIG => format!("larger than {MAX_INTERP_SIZE} bytes"),
            n => std::io::Error::from_raw_os_error(n).to_string(),
        };
        let place = match (root, sysroot.dir()) {
            (Some(r), _) => format!(" (inside the root {})", r.dir().display()),
            (None, d) => match d {
            Some(d) if host.as_ref() == guest.as_c_str() => {
                format!(" (looked in the sysroot {} and on the host)", d.display())
            }
            Some(_) => format!(" (in the sysroot as {})", String::from_utf8_lossy(host.to_bytes())),
            None => " (no sysroot given: pass the directory holding the RISC-V libraries as sysroot)".to_string(),
            },
        };
        ElfError(format!("interpreter {shown}: {why}{place}"))
    })?;
    let info = elf::parse(&image).map_err(|e| ElfError(format!("interpreter {shown}: {e}")))?;
    // The name /proc/self/maps shows: the file actually mapped.
    let name = String::from_utf8_lossy(host.to_bytes()).into_owned();
    loader::load_interp(&info, &image, mem, &name).map_err(|e| ElfError(format!("interpreter {shown}: {e}")))
}
