//! Running guests: blocking (GIL released) and on the tokio worker pool in
//! time slices.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

use vmjit_core::engine::{self, StopReason};
use vmjit_core::linux::interruption::Interruption;
use vmjit_core::linux::Process;

use crate::errors::VmError;
use crate::machine::lock;

/// Instructions per slice when none is given: well under a millisecond
/// of interpreted guest time, so thousands of machines share the pool
/// fairly and cancellation is prompt.
pub const DEFAULT_SLICE: u64 = 100_000;

/// Instructions an awaited run executes at once on the caller's thread
/// (GIL released) before it moves to the pool: a short run then costs no
/// thread hop at all, and the event loop is held for tens of microseconds
/// at most.
pub const EAGER_SLICE: u64 = 10_000;

/// Marks a machine as running for as long as it lives, so a second run
/// (or an inspection) fails clearly instead of racing.
pub struct RunGuard(Arc<AtomicBool>);

impl RunGuard {
    pub fn acquire(flag: &Arc<AtomicBool>) -> PyResult<RunGuard> {
        if flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return Err(VmError::new_err("the machine is already running"));
        }
        Ok(RunGuard(flag.clone()))
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// What the guest's blocking waits (sleeps, polls, waits for children
/// or signals) do during a stretch of a run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Waits {
    /// Block as long as they must: a new run withdraws any request to
    /// stop left by an earlier one.
    Block,
    /// Never block: a wait is abandoned, to be issued again on resume, and
    /// the stretch ends there. The event loop's own thread must not wait.
    Refuse,
    /// Block until the run's owner asks them to stop (a cancelled awaited
    /// run, see `Cancel`).
    Owner,
}

/// Run one stretch of at most `budget` instructions, then publish the
/// machine's instruction count in `progress`. The stop and the number of
/// instructions retired. A panic inside the core (a bug, never expected)
/// becomes a Python error instead of unwinding into the interpreter.
pub fn run_blocking(
    m: &Mutex<engine::Machine>,
    budget: Option<u64>,
    progress: &AtomicU64,
    waits: Waits,
) -> PyResult<(StopReason, u64)> {
    let mut guard = lock(m)?;
    let interruption = guard.process().map(Process::interruption);
    match (&interruption, waits) {
        (Some(i), Waits::Block) => i.clear(),
        (Some(i), Waits::Refuse) => i.refuse_waits(),
        _ => {}
    }
    let before = guard.instructions_retired();
    let stop = catch_unwind(AssertUnwindSafe(|| guard.run(budget)));
    if let (Some(i), Waits::Refuse) = (&interruption, waits) {
        i.clear();
    }
    let stop = stop.map_err(|_| VmError::new_err("internal error while running the guest"))?;
    let after = guard.instructions_retired();
    progress.store(after, Ordering::Release);
    Ok((stop, after - before))
}

/// Asks the guest's blocking wait, if any, to end when an awaited run is
/// cancelled: a guest asleep in the host would otherwise hold its
/// machine (and a worker) until the wait ends on its own.
pub struct Cancel(pub Option<Arc<Interruption>>);

impl Cancel {
    pub fn request(&self) {
        if let Some(i) = &self.0 {
            i.request();
        }
    }
}

/// An awaitable whose result is already known: what an awaited run that
/// finished within its eager slice returns.
#[pyclass(module = "vmjit._core")]
pub struct Ready {
    value: Option<Py<PyAny>>,
}

impl Ready {
    pub fn new(value: Py<PyAny>) -> Ready {
        Ready { value: Some(value) }
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The first step ends the coroutine protocol with the value.
    fn __next__(&mut self) -> PyResult<Py<PyAny>> {
        match self.value.take() {
            Some(v) => Err(PyStopIteration::new_err((v,))),
            None => Err(PyStopIteration::new_err(())),
        }
    }
}
