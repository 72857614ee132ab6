//! One script on one session: each directive run and judged as passed,
//! failed or skipped (naming the proposal the engine lacks).
//!
//! Instances get session names from here: a module's `$id`, or a fresh
//! name no `$id` can spell for anonymous ones. An instance the engine
//! could not create because it lacks a proposal is remembered as skipped,
//! so assertions on it (and modules importing from it) are skipped for the
//! same reason; one that failed is remembered as failed, so assertions on
//! it fail rather than vanish.

use super::expect;
use super::gate::missing_feature;
use crosscheck_oracles::{Features, WastError, WastOutcome, WastSession, WastVal};
use std::collections::HashMap;
use wast::core::WastRetCore;
use wast::token::Id;
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke, Wat};

/// The verdict on one directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
    /// The engine lacks what the directive needs: the proposal's name.
    Skip(String),
}

/// What became of an instance.
#[derive(Clone, Debug)]
enum State {
    Live,
    Skipped(String),
    Failed(String),
}

pub struct Script<'s> {
    session: Box<dyn WastSession + 's>,
    features: Features,
    instances: HashMap<String, State>,
    current: Option<String>,
    /// Module names registered from instances that are not live.
    dead_registrations: HashMap<String, State>,
    /// `module definition`s: their binary, or why there is none.
    definitions: HashMap<String, Result<Vec<u8>, Outcome>>,
    anonymous: usize,
}

/// The result of an invocation, or the verdict that it could not be made.
type Run = Result<WastOutcome, Outcome>;

impl<'s> Script<'s> {
    pub fn new(session: Box<dyn WastSession + 's>, features: Features) -> Script<'s> {
        Script {
            session,
            features,
            instances: HashMap::new(),
            current: None,
            dead_registrations: HashMap::new(),
            definitions: HashMap::new(),
            anonymous: 0,
        }
    }

    /// Runs one directive; `None` for directives that assert nothing (`register`).
    pub fn directive(&mut self, d: WastDirective<'_>) -> Option<Outcome> {
        Some(match d {
            WastDirective::Module(mut qw) => {
                let id = self.instance_id(qw.name());
                match self.prepare(&mut qw) {
                    Ok(wasm) => self.instantiate(id, &wasm),
                    Err(o) => self.record(id, o),
                }
            }
            WastDirective::ModuleDefinition(mut qw) => {
                let name = qw.name().map(|n| n.name().to_string()).unwrap_or_default();
                let def = self.prepare(&mut qw).and_then(|wasm| match self.session.compile(&wasm) {
                    Ok(()) => Ok(wasm),
                    Err(WastError::Unsupported(m)) => Err(Outcome::Skip(short(&m))),
                    Err(e) => Err(Outcome::Fail(format!("module definition: {e}"))),
                });
                let out = def.as_ref().err().cloned().unwrap_or(Outcome::Pass);
                self.definitions.insert(name, def);
                out
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let id = self.instance_id(instance);
                let def = self.definitions.get(module.map(|m| m.name()).unwrap_or_default()).cloned();
                match def {
                    Some(Ok(wasm)) => self.instantiate(id, &wasm),
                    Some(Err(o)) => self.record(id, o),
                    None => Outcome::Fail("module instance: no such module definition".into()),
                }
            }
            WastDirective::Register { name, module, .. } => return self.register(name, module),
            WastDirective::Invoke(inv) => match self.invoke(&inv) {
                Err(o) => o,
                Ok(WastOutcome::Returned(_)) => Outcome::Pass,
                Ok(other) => Outcome::Fail(format!("invoke {:?}: {other}", inv.name)),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Err(o) => o,
                Ok(WastOutcome::Exhausted(_)) => Outcome::Pass,
                Ok(other) => Outcome::Fail(format!("expected exhaustion `{message}`, got {other}")),
            },
            WastDirective::AssertInvalid { module, message, .. } => self.assert_rejected(module, "invalid", message),
            WastDirective::AssertMalformed { module, message, .. } => {
                self.assert_rejected(module, "malformed", message)
            }
            WastDirective::AssertUnlinkable { module, message, .. } => match self.prepare(&mut QuoteWat::Wat(module)) {
                Err(o) => o,
                Ok(wasm) => {
                    let id = self.fresh_id();
                    match self.session.instantiate(&id, &wasm) {
                        Err(WastError::Unlinkable(_)) => Outcome::Pass,
                        Err(WastError::Unsupported(m)) => Outcome::Skip(short(&m)),
                        Err(e) => Outcome::Fail(format!("expected unlinkable `{message}`, got {e}")),
                        Ok(()) => Outcome::Fail(format!("expected unlinkable `{message}`, instantiated")),
                    }
                }
            },
            WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
                Outcome::Skip("custom-sections".into())
            }
            WastDirective::AssertException { exec, .. } => match self.exec(exec) {
                Err(o) => o,
                Ok(WastOutcome::Exception(_)) => Outcome::Pass,
                Ok(other) => Outcome::Fail(format!("expected an uncaught exception, got {other}")),
            },
            WastDirective::AssertSuspension { .. } => Outcome::Skip("stack-switching".into()),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => Outcome::Skip("threads (script threads)".into()),
        })
    }

    /// The session name of a new instance.
    fn instance_id(&mut self, id: Option<Id<'_>>) -> String {
        match id {
            Some(id) => id.name().to_string(),
            None => self.fresh_id(),
        }
    }

    fn fresh_id(&mut self) -> String {
        self.anonymous += 1;
        // A space: no `$id` is spelled like this.
        format!("anonymous {}", self.anonymous)
    }

    /// Encodes a module and checks the engine has what it needs: the
    /// binary, or the verdict (skip naming a proposal, or failure).
    fn prepare(&mut self, qw: &mut QuoteWat<'_>) -> Result<Vec<u8>, Outcome> {
        if let QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..) = qw {
            return Err(Outcome::Skip("component-model".into()));
        }
        let wasm = qw.encode().map_err(|e| Outcome::Fail(format!("cannot encode module: {e}")))?;
        if let Some(feature) = missing_feature(self.features, &wasm) {
            return Err(Outcome::Skip(feature));
        }
        for module in import_modules(&wasm) {
            match self.dead_registrations.get(&module) {
                Some(State::Skipped(why)) => return Err(Outcome::Skip(why.clone())),
                Some(State::Failed(why)) => {
                    return Err(Outcome::Fail(format!("imports from {module:?}, which failed: {why}")));
                }
                _ => {}
            }
        }
        Ok(wasm)
    }

    fn instantiate(&mut self, id: String, wasm: &[u8]) -> Outcome {
        let outcome = match self.session.instantiate(&id, wasm) {
            Ok(()) => Outcome::Pass,
            Err(WastError::Unsupported(m)) => Outcome::Skip(short(&m)),
            Err(e) => Outcome::Fail(format!("module: {e}")),
        };
        self.record(id, outcome)
    }

    /// Remembers what became of instance `id` (now the current one).
    fn record(&mut self, id: String, outcome: Outcome) -> Outcome {
        let state = match &outcome {
            Outcome::Pass => State::Live,
            Outcome::Skip(why) => State::Skipped(why.clone()),
            Outcome::Fail(why) => State::Failed(why.clone()),
        };
        self.instances.insert(id.clone(), state);
        self.current = Some(id);
        outcome
    }

    /// The session name of a live instance, or the verdict on using it.
    fn live(&self, id: Option<Id<'_>>) -> Result<String, Outcome> {
        let name = match id {
            Some(id) => id.name().to_string(),
            None => self.current.clone().ok_or_else(|| Outcome::Fail("no module instantiated yet".into()))?,
        };
        match self.instances.get(&name) {
            Some(State::Live) => Ok(name),
            Some(State::Skipped(why)) => Err(Outcome::Skip(why.clone())),
            Some(State::Failed(why)) => Err(Outcome::Fail(format!("module unavailable ({why})"))),
            None => Err(Outcome::Fail(format!("no module ${name}"))),
        }
    }

    fn register(&mut self, as_name: &str, id: Option<Id<'_>>) -> Option<Outcome> {
        match self.live(id) {
            Ok(name) => {
                self.dead_registrations.remove(as_name);
                match self.session.register(as_name, &name) {
                    Ok(()) => None,
                    Err(e) => Some(Outcome::Fail(format!("register {as_name:?}: {e}"))),
                }
            }
            Err(Outcome::Skip(why)) => {
                self.dead_registrations.insert(as_name.to_string(), State::Skipped(why));
                None
            }
            Err(Outcome::Fail(why)) => {
                self.dead_registrations.insert(as_name.to_string(), State::Failed(why));
                None
            }
            Err(Outcome::Pass) => None,
        }
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Run {
        let name = self.live(inv.module)?;
        let args = inv
            .args
            .iter()
            .map(expect::arg)
            .collect::<Result<Vec<WastVal>, expect::Unsupported>>()
            .map_err(|f| Outcome::Skip(f.into()))?;
        Ok(self.session.invoke(&name, inv.name, &args))
    }

    /// Runs an `assert_return`/`assert_trap` action: an invocation, a
    /// global read, or (for `assert_trap`) an instantiation.
    fn exec(&mut self, exec: WastExecute<'_>) -> Run {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Get { module, global, .. } => {
                let name = self.live(module)?;
                match self.session.get(&name, global) {
                    Some(v) => Ok(WastOutcome::Returned(vec![v])),
                    None => Err(Outcome::Fail(format!("no exported global {global:?}"))),
                }
            }
            WastExecute::Wat(wat) => {
                let wasm = self.prepare(&mut QuoteWat::Wat(wat))?;
                let id = self.fresh_id();
                Ok(match self.session.instantiate(&id, &wasm) {
                    Ok(()) => WastOutcome::Returned(Vec::new()),
                    Err(WastError::Trapped(k)) => WastOutcome::Trapped(k),
                    Err(WastError::Exhausted(m)) => WastOutcome::Exhausted(m),
                    Err(WastError::Unsupported(m)) => return Err(Outcome::Skip(short(&m))),
                    Err(e) => WastOutcome::Failed(e.to_string()),
                })
            }
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, results: &[wast::WastRet<'_>]) -> Outcome {
        let rets: Vec<&WastRetCore<'_>> = match expect::core_rets(results) {
            Ok(r) => r,
            Err(f) => return Outcome::Skip(f.into()),
        };
        if let Some(f) = rets.iter().find_map(|r| expect::ret_unsupported(r)) {
            return Outcome::Skip(f.into());
        }
        match self.exec(exec) {
            Err(o) => o,
            Ok(WastOutcome::Returned(vals)) if expect::all_match(&vals, &rets) => Outcome::Pass,
            Ok(WastOutcome::Returned(vals)) => {
                let got: Vec<String> = vals.iter().map(|v| v.to_string()).collect();
                Outcome::Fail(format!("expected {}, got ({})", expect::describe(&rets), got.join(", ")))
            }
            Ok(other) => Outcome::Fail(format!("expected {}, got {other}", expect::describe(&rets))),
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Outcome {
        match self.exec(exec) {
            Err(o) => o,
            Ok(WastOutcome::Trapped(k)) if expect::trap_matches(&k, message) => Outcome::Pass,
            Ok(other) => Outcome::Fail(format!("expected trap `{message}`, got {other}")),
        }
    }

    /// `assert_invalid` / `assert_malformed`: the text parser or the engine
    /// must reject the module.
    fn assert_rejected(&mut self, mut module: QuoteWat<'_>, what: &str, message: &str) -> Outcome {
        if let QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..) = module {
            return Outcome::Skip("component-model".into());
        }
        let Ok(wasm) = module.encode() else {
            return Outcome::Pass; // rejected by the text parser or encoder
        };
        match self.session.compile(&wasm) {
            Err(_) => Outcome::Pass,
            Ok(()) => Outcome::Fail(format!("expected {what} `{message}`, module accepted")),
        }
    }
}

/// The module names a binary imports from.
fn import_modules(wasm: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let Ok(wasmparser::Payload::ImportSection(reader)) = payload else { continue };
        for imports in reader.into_iter().flatten() {
            out.push(match imports {
                wasmparser::Imports::Single(_, i) => i.module.to_string(),
                wasmparser::Imports::Compact1 { module, .. } | wasmparser::Imports::Compact2 { module, .. } => {
                    module.to_string()
                }
            });
        }
    }
    out
}

/// An engine's unsupported-feature message, shortened to name it.
fn short(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    match first.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &first[..i]),
        None => first.to_string(),
    }
}
