#!/usr/bin/env bash
# wasmi 2.0.0, debug assertions on (as in OSS-Fuzz builds, `cargo fuzz build
# --debug-assertions`, and any debug build): Module::new with eager
# translation panics on a function with an operator after its final `end`,
# instead of rejecting it. A release build rejects it
# ("operators remaining after end of function").
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/src"
cat >"$dir/Cargo.toml" <<'TOML'
[package]
name = "wasmi-trailing-operator"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
wasmi = "=2.0.0"
[workspace]
TOML
cat >"$dir/src/main.rs" <<'RS'
fn main() {
    // (module (type (func)) (func (type 0)) ) whose body is `end nop end`:
    // one operator (nop) after the end of the function.
    let wasm: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: (func)
        0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x0b, 0x01, 0x0b, // code: no locals, end, nop, end
    ];
    for (name, mode) in [
        ("lazy translation (default)", wasmi::CompilationMode::LazyTranslation),
        ("eager translation", wasmi::CompilationMode::Eager),
    ] {
        let mut config = wasmi::Config::default();
        config.compilation_mode(mode);
        let engine = wasmi::Engine::new(&config);
        match wasmi::Module::new(&engine, wasm) {
            Ok(_) => println!("{name}: valid (wrong: the module is invalid)"),
            Err(e) => println!("{name}: rejected: {e}"),
        }
    }
}
RS
cd "$dir"
echo "debug build (debug assertions on):"
RUST_BACKTRACE=0 cargo run --quiet 2>&1 | grep -v "^note:" || true
echo "release build:"
cargo run --quiet --release 2>&1
