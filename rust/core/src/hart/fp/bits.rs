//! Bit-level view of binary32 and binary64 values, NaN-boxing of singles
//! in the 64-bit f registers, and sign injection.

/// A binary32 (`u32`) or binary64 (`u64`) value held as raw bits.
pub trait Float: Copy + PartialEq {
    /// The canonical NaN: positive, quiet, zero payload (unprivileged spec,
    /// F chapter, "NaN Generation and Propagation").
    const CANONICAL_NAN: Self;
    fn sign(self) -> bool;
    fn with_sign(self, negative: bool) -> Self;
    fn is_nan(self) -> bool;
    /// A NaN whose quiet bit (the top fraction bit) is clear.
    fn is_snan(self) -> bool;
    fn is_inf(self) -> bool;
    fn is_zero(self) -> bool;
    fn is_subnormal(self) -> bool;
    /// IEEE 754 equality: false if either is a NaN, and -0 == +0.
    fn ieee_eq(self, other: Self) -> bool;
    /// IEEE 754 less-than: false if either is a NaN.
    fn ieee_lt(self, other: Self) -> bool;
    /// IEEE 754 less-or-equal: false if either is a NaN.
    fn ieee_le(self, other: Self) -> bool;
}

macro_rules! impl_float {
    ($bits:ty, $native:ty, $frac_bits:expr) => {
        impl Float for $bits {
            const CANONICAL_NAN: Self = Self::EXP_MASK | Self::QUIET;
            #[inline]
            fn sign(self) -> bool {
                self & Self::SIGN != 0
            }
            #[inline]
            fn with_sign(self, negative: bool) -> Self {
                (self & !Self::SIGN) | if negative { Self::SIGN } else { 0 }
            }
            #[inline]
            fn is_nan(self) -> bool {
                self & Self::EXP_MASK == Self::EXP_MASK && self & Self::FRAC_MASK != 0
            }
            #[inline]
            fn is_snan(self) -> bool {
                self.is_nan() && self & Self::QUIET == 0
            }
            #[inline]
            fn is_inf(self) -> bool {
                self & !Self::SIGN == Self::EXP_MASK
            }
            #[inline]
            fn is_zero(self) -> bool {
                self & !Self::SIGN == 0
            }
            #[inline]
            fn is_subnormal(self) -> bool {
                self & Self::EXP_MASK == 0 && self & Self::FRAC_MASK != 0
            }
            // Host comparisons are exact and follow IEEE 754 for every
            // input, NaNs and signed zeros included; they raise no flags we
            // could observe, so callers compute flags themselves.
            #[inline]
            fn ieee_eq(self, other: Self) -> bool {
                <$native>::from_bits(self) == <$native>::from_bits(other)
            }
            #[inline]
            fn ieee_lt(self, other: Self) -> bool {
                <$native>::from_bits(self) < <$native>::from_bits(other)
            }
            #[inline]
            fn ieee_le(self, other: Self) -> bool {
                <$native>::from_bits(self) <= <$native>::from_bits(other)
            }
        }

        impl Fields for $bits {
            const SIGN: Self = 1 << (<$bits>::BITS - 1);
            const FRAC_MASK: Self = (1 << $frac_bits) - 1;
            const EXP_MASK: Self = !Self::SIGN & !Self::FRAC_MASK;
            const QUIET: Self = 1 << ($frac_bits - 1);
        }
    };
}

/// Field masks of a format.
trait Fields {
    const SIGN: Self;
    const FRAC_MASK: Self;
    const EXP_MASK: Self;
    const QUIET: Self;
}

impl_float!(u32, f32, 23);
impl_float!(u64, f64, 52);

/// Sign bit of a binary32 value.
pub const SIGN_S: u32 = 1 << 31;
/// Sign bit of a binary64 value.
pub const SIGN_D: u64 = 1 << 63;

/// The upper half of an f register holding a properly NaN-boxed single.
const BOX: u64 = 0xffff_ffff_0000_0000;

/// The single held in an f register. A value that is not properly
/// NaN-boxed (upper 32 bits not all ones) reads as the canonical NaN
/// (F chapter, "NaN Boxing of Narrower Values").
#[inline]
pub fn unbox(reg: u64) -> u32 {
    if reg & BOX == BOX {
        reg as u32
    } else {
        u32::CANONICAL_NAN
    }
}

/// The f register contents for a single result: NaN-boxed.
#[inline]
pub fn nan_box(v: u32) -> u64 {
    BOX | v as u64
}

/// FSGNJ: `a` with the sign of `b`.
#[inline]
pub fn sgnj<F: Float>(a: F, b: F) -> F {
    a.with_sign(b.sign())
}

/// FSGNJN: `a` with the opposite of `b`'s sign.
#[inline]
pub fn sgnjn<F: Float>(a: F, b: F) -> F {
    a.with_sign(!b.sign())
}

/// FSGNJX: `a` with the XOR of both signs.
#[inline]
pub fn sgnjx<F: Float>(a: F, b: F) -> F {
    a.with_sign(a.sign() ^ b.sign())
}
