//! Termination for any module: a pass (wasmparser's reader re-encoded with
//! wasm-encoder) that adds a fuel counter — a mutable `i32` global,
//! decremented at every function entry and every loop header, `unreachable`
//! once it is zero — so every engine stops on its own, as wasm-smith's
//! `ensure_termination` does for the modules it generates.
//!
//! The counter is the module's last global and is exported as
//! [`FUEL_EXPORT`], so its final value is observed like any other state
//! (every engine must count the same) and a caller can tell an exhausted
//! run (counter zero) from a module's own `unreachable`.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{BlockType, ConstExpr, GlobalType, Instruction, ValType};
use wasmparser::{Operator, Parser, Payload, TypeRef};

/// The export name of the fuel counter.
pub const FUEL_EXPORT: &str = "crosscheck:fuel";

/// Why a module could not be instrumented.
#[derive(Debug, thiserror::Error)]
pub enum FuelError {
    #[error("unreadable module: {0}")]
    Parse(#[from] wasmparser::BinaryReaderError),
    #[error("re-encoding: {0}")]
    Reencode(String),
    #[error("the module already exports {FUEL_EXPORT:?}")]
    NameTaken,
    #[error("component or unsupported section: {0}")]
    Unsupported(String),
}

impl From<wasm_encoder::reencode::Error> for FuelError {
    fn from(e: wasm_encoder::reencode::Error) -> Self {
        FuelError::Reencode(e.to_string())
    }
}

/// Section ids after which the global section may no longer come.
fn comes_after_globals(id: u8) -> bool {
    // export, start, element, code, data, data count
    matches!(id, 7..=12)
}

/// `wasm` with a fuel counter starting at `fuel`: at most `fuel` function
/// entries and loop iterations in the whole instance's life, then every
/// further one traps with `unreachable`.
pub fn instrument(wasm: &[u8], fuel: u32) -> Result<Vec<u8>, FuelError> {
    let mut imported_globals = 0u32;
    let mut defined_globals = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    imported_globals += u32::from(matches!(import?.ty, TypeRef::Global(_)));
                }
            }
            Payload::GlobalSection(s) => defined_globals += s.count(),
            Payload::ExportSection(s) => {
                for e in s {
                    if e?.name == FUEL_EXPORT {
                        return Err(FuelError::NameTaken);
                    }
                }
            }
            _ => {}
        }
    }
    let fuel_global = imported_globals + defined_globals;
    let fuel_init = i32::try_from(fuel).unwrap_or(i32::MAX);
    let mut re = RoundtripReencoder;
    let mut module = wasm_encoder::Module::new();
    let mut globals_done = false;
    let add_fuel_global = |globals: &mut wasm_encoder::GlobalSection| {
        globals.global(
            GlobalType { val_type: ValType::I32, mutable: true, shared: false },
            &ConstExpr::i32_const(fuel_init),
        );
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let Some((id, range)) = payload.as_section() else {
            if let Payload::Version { encoding: wasmparser::Encoding::Component, .. } = payload {
                return Err(FuelError::Unsupported("a component, not a module".into()));
            }
            continue;
        };
        if !globals_done && comes_after_globals(id) {
            let mut globals = wasm_encoder::GlobalSection::new();
            add_fuel_global(&mut globals);
            module.section(&globals);
            globals_done = true;
        }
        match payload {
            Payload::GlobalSection(s) => {
                let mut globals = wasm_encoder::GlobalSection::new();
                re.parse_global_section(&mut globals, s)?;
                add_fuel_global(&mut globals);
                module.section(&globals);
                globals_done = true;
            }
            Payload::ExportSection(s) => {
                let mut exports = wasm_encoder::ExportSection::new();
                re.parse_export_section(&mut exports, s)?;
                exports.export(FUEL_EXPORT, wasm_encoder::ExportKind::Global, fuel_global);
                module.section(&exports);
            }
            Payload::CodeSectionStart { .. } => {
                // The entries follow one by one; collected below.
                let mut code = wasm_encoder::CodeSection::new();
                let reader = wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(&wasm[range], 0))?;
                for body in reader {
                    code.function(&instrument_body(&mut re, body?, fuel_global)?);
                }
                module.section(&code);
            }
            _ => {
                module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
            }
        }
    }
    if !globals_done {
        let mut globals = wasm_encoder::GlobalSection::new();
        add_fuel_global(&mut globals);
        module.section(&globals);
    }
    let has_exports = Parser::new(0).parse_all(wasm).any(|p| matches!(p, Ok(Payload::ExportSection(_))));
    let mut out = module.finish();
    if !has_exports {
        // No export section to extend: rebuild with one in its place.
        out = with_export_section(&out, fuel_global)?;
    }
    Ok(out)
}

/// `wasm` (which has no export section) with one exporting the fuel counter.
fn with_export_section(wasm: &[u8], fuel_global: u32) -> Result<Vec<u8>, FuelError> {
    let mut module = wasm_encoder::Module::new();
    let mut done = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let Some((id, range)) = payload.as_section() else { continue };
        // The export section comes right after the globals (id 6).
        if !done && id != 0 && id > 6 {
            let mut exports = wasm_encoder::ExportSection::new();
            exports.export(FUEL_EXPORT, wasm_encoder::ExportKind::Global, fuel_global);
            module.section(&exports);
            done = true;
        }
        module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
    }
    if !done {
        let mut exports = wasm_encoder::ExportSection::new();
        exports.export(FUEL_EXPORT, wasm_encoder::ExportKind::Global, fuel_global);
        module.section(&exports);
    }
    Ok(module.finish())
}

/// The check-and-decrement sequence, stack-neutral.
fn burn(f: &mut wasm_encoder::Function, fuel_global: u32) {
    f.instruction(&Instruction::GlobalGet(fuel_global));
    f.instruction(&Instruction::I32Eqz);
    f.instruction(&Instruction::If(BlockType::Empty));
    f.instruction(&Instruction::Unreachable);
    f.instruction(&Instruction::End);
    f.instruction(&Instruction::GlobalGet(fuel_global));
    f.instruction(&Instruction::I32Const(1));
    f.instruction(&Instruction::I32Sub);
    f.instruction(&Instruction::GlobalSet(fuel_global));
}

fn instrument_body(
    re: &mut RoundtripReencoder,
    body: wasmparser::FunctionBody<'_>,
    fuel_global: u32,
) -> Result<wasm_encoder::Function, FuelError> {
    let mut f = re.new_function_with_parsed_locals(&body)?;
    burn(&mut f, fuel_global);
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        let is_loop = matches!(op, Operator::Loop { .. });
        f.instruction(&re.instruction(op)?);
        if is_loop {
            burn(&mut f, fuel_global);
        }
    }
    Ok(f)
}
