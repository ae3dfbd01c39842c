//! FCLASS (F chapter, "Single-Precision Floating-Point Classify
//! Instruction"): a one-hot mask naming the class of the operand.

use super::bits::Float;

pub const NEG_INF: u64 = 1 << 0;
pub const NEG_NORMAL: u64 = 1 << 1;
pub const NEG_SUBNORMAL: u64 = 1 << 2;
pub const NEG_ZERO: u64 = 1 << 3;
pub const POS_ZERO: u64 = 1 << 4;
pub const POS_SUBNORMAL: u64 = 1 << 5;
pub const POS_NORMAL: u64 = 1 << 6;
pub const POS_INF: u64 = 1 << 7;
pub const SIGNALING_NAN: u64 = 1 << 8;
pub const QUIET_NAN: u64 = 1 << 9;

/// The class mask of `a`; exactly one bit is set.
#[inline]
pub fn fclass<F: Float>(a: F) -> u64 {
    let neg = a.sign();
    if a.is_nan() {
        if a.is_snan() {
            SIGNALING_NAN
        } else {
            QUIET_NAN
        }
    } else if a.is_inf() {
        if neg {
            NEG_INF
        } else {
            POS_INF
        }
    } else if a.is_zero() {
        if neg {
            NEG_ZERO
        } else {
            POS_ZERO
        }
    } else if a.is_subnormal() {
        if neg {
            NEG_SUBNORMAL
        } else {
            POS_SUBNORMAL
        }
    } else if neg {
        NEG_NORMAL
    } else {
        POS_NORMAL
    }
}
