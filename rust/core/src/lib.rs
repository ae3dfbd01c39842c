//! vmjit-core: a RISC-V RV64GC machine.
//!
//! No Python here: the bindings live in the `vmjit-py` crate.

pub mod engine;
pub mod hart;
pub mod interp;
pub mod isa;
pub mod jit;
pub mod linux;
pub mod mem;
pub mod system;

pub use engine::{Machine, StopReason};
