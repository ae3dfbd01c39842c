//! Decoder of 32-bit RV64GC encodings. (scaffold: replaced by the real decoder)
use super::{compressed, inst_len, Inst};

/// Decode the instruction whose first parcels are `bits` (for a compressed
/// instruction only the low 16 bits matter).
pub fn decode(bits: u32) -> Inst {
    if inst_len(bits as u16) == 2 {
        return compressed::expand(bits as u16);
    }
    Inst::illegal(bits, 4)
}
