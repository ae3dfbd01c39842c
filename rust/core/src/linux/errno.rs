//! Error numbers as the guest sees them.
//!
//! RISC-V Linux uses the asm-generic errno values, and so do the Linux hosts
//! we run on (x86-64, AArch64), so a host errno is passed to the guest as is.

/// A Linux error number (positive); a syscall returns it negated in a0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

/// What a syscall handler returns: the value for a0, or an error.
pub type SysResult = Result<u64, Errno>;

impl Errno {
    pub const EPERM: Errno = Errno(1);
    pub const ENOENT: Errno = Errno(2);
    pub const ESRCH: Errno = Errno(3);
    pub const EINTR: Errno = Errno(4);
    pub const EIO: Errno = Errno(5);
    pub const ENXIO: Errno = Errno(6);
    pub const E2BIG: Errno = Errno(7);
    pub const ENOEXEC: Errno = Errno(8);
    pub const EBADF: Errno = Errno(9);
    pub const ECHILD: Errno = Errno(10);
    pub const EAGAIN: Errno = Errno(11);
    pub const ENOMEM: Errno = Errno(12);
    pub const EACCES: Errno = Errno(13);
    pub const EFAULT: Errno = Errno(14);
    pub const EEXIST: Errno = Errno(17);
    pub const ENODEV: Errno = Errno(19);
    pub const ENOTDIR: Errno = Errno(20);
    pub const EISDIR: Errno = Errno(21);
    pub const EINVAL: Errno = Errno(22);
    pub const EMFILE: Errno = Errno(24);
    pub const ENOTTY: Errno = Errno(25);
    pub const ETXTBSY: Errno = Errno(26);
    pub const ESPIPE: Errno = Errno(29);
    pub const EPIPE: Errno = Errno(32);
    pub const ERANGE: Errno = Errno(34);
    pub const ENAMETOOLONG: Errno = Errno(36);
    pub const ENOSYS: Errno = Errno(38);
    pub const ENOTEMPTY: Errno = Errno(39);
    pub const ELOOP: Errno = Errno(40);
    pub const EOVERFLOW: Errno = Errno(75);
    pub const ENOTSOCK: Errno = Errno(88);
    pub const EOPNOTSUPP: Errno = Errno(95);
    pub const EAFNOSUPPORT: Errno = Errno(97);
    pub const ETIMEDOUT: Errno = Errno(110);
    /// Kernel-internal: the call was cut short by a signal and restarts
    /// if the handler has SA_RESTART (or no handler runs), else fails
    /// with EINTR. Never reaches the guest.
    pub const ERESTARTSYS: Errno = Errno(512);
    /// Kernel-internal: the call is abandoned without effect because the
    /// run was asked to stop; it is issued again, unchanged, on resume.
    /// Never reaches the guest.
    pub const ERESTARTNOINTR: Errno = Errno(513);

    /// The errno of the last failed host call on this thread.
    pub fn last() -> Errno {
        Errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(Errno::EIO.0))
    }

    /// The value a syscall leaves in a0 for this error (-errno).
    pub fn to_a0(self) -> u64 {
        (-(self.0 as i64)) as u64
    }
}

/// a0 for a syscall result.
pub fn to_a0(r: SysResult) -> u64 {
    match r {
        Ok(v) => v,
        Err(e) => e.to_a0(),
    }
}
