//! The process's cache of Cranelift-compiled functions (`FunctionCache`):
//! a second compile of a module under the same configuration compiles
//! nothing and gives the same code as the first; another configuration
//! compiles afresh. (A test binary of its own: nothing else in this
//! process compiles, so the cache's counters are this test's.)

use crosscheck_oracles::wasmtime::{FunctionCache, OptLevel, Strategy, WasmtimeConfig, WasmtimeEngine};

/// Three functions with distinct bodies (each its own cache entry).
const MODULE: &str = r#"(module
  (memory 1)
  (func (export "a") (param i32) (result i32)
    local.get 0 i32.const 0x1234567 i32.mul i32.const 17 i32.rotl)
  (func (export "b") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.add i64.const 3 i64.shr_u)
  (func (export "c") (param i32) (result v128)
    local.get 0 v128.load offset=7 v128.const i32x4 1 2 3 4 i32x4.mul))"#;

fn compile(config: &WasmtimeConfig, wasm: &[u8]) -> (wasmtime::Module, u64, u64) {
    let engine = wasmtime::Engine::new(
        &config.to_wasmtime(WasmtimeEngine::supported_features(config.strategy)).expect("config"),
    )
    .expect("engine");
    let (hits, misses) = FunctionCache::shared().hits_and_misses();
    let module = wasmtime::Module::new(&engine, wasm).expect("compiles");
    let (h, m) = FunctionCache::shared().hits_and_misses();
    (module, h - hits, m - misses)
}

#[test]
fn a_second_compile_comes_from_the_cache_and_is_the_same_code() {
    let wasm = wat::parse_str(MODULE).expect("test module parses");
    for strategy in [Strategy::Cranelift, Strategy::Pulley] {
        let config = WasmtimeConfig { opt_level: OptLevel::Speed, ..WasmtimeConfig::default_for(strategy) };

        // A fresh engine each time: the cache is the process's, not the engine's.
        let (first, hits, misses) = compile(&config, &wasm);
        assert!(misses >= 3, "{strategy:?}: the first compile compiles each function ({misses} compiled)");
        assert_eq!(hits, 0, "{strategy:?}: nothing of this module was compiled before");

        let (second, hits, misses) = compile(&config, &wasm);
        assert_eq!(misses, 0, "{strategy:?}: the second compile compiled {misses} functions");
        assert!(hits >= 3, "{strategy:?}: the second compile took {hits} functions from the cache");
        assert_eq!(
            first.serialize().expect("serializes"),
            second.serialize().expect("serializes"),
            "{strategy:?}: the cached code differs from the compiled code"
        );

        // Another configuration (opt level) shares no entry with this one.
        let other = WasmtimeConfig { opt_level: OptLevel::None, ..config.clone() };
        let (_, hits, misses) = compile(&other, &wasm);
        assert_eq!(hits, 0, "{strategy:?}: opt_level none took functions compiled at speed");
        assert!(misses >= 3);
    }

    // Winch compiles on its own.
    let (_, hits, misses) = compile(&WasmtimeConfig::default_for(Strategy::Winch), &wasm);
    assert_eq!((hits, misses), (0, 0), "Winch went through Cranelift's cache");
}
