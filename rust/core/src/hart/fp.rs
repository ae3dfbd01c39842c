//! Floating-point execution (scaffold).
use super::{Exception, Hart};
use crate::isa::Inst;

/// Execute a floating-point compute instruction (`Op::is_fp_compute`).
pub fn execute(_hart: &mut Hart, _inst: &Inst) -> Result<(), Exception> {
    Err(Exception::IllegalInstruction(0))
}
