//! Expansion of compressed (RVC) encodings. (scaffold)
use super::Inst;

pub fn expand(bits: u16) -> Inst {
    Inst::illegal(bits as u32, 2)
}
