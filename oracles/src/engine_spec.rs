//! An engine as written on the command line and in reports: its name and,
//! in brackets, the settings of its configuration —
//! `wasmtime[opt=none,regalloc=single-pass,cpu=-avx,-sse4.1,signals=off]`,
//! `wasmi[translation=lazy]`, `v8-liftoff`. Reports print every engine in
//! this form with every setting, so pasting it back gives the same engine.
//!
//! A setting's value may itself hold commas (`cpu=-avx,-sse4.1`): an item
//! without `=` continues the value of the setting before it.

use std::fmt;

/// A configuration setting an engine does not know or cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{engine}: unknown setting {key:?} (known: {known})")]
    UnknownKey { engine: String, key: String, known: String },
    #[error("{engine}: bad value {value:?} for {key} (expected {expected})")]
    BadValue { engine: String, key: String, value: String, expected: String },
    #[error("bad engine {0:?}: {1}")]
    Syntax(String, String),
}

impl ConfigError {
    pub fn bad_value(engine: &str, key: &str, value: &str, expected: &str) -> ConfigError {
        ConfigError::BadValue {
            engine: engine.to_string(),
            key: key.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    pub fn unknown_key(engine: &str, key: &str, known: &[&str]) -> ConfigError {
        let known = if known.is_empty() { "none: this engine has no settings".to_string() } else { known.join(", ") };
        ConfigError::UnknownKey { engine: engine.to_string(), key: key.to_string(), known }
    }
}

/// One `key=value` setting.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

/// An engine name (possibly `ENGINE+FAULT`) with the settings given in
/// brackets, in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EngineSpec {
    pub name: String,
    pub settings: Vec<Setting>,
}

impl EngineSpec {
    /// Parses `NAME`, `NAME[k=v,...]` or `NAME[k=v,...]+FAULT` (the fault
    /// may also come before the brackets).
    pub fn parse(s: &str) -> Result<EngineSpec, ConfigError> {
        let s = s.trim();
        let syntax = |why: &str| ConfigError::Syntax(s.to_string(), why.to_string());
        let Some(open) = s.find('[') else {
            if s.contains(']') {
                return Err(syntax("`]` without `[`"));
            }
            if s.is_empty() {
                return Err(syntax("empty engine name"));
            }
            return Ok(EngineSpec { name: s.to_string(), settings: Vec::new() });
        };
        let close = s.rfind(']').filter(|&c| c > open).ok_or_else(|| syntax("`[` without `]`"))?;
        let (head, body, tail) = (&s[..open], &s[open + 1..close], &s[close + 1..]);
        if !tail.is_empty() && !tail.starts_with('+') {
            return Err(syntax("only `+FAULT` may follow the settings"));
        }
        if head.is_empty() {
            return Err(syntax("empty engine name"));
        }
        if body.contains('[') || body.contains(']') {
            return Err(syntax("nested brackets"));
        }
        let mut settings: Vec<Setting> = Vec::new();
        for item in body.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item.split_once('=') {
                Some((k, v)) => settings.push(Setting { key: k.trim().to_string(), value: v.trim().to_string() }),
                None => match settings.last_mut() {
                    Some(last) => {
                        last.value.push(',');
                        last.value.push_str(item);
                    }
                    None => return Err(syntax(&format!("{item:?} is not key=value"))),
                },
            }
        }
        Ok(EngineSpec { name: format!("{head}{tail}"), settings })
    }

    /// The engine name without a planted fault, and the fault's name.
    pub fn base_and_fault(&self) -> (&str, Option<&str>) {
        match self.name.split_once('+') {
            Some((base, fault)) => (base, Some(fault)),
            None => (&self.name, None),
        }
    }
}

impl fmt::Display for EngineSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.settings.is_empty() {
            let items: Vec<String> = self.settings.iter().map(|s| format!("{}={}", s.key, s.value)).collect();
            write!(f, "[{}]", items.join(","))?;
        }
        Ok(())
    }
}

/// Splits a comma-separated engine list at the commas outside brackets:
/// `reference,wasmtime[opt=none,cpu=-avx,-fma],wasmi` is three engines.
pub fn split_engine_list(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// The bracket form of an engine called `name` whose
/// [`crate::Engine::config`] is `config` (empty: no settings).
pub fn spec_string(name: &str, config: &str) -> String {
    let (base, fault) = match name.split_once('+') {
        Some((b, f)) => (b, Some(f)),
        None => (name, None),
    };
    let mut s = base.to_string();
    if !config.is_empty() {
        s += &format!("[{config}]");
    }
    if let Some(f) = fault {
        s += &format!("+{f}");
    }
    s
}

/// Parses a boolean setting (`on`/`off`, `true`/`false`, `yes`/`no`).
pub fn parse_bool(engine: &str, key: &str, value: &str) -> Result<bool, ConfigError> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(ConfigError::bad_value(engine, key, value, "on or off")),
    }
}

/// Parses a byte count: decimal, `0x` hex, or with a `K`/`M`/`G` suffix
/// (powers of 1024).
pub fn parse_bytes(engine: &str, key: &str, value: &str) -> Result<u64, ConfigError> {
    let bad = || ConfigError::bad_value(engine, key, value, "a byte count, e.g. 65536, 0x10000, 64K, 4G");
    let (digits, scale) = match value.char_indices().last() {
        Some((i, 'K' | 'k')) => (&value[..i], 1u64 << 10),
        Some((i, 'M' | 'm')) => (&value[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&value[..i], 1 << 30),
        _ => (value, 1),
    };
    let n = match digits.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16),
        None => digits.parse::<u64>(),
    }
    .map_err(|_| bad())?;
    n.checked_mul(scale).ok_or_else(bad)
}

/// Prints a byte count the way [`parse_bytes`] reads it, shortest exact.
pub fn format_bytes(n: u64) -> String {
    for (suffix, scale) in [("G", 1u64 << 30), ("M", 1 << 20), ("K", 1 << 10)] {
        if n != 0 && n.is_multiple_of(scale) {
            return format!("{}{suffix}", n / scale);
        }
    }
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_settings_and_faults() {
        let s = EngineSpec::parse("wasmtime[opt=none,cpu=-avx,-sse4.1,signals=off]+i32-result-bit").unwrap();
        assert_eq!(s.name, "wasmtime+i32-result-bit");
        assert_eq!(s.base_and_fault(), ("wasmtime", Some("i32-result-bit")));
        let kv: Vec<_> = s.settings.iter().map(|s| (s.key.as_str(), s.value.as_str())).collect();
        assert_eq!(kv, [("opt", "none"), ("cpu", "-avx,-sse4.1"), ("signals", "off")]);
        assert_eq!(EngineSpec::parse("wasmtime+crash[opt=none]").unwrap().name, "wasmtime+crash");
        assert_eq!(EngineSpec::parse("v8-liftoff").unwrap().settings, vec![]);
        assert!(EngineSpec::parse("wasmtime[opt=none").is_err());
        assert!(EngineSpec::parse("wasmtime[-avx]").is_err());
        assert!(EngineSpec::parse("wasmtime[opt=none]x").is_err());
    }

    #[test]
    fn splits_lists_outside_brackets() {
        assert_eq!(
            split_engine_list("reference,wasmtime[opt=none,cpu=-avx,-fma],wasmi"),
            ["reference", "wasmtime[opt=none,cpu=-avx,-fma]", "wasmi"]
        );
    }

    #[test]
    fn byte_counts_round_trip() {
        for n in [0, 1, 65536, 1 << 20, 4 << 30, 3 << 29, 12345] {
            assert_eq!(parse_bytes("e", "k", &format_bytes(n)).unwrap(), n);
        }
        assert!(parse_bytes("e", "k", "4X").is_err());
        assert_eq!(spec_string("wasmtime+crash", "opt=none"), "wasmtime[opt=none]+crash");
    }
}
