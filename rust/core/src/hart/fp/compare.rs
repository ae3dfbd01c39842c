//! Comparisons and minimum/maximum (F chapter, "Single-Precision
//! Floating-Point Compare Instructions" and "... Computational
//! Instructions"). Each returns its result and the `fflags` it raises;
//! the only flag any of them can raise is NV.

use super::bits::Float;
use crate::hart::fflags::NV;

#[inline]
fn nv_if(cond: bool) -> u8 {
    if cond {
        NV
    } else {
        0
    }
}

/// FEQ: a quiet comparison; NV only for signaling NaN inputs.
#[inline]
pub fn feq<F: Float>(a: F, b: F) -> (bool, u8) {
    (a.ieee_eq(b), nv_if(a.is_snan() || b.is_snan()))
}

/// FLT: a signaling comparison; NV for any NaN input.
#[inline]
pub fn flt<F: Float>(a: F, b: F) -> (bool, u8) {
    (a.ieee_lt(b), nv_if(a.is_nan() || b.is_nan()))
}

/// FLE: a signaling comparison; NV for any NaN input.
#[inline]
pub fn fle<F: Float>(a: F, b: F) -> (bool, u8) {
    (a.ieee_le(b), nv_if(a.is_nan() || b.is_nan()))
}

/// FMIN: IEEE 754-2019 minimumNumber. -0 is less than +0; a single NaN
/// operand yields the other operand; two NaNs yield the canonical NaN;
/// NV only when an input is a signaling NaN (even if the result is not a
/// NaN).
#[inline]
pub fn fmin<F: Float>(a: F, b: F) -> (F, u8) {
    min_max(a, b, a.ieee_lt(b) || (a.ieee_eq(b) && a.sign()))
}

/// FMAX: IEEE 754-2019 maximumNumber, with the same NaN rules as `fmin`
/// and +0 greater than -0.
#[inline]
pub fn fmax<F: Float>(a: F, b: F) -> (F, u8) {
    min_max(a, b, b.ieee_lt(a) || (a.ieee_eq(b) && b.sign()))
}

/// The NaN handling shared by `fmin` and `fmax`; `pick_a` is the ordered
/// choice, meaningful only when neither input is a NaN.
#[inline]
fn min_max<F: Float>(a: F, b: F, pick_a: bool) -> (F, u8) {
    let flags = nv_if(a.is_snan() || b.is_snan());
    let r = match (a.is_nan(), b.is_nan()) {
        (true, true) => F::CANONICAL_NAN,
        (true, false) => b,
        (false, true) => a,
        (false, false) => {
            if pick_a {
                a
            } else {
                b
            }
        }
    };
    (r, flags)
}
