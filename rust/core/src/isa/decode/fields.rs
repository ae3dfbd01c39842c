//! Field extraction for 32-bit encodings (unprivileged spec, chapter 2.2
//! "Base Instruction Formats" and 2.3 "Immediate Encoding Variants").
//!
//! Every helper is a shift and a mask: no branches, no allocation.

pub const fn opcode(bits: u32) -> u32 {
    bits & 0x7f
}

pub const fn rd(bits: u32) -> u8 {
    ((bits >> 7) & 0x1f) as u8
}

pub const fn funct3(bits: u32) -> u32 {
    (bits >> 12) & 7
}

pub const fn rs1(bits: u32) -> u8 {
    ((bits >> 15) & 0x1f) as u8
}

pub const fn rs2(bits: u32) -> u8 {
    ((bits >> 20) & 0x1f) as u8
}

/// The third source register of R4-type (fused multiply-add) encodings.
pub const fn rs3(bits: u32) -> u8 {
    (bits >> 27) as u8
}

pub const fn funct7(bits: u32) -> u32 {
    bits >> 25
}

/// `inst[31:27]`: the operation of an AMO.
pub const fn funct5(bits: u32) -> u32 {
    bits >> 27
}

/// `inst[26:25]`: the aq and rl bits of an AMO, or the format of an R4-type
/// floating-point operation (0 = S, 1 = D).
pub const fn funct2(bits: u32) -> u32 {
    (bits >> 25) & 3
}

/// I-type immediate: `inst[31:20]`, sign-extended.
pub const fn imm_i(bits: u32) -> i32 {
    (bits as i32) >> 20
}

/// `inst[31:20]` unsigned: a CSR number or the fm/pred/succ bits of FENCE.
pub const fn imm_i_unsigned(bits: u32) -> i32 {
    (bits >> 20) as i32
}

/// S-type immediate: `inst[31:25] | inst[11:7]`, sign-extended.
pub const fn imm_s(bits: u32) -> i32 {
    ((bits as i32) >> 25) << 5 | ((bits >> 7) & 0x1f) as i32
}

/// B-type immediate: a signed multiple of 2 in [-4096, 4094].
pub const fn imm_b(bits: u32) -> i32 {
    ((bits as i32) >> 31) << 12
        | (((bits >> 7) & 1) << 11) as i32
        | (((bits >> 25) & 0x3f) << 5) as i32
        | (((bits >> 8) & 0xf) << 1) as i32
}

/// U-type immediate: `inst[31:12] << 12`, the value LUI writes before
/// sign extension to 64 bits.
pub const fn imm_u(bits: u32) -> i32 {
    (bits & 0xffff_f000) as i32
}

/// J-type immediate: a signed multiple of 2 in [-1 MiB, 1 MiB - 2].
pub const fn imm_j(bits: u32) -> i32 {
    ((bits as i32) >> 31) << 20
        | (bits & 0x000f_f000) as i32
        | (((bits >> 20) & 1) << 11) as i32
        | (((bits >> 21) & 0x3ff) << 1) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_fields() {
        // add s1, a0, a1 with funct7 = 0x20 (sub)
        let bits = 0x40b5_04b3;
        assert_eq!(opcode(bits), 0x33);
        assert_eq!(rd(bits), 9);
        assert_eq!(funct3(bits), 0);
        assert_eq!(rs1(bits), 10);
        assert_eq!(rs2(bits), 11);
        assert_eq!(funct7(bits), 0x20);
        // fmadd.d fa0, fa1, fa2, fa3: rs3 = 13, fmt = 1
        let fma = 0x6ac5_8543;
        assert_eq!(rs3(fma), 13);
        assert_eq!(funct2(fma), 1);
    }

    #[test]
    fn immediates_at_their_extremes() {
        assert_eq!(imm_i(0x8000_0013), -2048);
        assert_eq!(imm_i(0x7ff0_0013), 2047);
        assert_eq!(imm_i_unsigned(0xfff0_0073), 0xfff);
        // sd a0, -1(sp) / sd a0, 2047(sp)
        assert_eq!(imm_s(0xfea1_3fa3), -1);
        assert_eq!(imm_s(0x7ea1_3fa3), 2047);
        // beq with every immediate bit set is -2; bit 31 alone is -4096
        assert_eq!(imm_b(0xfe00_0fe3), -2);
        assert_eq!(imm_b(0x8000_0063), -4096);
        assert_eq!(imm_b(0x7e00_0fe3), 4094);
        assert_eq!(imm_u(0xfffff537), -4096);
        assert_eq!(imm_j(0xfffff06f), -2);
        assert_eq!(imm_j(0x8000_006f), -(1 << 20));
        assert_eq!(imm_j(0x7ffff06f), (1 << 20) - 2);
    }
}
