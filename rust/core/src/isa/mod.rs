//! Instruction set: one decoded form (`Inst`) for every RV64GC encoding.
//!
//! Compressed instructions expand to the same `Inst` as their 32-bit twin
//! (only `len` differs), so the interpreter, the JIT and the disassembler
//! each handle one form.

pub mod compressed;
pub mod csr;
pub mod decode;
pub mod disasm;
mod op;

pub use decode::decode;
pub use op::Op;

/// A decoded instruction.
///
/// Field use by format:
/// - R/I/S/B/U/J: `rd`, `rs1`, `rs2`, `imm` (sign-extended immediate; shift
///   amounts for shifts; the full 32-bit upper value for LUI/AUIPC).
/// - R4 (fused multiply-add): `rs3` as well.
/// - Floating point: `rm` holds the rounding-mode field (0..=7, 7 = dynamic)
///   for operations that have one and is 0 for the others (sign injection,
///   min/max, comparisons, moves, fclass, loads/stores).
/// - Atomics: `rm` holds the aq/rl bits (aq = 2, rl = 1).
/// - CSR: `imm` holds the CSR number (0..=0xfff); the `*i` forms keep their
///   5-bit immediate in `rs1`.
/// - FENCE: `imm` holds the raw fm/pred/succ bits (`inst[31:20]`); its
///   reserved rd/rs1 are dropped. FENCE.I has all fields 0.
/// - `Op::Illegal`: `imm` holds the raw instruction bits (16 or 32 of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Inst {
    pub op: Op,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub rs3: u8,
    pub rm: u8,
    /// Encoded length in bytes: 2 (compressed) or 4.
    pub len: u8,
    pub imm: i32,
}

impl Inst {
    pub const fn new(op: Op, len: u8) -> Self {
        Inst { op, rd: 0, rs1: 0, rs2: 0, rs3: 0, rm: 0, len, imm: 0 }
    }

    /// An illegal instruction carrying its raw bits.
    pub const fn illegal(bits: u32, len: u8) -> Self {
        Inst { op: Op::Illegal, rd: 0, rs1: 0, rs2: 0, rs3: 0, rm: 0, len, imm: bits as i32 }
    }

    /// True when the instruction ends a basic block (it may change the pc
    /// other than by falling through, or must return to the run loop).
    pub fn ends_block(&self) -> bool {
        self.op.ends_block()
    }
}

/// Length in bytes of the instruction whose first 16-bit parcel is `lo`:
/// 2 for compressed encodings, 4 otherwise (longer encodings are not part
/// of RV64GC and decode as illegal 32-bit instructions).
pub const fn inst_len(lo: u16) -> u8 {
    if lo & 3 == 3 {
        4
    } else {
        2
    }
}
