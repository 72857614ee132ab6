//! The float rules of undetermined masks: which NaN a float arithmetic
//! operator may return (rule 1: canonical NaN of open sign, or arithmetic
//! NaN of open sign and payload), when an input with open bits is "surely a
//! NaN" (rule 4), and the resulting (value, mask) pairs. Values and masks
//! are `u64` bit patterns of a 32- or 64-bit float format.

/// Bit layout of one float format.
#[derive(Debug, Clone, Copy)]
pub struct Fmt {
    pub sign: u64,
    pub exp: u64,
    pub quiet: u64,
    /// All bits of the format.
    pub all: u64,
}

/// `f32` layout.
pub const F32: Fmt = Fmt { sign: 1 << 31, exp: 0x7f80_0000, quiet: 1 << 22, all: 0xffff_ffff };
/// `f64` layout.
pub const F64: Fmt = Fmt { sign: 1 << 63, exp: 0x7ff0_0000_0000_0000, quiet: 1 << 51, all: u64::MAX };

impl Fmt {
    /// Whether the (fully known) bits are a NaN.
    #[inline]
    pub fn is_nan(self, v: u64) -> bool {
        v & self.exp == self.exp && v & self.all & !(self.sign | self.exp) != 0
    }

    /// Whether every value allowed by `(v, m)` is a NaN: exponent all ones
    /// and the quiet bit 1, all of them determined.
    #[inline]
    pub fn surely_nan(self, v: u64, m: u64) -> bool {
        let eq = self.exp | self.quiet;
        v & eq == eq && m & eq == 0
    }

    /// Whether every value allowed by `(v, m)` is a canonical NaN (only the
    /// sign may be open).
    #[inline]
    pub fn surely_canonical(self, v: u64, m: u64) -> bool {
        m & self.all & !self.sign == 0 && v & self.all & !self.sign == self.exp | self.quiet
    }

    /// Mask of an arithmetic NaN: everything but the exponent and quiet bit.
    #[inline]
    pub fn arithmetic_mask(self) -> u64 {
        self.all & !(self.exp | self.quiet)
    }
}

/// (value, mask) of a float arithmetic operator (`fadd`, `fsqrt`,
/// `fceil`, `demote`, ...) with operands `ins` of format `fi`, whose
/// computed result is `r` in format `fo` (rules 1 and 4).
pub fn arith(fi: Fmt, ins: &[(u64, u64)], fo: Fmt, r: u64) -> (u64, u64) {
    let open = ins.iter().any(|&(_, m)| m & fi.all != 0);
    if open && !ins.iter().all(|&(v, m)| m & fi.all == 0 || fi.surely_nan(v, m)) {
        return (r, fo.all);
    }
    // Here every operand is known, or surely a NaN (then so is the result).
    if !open && !fo.is_nan(r) {
        return (r, 0);
    }
    let canonical = ins.iter().all(|&(v, m)| !fi.is_nan(v) || fi.surely_canonical(v, m));
    if canonical { ((r & fo.sign) | fo.exp | fo.quiet, fo.sign) } else { (r | fo.exp | fo.quiet, fo.arithmetic_mask()) }
}

/// Mask of a float comparison result (rule 4): determined when the inputs
/// are known or one of them is surely a NaN; otherwise `full`.
pub fn compare(f: Fmt, ins: &[(u64, u64)], full: u64) -> u64 {
    let open = ins.iter().any(|&(_, m)| m & f.all != 0);
    if !open || ins.iter().any(|&(v, m)| f.surely_nan(v, m)) { 0 } else { full }
}

/// Outcome of a float-to-integer conversion of an operand with open bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncOpen {
    /// The operand is known: compute as usual.
    Known,
    /// The operand is surely a NaN: `trunc` traps, `trunc_sat` gives 0.
    Nan,
    /// Anything may happen.
    Open,
}

/// Classifies a float operand for the truncation operators.
pub fn trunc_input(f: Fmt, v: u64, m: u64) -> TruncOpen {
    if m & f.all == 0 {
        TruncOpen::Known
    } else if f.surely_nan(v, m) {
        TruncOpen::Nan
    } else {
        TruncOpen::Open
    }
}
