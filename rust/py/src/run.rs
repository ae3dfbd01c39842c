//! Running guests: blocking (GIL released) and on the tokio worker pool in
//! time slices.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

use vmjit_core::engine::{self, StopReason};

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

/// Run one stretch of at most `budget` instructions, then publish the
/// machine's instruction count in `progress`. A panic inside the core (a
/// bug, never expected) becomes a Python error instead of unwinding into
/// the interpreter.
pub fn run_blocking(m: &Mutex<engine::Machine>, budget: Option<u64>, progress: &AtomicU64) -> PyResult<StopReason> {
    let mut guard = lock(m)?;
    let stop = catch_unwind(AssertUnwindSafe(|| guard.run(budget)))
        .map_err(|_| VmError::new_err("internal error while running the guest"))?;
    progress.store(guard.hart.instret, Ordering::Release);
    Ok(stop)
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
