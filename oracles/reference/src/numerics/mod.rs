//! Scalar numeric operators of the spec (§4.3 "Numerics"), one module per
//! kind: integer operators (`int`), float operators (`float`) and the
//! conversions between them (`conv`), plus wide arithmetic (`wide`).

pub mod conv;
pub mod float;
pub mod int;
pub mod wide;
