//! Ending a guest's blocking wait from another thread.
//!
//! A guest blocked in the host (sleeping, polling, waiting for a child or
//! a signal) holds its machine for as long as the wait lasts. The owner of
//! the run asks it to stop with `request`: the wait ends at once and the
//! syscall is abandoned without effect, to be issued again when the
//! machine resumes (see `Errno::ERESTARTNOINTR`). Awaited runs use this
//! when they are cancelled, and to keep their first slice, which runs on
//! the event loop's thread, from ever blocking it.
//!
//! An eventfd wakes a thread blocked in ppoll; the flag, private to this
//! process, says whether a request stands (a forked child takes a fresh
//! one, so its parent's requests never reach it).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub struct Interruption {
    requested: AtomicBool,
    /// Readable while a request stands; None when the host refused an
    /// eventfd (waits then cannot be interrupted, only cut short by their
    /// own end).
    wake: Option<OwnedFd>,
}

impl Interruption {
    pub fn new() -> Interruption {
        // SAFETY: eventfd takes no pointers; a valid result is a new
        // descriptor that nothing else owns.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        let wake = (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) });
        Interruption { requested: AtomicBool::new(false), wake }
    }

    /// Ask the blocking wait in progress, and any that starts before
    /// `clear`, to end.
    pub fn request(&self) {
        self.requested.store(true, Ordering::Release);
        if let Some(fd) = &self.wake {
            let one = 1u64.to_ne_bytes();
            // SAFETY: writes 8 bytes from a live buffer to our eventfd. A
            // full counter (EAGAIN) already wakes every poller.
            unsafe { libc::write(fd.as_raw_fd(), one.as_ptr().cast(), one.len()) };
        }
    }

    /// Withdraw the request: waits block again.
    pub fn clear(&self) {
        self.requested.store(false, Ordering::Release);
        if let Some(fd) = &self.wake {
            let mut count = [0u8; 8];
            // SAFETY: reads at most 8 bytes into a live buffer; an empty
            // counter (EAGAIN) is fine.
            unsafe { libc::read(fd.as_raw_fd(), count.as_mut_ptr().cast(), count.len()) };
        }
    }

    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::Acquire)
    }

    /// The descriptor to poll alongside a wait.
    pub fn wake_fd(&self) -> Option<RawFd> {
        self.wake.as_ref().map(|fd| fd.as_raw_fd())
    }
}

impl Default for Interruption {
    fn default() -> Self {
        Interruption::new()
    }
}

/// What ties an abandoned timed call to its reissue: the reissued call
/// keeps the first try's deadline instead of starting its timeout anew.
#[derive(Default)]
pub struct Restart {
    /// The abandoned call: number, arguments, deadline.
    abandoned: Option<(u64, [u64; 6], Instant)>,
    /// The deadline the call in progress keeps from its abandoned try.
    kept: Option<Instant>,
    /// The deadline of the wait being abandoned now.
    abandoning: Option<Instant>,
}

impl Restart {
    /// A call starts: it keeps the deadline of an abandoned try of the
    /// very same call.
    pub fn begin(&mut self, number: u64, args: [u64; 6]) {
        self.kept = self.abandoned.take().filter(|&(n, a, _)| (n, a) == (number, args)).map(|(_, _, d)| d);
        self.abandoning = None;
    }

    /// The deadline of the call's wait: the kept one, else `fresh`.
    pub fn deadline(&self, fresh: Option<Instant>) -> Option<Instant> {
        self.kept.or(fresh)
    }

    /// The wait with `deadline` is being abandoned.
    pub fn abandon(&mut self, deadline: Option<Instant>) {
        self.abandoning = deadline;
    }

    /// The call was abandoned: remember it for its reissue.
    pub fn end_abandoned(&mut self, number: u64, args: [u64; 6]) {
        self.abandoned = self.abandoning.take().map(|d| (number, args, d));
    }
}
