//! `crosscheck run FILE`: one module from disk (binary or text), every
//! export called, on every engine, judged like a fuzz Case.

use crate::case::{Case, Determinism};
use crate::engines::EngineSet;
use crate::module_info::ModuleInfo;
use crate::target::{Checked, check_case};
use crosscheck_oracles::{Call, Features, Plan, Val, ValType};
use std::path::Path;
use std::time::Duration;

/// Input the user gave that crosscheck cannot use (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Reads a `.wasm` or `.wat` file into binary.
pub fn read_module(path: &Path) -> Result<Vec<u8>, BadInput> {
    let bytes = std::fs::read(path).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    if bytes.is_empty() {
        return Err(BadInput(format!("{}: empty file", path.display())));
    }
    let is_binary = bytes.starts_with(b"\0asm");
    let wasm = if is_binary {
        bytes
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            BadInput(format!("{}: neither a wasm binary (no \\0asm magic) nor UTF-8 text", path.display()))
        })?;
        wat::parse_str(text).map_err(|e| BadInput(format!("{}: {}", path.display(), one_line(&e.to_string()))))?
    };
    Features::ALL
        .validate(&wasm)
        .map_err(|e| BadInput(format!("{}: invalid module: {}", path.display(), one_line(&e.to_string()))))?;
    Ok(wasm)
}

/// A parser's message on one line, at most [`MESSAGE_MAX_CHARS`]: the text
/// parser quotes the offending source line, which in a file that is not
/// text can be the whole file.
pub(crate) fn one_line(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(MESSAGE_MAX_CHARS) {
        Some((cut, _)) => format!("{} … ({} more bytes)", &line[..cut], line.len() - cut),
        None => line,
    }
}

/// Longest parser message [`read_module`] passes on.
const MESSAGE_MAX_CHARS: usize = 300;

/// Parses one argument: `i32:-1`, `i64:0x10`, `f32:1.5`, `f32:0x7fc00000`
/// (hex = raw bits), `f64:-0`, `f64:nan`, `v128:0x<hex>`, `funcref:null`.
pub fn parse_val(s: &str) -> Result<Val, BadInput> {
    let bad = || BadInput(format!("bad argument {s:?}: expected TYPE:VALUE, e.g. i32:-1, f32:0x7fc00000, v128:0x0102"));
    let (ty, v) = s.split_once(':').ok_or_else(bad)?;
    let hex = v.strip_prefix("0x").map(|h| u128::from_str_radix(&h.replace('_', ""), 16));
    Ok(match ty {
        "i32" => Val::I32(match hex {
            Some(h) => h.ok().and_then(|h| u32::try_from(h).ok()).ok_or_else(bad)?,
            None => v.parse::<i32>().map(|x| x as u32).or_else(|_| v.parse::<u32>()).map_err(|_| bad())?,
        }),
        "i64" => Val::I64(match hex {
            Some(h) => h.ok().and_then(|h| u64::try_from(h).ok()).ok_or_else(bad)?,
            None => v.parse::<i64>().map(|x| x as u64).or_else(|_| v.parse::<u64>()).map_err(|_| bad())?,
        }),
        "f32" => Val::F32(match hex {
            Some(h) => h.ok().and_then(|h| u32::try_from(h).ok()).ok_or_else(bad)?,
            None => v.parse::<f32>().map_err(|_| bad())?.to_bits(),
        }),
        "f64" => Val::F64(match hex {
            Some(h) => h.ok().and_then(|h| u64::try_from(h).ok()).ok_or_else(bad)?,
            None => v.parse::<f64>().map_err(|_| bad())?.to_bits(),
        }),
        "v128" => Val::V128(hex.and_then(|h| h.ok()).ok_or_else(bad)?),
        "funcref" if v == "null" => Val::FuncRef { null: true },
        "externref" if v == "null" => Val::ExternRef { null: true },
        _ => return Err(bad()),
    })
}

/// Parses `EXPORT=VAL,VAL,...` (an empty list after `=` means no arguments).
pub fn parse_invocation(s: &str) -> Result<Call, BadInput> {
    let (export, args) =
        s.split_once('=').ok_or_else(|| BadInput(format!("bad --args {s:?}: expected EXPORT=TYPE:VALUE,...")))?;
    let args = if args.is_empty() { Vec::new() } else { args.split(',').map(parse_val).collect::<Result<_, _>>()? };
    Ok(Call { export: export.to_string(), args })
}

/// The calls of `crosscheck run`: each exported function in export order,
/// with the user's arguments where given (once per `--args`), else zeros.
pub fn plan_run_calls(info: &ModuleInfo, given: &[Call]) -> Result<Vec<Call>, BadInput> {
    for g in given {
        let f = info
            .funcs
            .iter()
            .find(|f| f.name == g.export)
            .ok_or_else(|| BadInput(format!("--args names {:?}, which is not an exported function", g.export)))?;
        let types: Vec<ValType> = g.args.iter().map(|a| a.ty()).collect();
        if types != f.params {
            let want: Vec<String> = f.params.iter().map(|t| t.to_string()).collect();
            return Err(BadInput(format!("--args for {:?}: the export takes ({})", g.export, want.join(", "))));
        }
    }
    let mut calls = Vec::new();
    for f in &info.funcs {
        let mine: Vec<&Call> = given.iter().filter(|g| g.export == f.name).collect();
        if mine.is_empty() {
            calls.push(Call { export: f.name.clone(), args: f.params.iter().map(|t| Val::default_of(*t)).collect() });
        } else {
            calls.extend(mine.into_iter().cloned());
        }
    }
    Ok(calls)
}

/// Runs a module file on the named engines. Engines whose proposals do not
/// cover the module are left out, with the reason in `skipped`.
pub fn run_file(path: &Path, engine_names: &[String], given: &[Call]) -> Result<(Checked, Vec<String>), BadInput> {
    let wasm = read_module(path)?;
    // GC references and exceptions are observed through probe wrappers,
    // as in every Case (see `crate::probes`).
    let wasm = crate::probes::with_probes(wasm).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    let info = ModuleInfo::of(&wasm).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    if info.has_imports {
        return Err(BadInput(format!(
            "{}: the module has imports; crosscheck run needs a standalone module",
            path.display()
        )));
    }
    let calls = plan_run_calls(&info, given)?;
    let mut usable = Vec::new();
    let mut skipped = Vec::new();
    for name in engine_names {
        let engine = crate::engines::create_default(name).map_err(|e| BadInput(e.to_string()))?;
        match engine.features().validate(&wasm) {
            Ok(()) => usable.push(engine),
            Err(e) => skipped.push(format!("{name}: module needs a proposal it lacks ({})", one_line(&e.to_string()))),
        }
    }
    if usable.is_empty() {
        return Err(BadInput(format!("{}: no selected engine supports this module", path.display())));
    }
    let features = usable.iter().fold(Features::ALL, |f, e| f.intersect(e.features()));
    let mut engines = EngineSet::from_engines(usable);
    let plan = Plan { wasm, calls, observe: info.observe.clone() };
    let det = Determinism { canonicalize_nans: false, relaxed_simd: features.relaxed_simd };
    let case = Case { plan, info, features, determinism: det };
    Ok((check_case(path.display().to_string(), case, &mut engines, Duration::ZERO), skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_exactly() {
        assert_eq!(parse_val("i32:-1").unwrap(), Val::I32(u32::MAX));
        assert_eq!(parse_val("f32:0x7fc00001").unwrap(), Val::F32(0x7fc0_0001));
        assert_eq!(parse_val("f64:-0").unwrap(), Val::F64(1 << 63));
        assert_eq!(parse_val("v128:0x01").unwrap(), Val::V128(1));
        assert!(parse_val("i32:0x100000000").is_err());
        assert!(parse_val("x").is_err());
        let c = parse_invocation("f=i64:5,funcref:null").unwrap();
        assert_eq!(c.args, vec![Val::I64(5), Val::FuncRef { null: true }]);
    }
}
