//! Disassembler. (scaffold)
use super::Inst;

pub fn disasm(inst: &Inst, _pc: u64) -> String {
    format!("{:?}", inst.op)
}
