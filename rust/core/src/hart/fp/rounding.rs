//! The rounding mode an instruction runs under (unprivileged spec, F
//! chapter, "Floating-Point Control and Status Register").

/// The five IEEE 754 rounding modes RISC-V defines, in `rm`/`frm` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundingMode {
    /// RNE: round to nearest, ties to even.
    NearestEven,
    /// RTZ: round towards zero.
    TowardZero,
    /// RDN: round down (towards negative infinity).
    Down,
    /// RUP: round up (towards positive infinity).
    Up,
    /// RMM: round to nearest, ties to max magnitude.
    NearestMaxMagnitude,
}

/// `rm` field value selecting the dynamic rounding mode held in `frm`.
pub const DYNAMIC: u8 = 7;

impl RoundingMode {
    /// The mode encoded by a 3-bit `rm`/`frm` value; `None` for the
    /// reserved encodings 5, 6 and 7.
    pub fn from_bits(bits: u8) -> Option<Self> {
        match bits {
            0 => Some(Self::NearestEven),
            1 => Some(Self::TowardZero),
            2 => Some(Self::Down),
            3 => Some(Self::Up),
            4 => Some(Self::NearestMaxMagnitude),
            _ => None,
        }
    }

    /// The mode for an instruction's `rm` field given the current `frm`.
    /// `None` means the instruction is illegal: `rm` is reserved (5, 6), or
    /// `rm` is dynamic and `frm` holds a reserved value (5..=7).
    #[inline]
    pub fn resolve(rm: u8, frm: u8) -> Option<Self> {
        if rm == DYNAMIC {
            Self::from_bits(frm)
        } else {
            Self::from_bits(rm)
        }
    }
}
