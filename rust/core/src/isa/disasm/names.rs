//! Operand names as GNU objdump prints them by default.

/// Integer registers by ABI name (objdump calls x8 `s0`, not `fp`).
pub const GPR: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

/// Floating-point registers by ABI name.
pub const FPR: [&str; 32] = [
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
];

/// Rounding modes by `rm` value (5 and 6 are reserved and never decoded).
pub const ROUNDING: [&str; 8] = [
    "rne", "rtz", "rdn", "rup", "rmm", "unknown", "unknown", "dyn",
];

/// The `rm` value meaning "use frm": objdump omits it.
pub const DYNAMIC: u8 = 7;

/// A FENCE predecessor or successor set (`inst[27:24]` or `inst[23:20]`):
/// the letters of i, o, r, w that are set; objdump prints an empty set as
/// "unknown".
pub const FENCE_SET: [&str; 16] = [
    "unknown", "w", "r", "rw", "o", "ow", "or", "orw", "i", "iw", "ir", "irw", "io", "iow", "ior",
    "iorw",
];

pub fn gpr(r: u8) -> &'static str {
    GPR[(r & 31) as usize]
}

pub fn fpr(r: u8) -> &'static str {
    FPR[(r & 31) as usize]
}
