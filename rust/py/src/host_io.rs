//! The host side of system-mode requests (devices and lazily filled RAM
//! served from Python): the primitives python/vmjit/devices.py builds on.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use vmjit_core::engine;
use vmjit_core::mem::{HostReply, HostRequest, MmioRangeError, PAGE_SIZE};

use crate::errors::VmError;

/// An outstanding request as a tuple: ("read", addr, size),
/// ("write", addr, size, value) or ("page", addr, 0).
pub type RequestTuple = (&'static str, u64, u8, Option<u64>);

pub fn map_range(m: &mut engine::Machine, base: u64, size: u64) -> PyResult<()> {
    m.mem.map_host_range(base, size).map_err(|e| match e {
        MmioRangeError::NotSystem => VmError::new_err(e.to_string()),
        _ => PyValueError::new_err(format!("cannot map [{base:#x}, +{size:#x}): {e}")),
    })
}

pub fn set_lazy_ram(m: &mut engine::Machine, on: bool) -> PyResult<()> {
    m.mem.set_lazy_ram(on).map_err(|e| VmError::new_err(e.to_string()))
}

pub fn request(m: &engine::Machine) -> Option<RequestTuple> {
    Some(match m.mem.host_request()? {
        HostRequest::Read { addr, size } => ("read", addr, size, None),
        HostRequest::Write { addr, size, value } => ("write", addr, size, Some(value)),
        HostRequest::FillPage { addr } => ("page", addr, 0, None),
    })
}

pub fn complete(m: &mut engine::Machine, reply: HostReply<'_>) -> PyResult<()> {
    m.mem.complete_host_request(reply).map_err(|e| VmError::new_err(e.to_string()))
}

/// A page's content from Python: exactly one page of bytes.
pub fn page(data: &[u8]) -> PyResult<&[u8; PAGE_SIZE as usize]> {
    data.try_into().map_err(|_| {
        PyValueError::new_err(format!("a page is exactly {PAGE_SIZE} bytes, not {}", data.len()))
    })
}
