//! The judge with the reference interpreter's masks, end to end on real
//! engines: a fault inside the bits the spec leaves open is not reported;
//! the same fault where the spec fixes the bits is.
#![cfg(all(feature = "wasmtime", feature = "reference"))]

use crosscheck::case::{Case, Determinism};
use crosscheck::engines::EngineSet;
use crosscheck::judge::Verdict;
use crosscheck::module_info::ModuleInfo;
use crosscheck::selftest::{Fault, Faulty};
use crosscheck::target::check_case;
use crosscheck_oracles::reference::ReferenceEngine;
use crosscheck_oracles::wasmtime::{Strategy, WasmtimeConfig, WasmtimeEngine};
use crosscheck_oracles::*;
use std::time::Duration;

const MODULE: &str = r#"(module
  (func (export "add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
  (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "abs") (param f64) (result f64) (f64.abs (local.get 0)))
  (func (export "copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
  (func (export "f64.add") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1))))"#;

const SIGNALLING: u32 = 0x7f80_0001;
const CANONICAL: u32 = 0x7fc0_0000;
const ONE: u32 = 0x3f80_0000;

/// Judges one call of MODULE: the reference (masked) against Wasmtime with `fault`.
fn judge(fault: Option<Fault>, export: &str, args: Vec<Val>) -> Verdict {
    let wasm = wat::parse_str(MODULE).unwrap();
    let info = ModuleInfo::of(&wasm).unwrap();
    let plan = Plan { wasm, calls: vec![Call { export: export.into(), args }], observe: info.observe.clone() };
    let case = Case { plan, info, features: Features::WASM2, determinism: Determinism::JUDGED };
    let wasmtime: Box<dyn Engine> =
        Box::new(WasmtimeEngine::with_config(WasmtimeConfig::default_for(Strategy::Cranelift)));
    let other = match fault {
        Some(f) => Box::new(Faulty::new(wasmtime, f)) as Box<dyn Engine>,
        None => wasmtime,
    };
    let mut engines = EngineSet::from_engines(vec![Box::new(ReferenceEngine::new()), other]);
    check_case("test".into(), case, &mut engines, Duration::ZERO).verdict
}

fn diverges(v: &Verdict) -> bool {
    matches!(v, Verdict::Diverge(_))
}

#[test]
fn correct_engines_agree_on_nan_producing_arithmetic() {
    for (a, b) in [(SIGNALLING, ONE), (CANONICAL, ONE), (0xffc0_0123, 0x7fa0_0000), (ONE, ONE)] {
        let v = judge(None, "add", vec![Val::F32(a), Val::F32(b)]);
        assert_eq!(v, Verdict::Agree, "f32.add({a:#x}, {b:#x})");
    }
}

#[test]
fn a_different_payload_where_any_arithmetic_nan_is_allowed_is_not_reported() {
    // A signalling NaN input: the result is any arithmetic NaN.
    let v = judge(Some(Fault::F32NanPayload), "add", vec![Val::F32(SIGNALLING), Val::F32(ONE)]);
    assert_eq!(v, Verdict::Agree);
}

#[test]
fn a_non_canonical_nan_where_the_spec_requires_canonical_is_reported() {
    // Every NaN input canonical: the result must be canonical (any sign).
    let v = judge(Some(Fault::F32NanPayload), "add", vec![Val::F32(CANONICAL), Val::F32(ONE)]);
    assert!(diverges(&v), "{v:?}");
}

#[test]
fn nan_bits_of_sign_operations_are_exact() {
    // f32.neg of a NaN is bit-exact: a changed payload is a divergence.
    let v = judge(Some(Fault::F32NanPayload), "neg", vec![Val::F32(SIGNALLING)]);
    assert!(diverges(&v), "{v:?}");
    let v = judge(Some(Fault::F32NanPayload), "copysign", vec![Val::F32(SIGNALLING), Val::F32(0x8000_0000)]);
    assert!(diverges(&v), "{v:?}");
    assert_eq!(judge(None, "neg", vec![Val::F32(SIGNALLING)]), Verdict::Agree);
}

#[test]
fn the_sign_of_zero_is_determined() {
    let v = judge(Some(Fault::F64ZeroSign), "abs", vec![Val::F64(1 << 63)]);
    assert!(diverges(&v), "{v:?}");
    let v = judge(Some(Fault::F64ZeroSign), "f64.add", vec![Val::F64(0), Val::F64(0)]);
    assert!(diverges(&v), "{v:?}");
}
