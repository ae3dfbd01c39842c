//! Python bindings of vmjit (the `vmjit._core` extension): thin wrappers
//! over `vmjit_core`, error mapping, and the GIL released while guests run.

mod errors;
mod hooks;
mod host_io;
mod machine;
mod run;
mod sched;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("VmError", py.get_type::<errors::VmError>())?;
    m.add("ElfError", py.get_type::<errors::ElfError>())?;
    m.add("EngineUnavailable", py.get_type::<errors::EngineUnavailable>())?;
    m.add_class::<machine::Machine>()?;
    m.add_function(wrap_pyfunction!(disassemble_elf, m)?)?;
    m.add_function(wrap_pyfunction!(machine::available_engines, m)?)?;
    hooks::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// Disassemble the executable sections of an ELF image, objdump style.
#[pyfunction]
fn disassemble_elf(py: Python<'_>, image: Vec<u8>) -> PyResult<String> {
    py.detach(|| vmjit_core::isa::disasm::disassemble_elf(&image))
        .map_err(|e| errors::ElfError::new_err(e.to_string()))
}
