//! Ending a guest's blocking wait from another thread.
//!
//! A guest blocked in the host (sleeping, polling, reading an empty pipe
//! or terminal, waiting for a child or a signal) holds its machine for as
//! long as the wait lasts. The owner of the run asks it to stop with
//! `request`: the wait ends at once and the syscall is abandoned without
//! effect, to be issued again when the machine resumes (see
//! `Errno::ERESTARTNOINTR`). Awaited runs use this
//! when they are cancelled, and to keep their first slice, which runs on
//! the event loop's thread, from ever blocking it.
//!
//! An eventfd wakes a thread blocked in ppoll; the flag, private to this
//! process, says whether a request stands (a forked child takes a fresh
//! one, so its parent's requests never reach it). The eventfd is made by
//! the first wait that blocks (ten thousand idle machines hold no
//! descriptor for this), and runs start and end without touching it
//! unless a request from another thread wrote to it.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

pub struct Interruption {
    requested: AtomicBool,
    /// The eventfd has been written to since it was last drained.
    signalled: AtomicBool,
    /// Readable while a request stands; made by the first wait that
    /// blocks. None inside when the host refused an eventfd (waits then
    /// cannot be interrupted, only cut short by their own end).
    wake: OnceLock<Option<OwnedFd>>,
}

impl Interruption {
    pub fn new() -> Interruption {
        Interruption { requested: AtomicBool::new(false), signalled: AtomicBool::new(false), wake: OnceLock::new() }
    }

    /// Ask the blocking wait in progress, and any that starts before
    /// `clear`, to end.
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        // Pairs with the fence in `wake_fd`: either the waiter sees the
        // flag after making the eventfd, or this sees the eventfd.
        fence(Ordering::SeqCst);
        let Some(Some(fd)) = self.wake.get() else { return };
        if self.signalled.swap(true, Ordering::AcqRel) {
            return;
        }
        let one = 1u64.to_ne_bytes();
        // SAFETY: writes 8 bytes from a live buffer to our eventfd. A full
        // counter (EAGAIN) already wakes every poller.
        unsafe { libc::write(fd.as_raw_fd(), one.as_ptr().cast(), one.len()) };
    }

    /// Make every wait that starts before `clear` end at once: for a run
    /// on the thread that would wait, where nothing waits yet to be woken.
    pub fn refuse_waits(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Withdraw the request: waits block again.
    pub fn clear(&self) {
        self.requested.store(false, Ordering::SeqCst);
        self.drain();
    }

    /// Empty the eventfd. A wait woken with no request standing calls
    /// this: the wake-up was left by a request already withdrawn (a
    /// request sets the flag before it writes), and would otherwise wake
    /// every later wait at once.
    pub fn drain(&self) {
        if !self.signalled.swap(false, Ordering::AcqRel) {
            return;
        }
        if let Some(Some(fd)) = self.wake.get() {
            let mut count = [0u8; 8];
            // SAFETY: reads at most 8 bytes into a live buffer; an empty
            // counter (EAGAIN) is fine.
            unsafe { libc::read(fd.as_raw_fd(), count.as_mut_ptr().cast(), count.len()) };
        }
    }

    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// The descriptor to poll alongside a wait, made on first use. Check
    /// `requested` after this, not before: a request that came first is
    /// seen then.
    pub fn wake_fd(&self) -> Option<RawFd> {
        let fd = self.wake.get_or_init(|| {
            // SAFETY: eventfd takes no pointers; a valid result is a new
            // descriptor that nothing else owns.
            let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
            (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
        });
        fence(Ordering::SeqCst);
        fd.as_ref().map(|fd| fd.as_raw_fd())
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
