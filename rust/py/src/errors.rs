//! Python exception types and the mapping of core errors onto them.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::PyErr;

create_exception!(vmjit, VmError, PyException, "Base class of vmjit errors.");
create_exception!(vmjit, ElfError, VmError, "The program is not a loadable RISC-V ELF executable.");
create_exception!(vmjit, EngineUnavailable, VmError, "The requested execution engine cannot run here.");

pub fn to_py(e: vmjit_core::engine::VmError) -> PyErr {
    use vmjit_core::engine::VmError as E;
    match e {
        E::Elf(e) => ElfError::new_err(e.to_string()),
        E::EngineUnavailable(..) => EngineUnavailable::new_err(e.to_string()),
        E::Io(_) | E::System(_) => VmError::new_err(e.to_string()),
    }
}
