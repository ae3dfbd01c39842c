//! Hook primitives of `vmjit._core`: breakpoints, syscall hooks and
//! watchpoints, as functions of a machine. python/vmjit/hooks.py builds
//! the public API on them and serves the stops they cause ("breakpoint",
//! "watch", "syscall", "syscall_done"; see vmjit_core::engine::hooks).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use vmjit_core::engine::{SyscallArgs, SyscallDecision};

use crate::errors::to_py;
use crate::machine::Machine;

/// Stop before the instruction at `pc`; False when it was a breakpoint
/// already.
#[pyfunction]
pub fn add_breakpoint(m: PyRef<'_, Machine>, pc: u64) -> PyResult<bool> {
    Ok(m.machine()?.add_breakpoint(pc))
}

/// Remove the breakpoint at `pc`; False when there was none.
#[pyfunction]
pub fn remove_breakpoint(m: PyRef<'_, Machine>, pc: u64) -> PyResult<bool> {
    Ok(m.machine()?.remove_breakpoint(pc))
}

/// Breakpoint addresses, in order.
#[pyfunction]
pub fn breakpoints(m: PyRef<'_, Machine>) -> PyResult<Vec<u64>> {
    Ok(m.machine()?.breakpoints())
}

/// Stop before syscall `nr` (`on`) or no longer; False when nothing
/// changed.
#[pyfunction]
pub fn hook_syscall(m: PyRef<'_, Machine>, nr: u64, on: bool) -> PyResult<bool> {
    m.machine()?.hook_syscall(nr, on).map_err(to_py)
}

/// Stop before every syscall, hooked or not.
#[pyfunction]
pub fn trace_syscalls(m: PyRef<'_, Machine>, on: bool) -> PyResult<()> {
    m.machine()?.trace_syscalls(on);
    Ok(())
}

/// Decide how the ecall of the last "syscall" stop completes on the next
/// run: `result` makes a0 that value without running it; otherwise the
/// syscall runs with `args` (a0..a5). `report`: that run stops after it
/// ("syscall_done") and `take_syscall_record` describes it.
#[pyfunction]
#[pyo3(signature = (m, args=None, result=None, report=false))]
pub fn resolve_syscall(m: PyRef<'_, Machine>, args: Option<SyscallArgs>, result: Option<u64>, report: bool) -> PyResult<()> {
    let decision = match (args, result) {
        (None, Some(v)) => SyscallDecision::Return(v),
        (Some(a), None) => SyscallDecision::Run(a),
        _ => return Err(PyValueError::new_err("give either the arguments to run the syscall with or its result")),
    };
    m.machine()?.resolve_syscall(decision, report);
    Ok(())
}

/// A syscall record for Python: (nr, [a0..a5], a0 after it or None when it
/// did not return, emulated).
pub type RecordTuple = (u64, SyscallArgs, Option<u64>, bool);

/// A watch hit for Python: (id, addr, size, "read" | "write", value).
pub type HitTuple = (u64, u64, u64, &'static str, u64);

/// The last reported syscall, once.
#[pyfunction]
pub fn take_syscall_record(m: PyRef<'_, Machine>) -> PyResult<Option<RecordTuple>> {
    Ok(m.machine()?.take_syscall_record().map(|r| (r.nr, r.args, r.result, r.emulated)))
}

/// Watch `size` bytes at `addr` for the guest's loads and/or stores; the
/// watchpoint's id.
#[pyfunction]
pub fn add_watchpoint(m: PyRef<'_, Machine>, addr: u64, size: u64, read: bool, write: bool) -> PyResult<u64> {
    m.machine()?.add_watchpoint(addr, size, read, write).map_err(to_py)
}

/// Remove watchpoint `id`; False when there is none.
#[pyfunction]
pub fn remove_watchpoint(m: PyRef<'_, Machine>, id: u64) -> PyResult<bool> {
    Ok(m.machine()?.remove_watchpoint(id))
}

/// The access of the last "watch" stop.
#[pyfunction]
pub fn watch_hit(m: PyRef<'_, Machine>) -> PyResult<Option<HitTuple>> {
    Ok(m.machine()?.watch_hit().map(|h| (h.id, h.addr, h.size, h.access.as_str(), h.value)))
}

/// The number of the syscall called `name`, among those vmjit implements.
#[pyfunction]
pub fn syscall_number(name: &str) -> Option<u64> {
    vmjit_core::linux::syscall_number(name)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add_breakpoint, m)?)?;
    m.add_function(wrap_pyfunction!(remove_breakpoint, m)?)?;
    m.add_function(wrap_pyfunction!(breakpoints, m)?)?;
    m.add_function(wrap_pyfunction!(hook_syscall, m)?)?;
    m.add_function(wrap_pyfunction!(trace_syscalls, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_syscall, m)?)?;
    m.add_function(wrap_pyfunction!(take_syscall_record, m)?)?;
    m.add_function(wrap_pyfunction!(add_watchpoint, m)?)?;
    m.add_function(wrap_pyfunction!(remove_watchpoint, m)?)?;
    m.add_function(wrap_pyfunction!(watch_hit, m)?)?;
    m.add_function(wrap_pyfunction!(syscall_number, m)?)?;
    Ok(())
}
