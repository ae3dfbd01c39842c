//! A safe face for Berkeley SoftFloat (`softfloat-sys`, built with its
//! RISC-V specialization: NaN results are the canonical NaN, and
//! out-of-range float-to-integer conversions saturate as the F chapter's
//! conversion table says).
//!
//! SoftFloat keeps its rounding mode, tininess rule and exception flags in
//! thread-local globals. [`run`] sets them up for one operation and hands
//! back the flags it raised; the operations themselves take and return raw
//! IEEE bit patterns and must be called inside `run`.
//!
//! Why the `unsafe` blocks are sound: every function called here takes and
//! returns plain values (no pointers) and touches nothing but SoftFloat's
//! own thread-local state, so no call can break memory safety.

use super::rounding::RoundingMode;
use crate::hart::fflags;
use softfloat_sys as sys;
use sys::{float32_t, float64_t};

/// Run `op` with SoftFloat set to round by `rm`, detect tininess after
/// rounding (as RISC-V does) and start from clear flags. Returns what `op`
/// returned and the exception flags it raised, as `fflags` bits.
#[inline]
pub fn run<T>(rm: RoundingMode, op: impl FnOnce() -> T) -> (T, u8) {
    // SAFETY: see the module comment.
    unsafe {
        sys::softfloat_roundingMode_write_helper(mode(rm) as _);
        sys::softfloat_detectTininess_write_helper(sys::softfloat_tininess_afterRounding as _);
        sys::softfloat_exceptionFlags_write_helper(0);
    }
    let result = op();
    // SAFETY: see the module comment.
    let raised = unsafe { sys::softfloat_exceptionFlags_read_helper() } as u8;
    (result, to_fflags(raised))
}

/// SoftFloat's name for a rounding mode.
#[inline]
fn mode(rm: RoundingMode) -> u8 {
    match rm {
        RoundingMode::NearestEven => sys::softfloat_round_near_even,
        RoundingMode::TowardZero => sys::softfloat_round_minMag,
        RoundingMode::Down => sys::softfloat_round_min,
        RoundingMode::Up => sys::softfloat_round_max,
        RoundingMode::NearestMaxMagnitude => sys::softfloat_round_near_maxMag,
    }
}

/// Translate SoftFloat's exception flags into `fflags` bits. The two
/// happen to share an encoding today; mapping each flag keeps that an
/// implementation detail.
#[inline]
fn to_fflags(raised: u8) -> u8 {
    const MAP: [(u8, u8); 5] = [
        (sys::softfloat_flag_inexact, fflags::NX),
        (sys::softfloat_flag_underflow, fflags::UF),
        (sys::softfloat_flag_overflow, fflags::OF),
        (sys::softfloat_flag_infinite, fflags::DZ),
        (sys::softfloat_flag_invalid, fflags::NV),
    ];
    let mut out = 0;
    for (soft, riscv) in MAP {
        if raised & soft != 0 {
            out |= riscv;
        }
    }
    out
}

/// Wrappers over SoftFloat calls that take and return floats as raw bits.
macro_rules! float_ops {
    ($float:ident, $bits:ty: $(
        $name:ident($($arg:ident),+) = $ffi:ident;
    )*) => {$(
        #[inline]
        pub fn $name($($arg: $bits),+) -> $bits {
            // SAFETY: see the module comment.
            unsafe { sys::$ffi($($float { v: $arg }),+).v }
        }
    )*};
}

float_ops! { float32_t, u32:
    f32_add(a, b) = f32_add;
    f32_sub(a, b) = f32_sub;
    f32_mul(a, b) = f32_mul;
    f32_div(a, b) = f32_div;
    f32_sqrt(a) = f32_sqrt;
    f32_mul_add(a, b, c) = f32_mulAdd;
}

float_ops! { float64_t, u64:
    f64_add(a, b) = f64_add;
    f64_sub(a, b) = f64_sub;
    f64_mul(a, b) = f64_mul;
    f64_div(a, b) = f64_div;
    f64_sqrt(a) = f64_sqrt;
    f64_mul_add(a, b, c) = f64_mulAdd;
}

/// Float-to-float and integer-to-float conversions.
macro_rules! convert {
    ($($name:ident($a:ident: $from:ty) -> $to:ty = $ffi:ident($arg:expr);)*) => {$(
        #[inline]
        pub fn $name($a: $from) -> $to {
            // SAFETY: see the module comment.
            unsafe { sys::$ffi($arg).v }
        }
    )*};
}

convert! {
    f32_to_f64(a: u32) -> u64 = f32_to_f64(float32_t { v: a });
    f64_to_f32(a: u64) -> u32 = f64_to_f32(float64_t { v: a });
    i32_to_f32(a: i32) -> u32 = i32_to_f32(a);
    u32_to_f32(a: u32) -> u32 = ui32_to_f32(a);
    i64_to_f32(a: i64) -> u32 = i64_to_f32(a);
    u64_to_f32(a: u64) -> u32 = ui64_to_f32(a);
    i32_to_f64(a: i32) -> u64 = i32_to_f64(a);
    u32_to_f64(a: u32) -> u64 = ui32_to_f64(a);
    i64_to_f64(a: i64) -> u64 = i64_to_f64(a);
    u64_to_f64(a: u64) -> u64 = ui64_to_f64(a);
}

/// Float-to-integer conversions. SoftFloat takes the rounding mode as an
/// argument here; `exact = true` makes it raise inexact when the value was
/// not already an integer. NaN and out-of-range inputs raise invalid and
/// return the saturated values the RISC-V specialization defines.
macro_rules! to_int {
    ($($name:ident($float:ident: $from:ty) -> $to:ty = $ffi:ident;)*) => {$(
        #[inline]
        pub fn $name(a: $from, rm: RoundingMode) -> $to {
            // SAFETY: see the module comment.
            let r = unsafe { sys::$ffi(sys::$float { v: a }, mode(rm) as _, true) };
            // SoftFloat returns C's `int_fast32_t`-style types, which may be
            // wider than the result; the value always fits.
            r as $to
        }
    )*};
}

to_int! {
    f32_to_i32(float32_t: u32) -> i32 = f32_to_i32;
    f32_to_u32(float32_t: u32) -> u32 = f32_to_ui32;
    f32_to_i64(float32_t: u32) -> i64 = f32_to_i64;
    f32_to_u64(float32_t: u32) -> u64 = f32_to_ui64;
    f64_to_i32(float64_t: u64) -> i32 = f64_to_i32;
    f64_to_u32(float64_t: u64) -> u32 = f64_to_ui32;
    f64_to_i64(float64_t: u64) -> i64 = f64_to_i64;
    f64_to_u64(float64_t: u64) -> u64 = f64_to_ui64;
}
