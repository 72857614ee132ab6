//! 128-bit SIMD operators (§4.3.5 "Vector operations"), one module per
//! group: lane access helpers (`lanes`), lanewise integer operators by shape
//! (`int`), lanewise float operators and conversions (`float`), operators
//! that change lane width (`widen`), whole-vector bit operators and lane
//! shuffling (`bitwise`), and the relaxed-SIMD operators (`relaxed`).
//!
//! Vectors are `u128` values; lane 0 is the least significant.

pub mod bitwise;
pub mod float;
pub mod int;
pub mod lanes;
pub mod relaxed;
pub mod widen;
