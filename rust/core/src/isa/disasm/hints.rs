//! objdump's `# address` comments (binutils `riscv-dis.c`,
//! `maybe_print_address`): it remembers what LUI and AUIPC leave in each
//! register and, when a later instruction adds an offset to that register
//! (addi, addiw, a load, a store, jalr), prints the sum. Offsets from gp
//! (when `__global_pointer$` is known), tp and zero are printed too.
//!
//! This mirrors objdump's bookkeeping exactly, quirks included: a value is
//! forgotten only when used, not when its register is overwritten, and
//! compressed loads, stores and jumps never use it.

use crate::isa::{Inst, Op};

const GP: u8 = 3;
const TP: u8 = 4;

pub(super) struct AddressHints {
    upper: [Option<u64>; 32],
    gp: Option<u64>,
}

impl AddressHints {
    pub fn new(gp: Option<u64>) -> Self {
        AddressHints {
            upper: [None; 32],
            gp,
        }
    }

    /// Account for `inst` (raw `bits`, at `pc`) and return the address to
    /// print after it, if any.
    pub fn observe(&mut self, bits: u32, inst: &Inst, pc: u64) -> Option<u64> {
        let mut printed = None;
        let Inst {
            op,
            rd,
            rs1,
            imm,
            len,
            ..
        } = *inst;
        if len == 2 {
            let rd_field = ((bits >> 7) & 0x1f) as u8;
            match (op, bits & 0xe003) {
                // c.lui
                (Op::Lui, _) => self.upper[(rd & 31) as usize] = Some(imm as i64 as u64),
                // c.addi, not c.addi16sp, c.addi4spn or c.li
                (Op::Addi, 0x0001) if rd_field != 0 => self.use_base(&mut printed, rd, imm, false),
                // c.addiw, printed as sext.w when the immediate is 0
                (Op::Addiw, 0x2001) if imm != 0 => self.use_base(&mut printed, rd, imm, true),
                _ => {}
            }
            return printed;
        }
        match op {
            Op::Lui => self.upper[(rd & 31) as usize] = Some(imm as i64 as u64),
            Op::Auipc => self.upper[(rd & 31) as usize] = Some(pc.wrapping_add(imm as i64 as u64)),
            // `ret` has no operands; `jr rs1`/`jalr rs1`/`jalr rd,rs1` look
            // once; the forms with an offset look three times (for the
            // offset, for the immediate and for the register operand).
            Op::Jalr => {
                let looks = match (rd, rs1, imm) {
                    (0, 1, 0) => 0,
                    (_, _, 0) => 1,
                    _ => 3,
                };
                for _ in 0..looks {
                    self.use_base(&mut printed, rs1, imm, false);
                }
            }
            Op::Lb | Op::Lh | Op::Lw | Op::Ld | Op::Lbu | Op::Lhu | Op::Lwu | Op::Flw | Op::Fld => {
                self.use_base(&mut printed, rs1, imm, false)
            }
            Op::Sb | Op::Sh | Op::Sw | Op::Sd | Op::Fsw | Op::Fsd => {
                self.use_base(&mut printed, rs1, imm, false)
            }
            // Printed as `mv`/`li`/`sext.w` these have no immediate operand.
            Op::Addi if rs1 != 0 && imm != 0 => self.use_base(&mut printed, rs1, imm, false),
            Op::Addiw if rs1 != 0 && imm != 0 => self.use_base(&mut printed, rs1, imm, true),
            _ => {}
        }
        printed
    }

    /// objdump's `maybe_print_address`: `base + offset`, where base is the
    /// remembered upper value (used up), or gp, or 0 for tp and zero; it
    /// replaces `printed` when it applies and leaves it alone otherwise.
    fn use_base(&mut self, printed: &mut Option<u64>, base: u8, offset: i32, word: bool) {
        let offset = offset as i64 as u64;
        let base_index = (base & 31) as usize;
        let addr = if let Some(upper) = self.upper[base_index].take() {
            if base == 0 {
                offset
            } else {
                upper.wrapping_add(offset)
            }
        } else if let (GP, Some(gp)) = (base, self.gp) {
            gp.wrapping_add(offset)
        } else if base == TP || base == 0 {
            offset
        } else {
            return;
        };
        *printed = Some(if word {
            addr as i32 as i64 as u64
        } else {
            addr
        });
    }
}
