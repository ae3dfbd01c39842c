//! The host floating-point environment compiled code runs under.
//!
//! Inline floating point in compiled code (translate/fp.rs) matches the
//! reference bit for bit only under the IEEE 754 default environment:
//! round to nearest even, subnormals kept (neither flushed to zero nor
//! read as zero), exceptions masked. The host thread need not be in it: a
//! shared library built with -ffast-math turns flush-to-zero on when it is
//! loaded. `DefaultEnv` installs the default while compiled code runs and
//! gives the caller's environment back afterwards.
//!
//! Only x86-64 is handled; on other hosts compiled code leaves all
//! floating-point computation to the helper (`CONTROLLED` is false).

/// True when this host's environment is controlled, so compiled code may
/// compute floating point inline.
pub const CONTROLLED: bool = cfg!(target_arch = "x86_64");

/// While alive, the thread runs in the default environment.
pub struct DefaultEnv {
    #[cfg(target_arch = "x86_64")]
    saved: Option<u32>,
}

#[cfg(target_arch = "x86_64")]
impl DefaultEnv {
    pub fn enter() -> DefaultEnv {
        let current = mxcsr::read();
        let saved = if current & mxcsr::CONTROL == mxcsr::DEFAULT {
            None
        } else {
            mxcsr::write(mxcsr::DEFAULT);
            Some(current)
        };
        DefaultEnv { saved }
    }
}

#[cfg(target_arch = "x86_64")]
impl Drop for DefaultEnv {
    fn drop(&mut self) {
        if let Some(v) = self.saved {
            mxcsr::write(v);
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl DefaultEnv {
    pub fn enter() -> DefaultEnv {
        DefaultEnv {}
    }
}

/// The SSE control and status register: bits 0-5 are sticky exception
/// flags, 6 is denormals-are-zero, 7-12 exception masks, 13-14 the rounding
/// mode, 15 flush-to-zero.
#[cfg(target_arch = "x86_64")]
pub(super) mod mxcsr {
    use std::arch::asm;

    /// Every bit but the sticky flags.
    pub const CONTROL: u32 = 0xffc0;
    /// All exceptions masked, round to nearest even, no DAZ or FTZ (the
    /// value at process start).
    pub const DEFAULT: u32 = 0x1f80;

    pub fn read() -> u32 {
        let mut v = 0u32;
        // SAFETY: stmxcsr stores 4 bytes at the address given, `v`'s.
        unsafe { asm!("stmxcsr [{}]", in(reg) &mut v as *mut u32, options(nostack, preserves_flags)) };
        v
    }

    pub fn write(v: u32) {
        // SAFETY: ldmxcsr reads 4 bytes at the address given, `v`'s; the
        // values written have no reserved bits set (DEFAULT, or a value
        // read from the register).
        unsafe { asm!("ldmxcsr [{}]", in(reg) &v as *const u32, options(nostack, preserves_flags, readonly)) };
    }
}
