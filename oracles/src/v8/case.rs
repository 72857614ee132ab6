//! A Case on V8: its whole [`Plan`] as one batch — fresh store,
//! instantiation, every call, the state dump — so one round trip per Case;
//! and the per-call [`Instance`] that planted faults and other callers of
//! [`crate::Engine::instantiate`] use (one round trip per method).

use super::adapter::{CASE, V8Engine};
use super::protocol::{Command, Reply};
use super::signatures::export_types;
use super::wrapper;
use crate::engine::Instance;
use crate::observation::{InstantiateError, MemoryState, Observation, Plan, State, TableState};
use crate::value::{CallOutcome, Val, ValType};
use crate::wast_session::WastVal;
use std::time::Duration;

impl V8Engine {
    /// The observation of `plan`, in one round trip.
    pub(super) fn run_plan(&mut self, plan: &Plan) -> Observation {
        let exports = match export_types(&plan.wasm) {
            Ok(e) => e,
            Err(e) => return Observation::failed(InstantiateError::Rejected(e.to_string())),
        };
        self.instances.insert(CASE.to_string(), exports);
        self.remember_types(CASE, &plan.wasm);
        let mut commands = vec![
            Command::Reset { shared_memory: false, table64: false },
            Command::Instantiate { name: CASE.to_string(), wasm: plan.wasm.clone() },
        ];
        // Calls up to the first one no wrapper can make (that one fails and
        // ends the run).
        let mut call_results = Vec::new();
        let mut unmakeable = None;
        for call in &plan.calls {
            let args: Vec<WastVal> = call.args.iter().map(|a| WastVal::from(*a)).collect();
            match self.call_command(CASE, &call.export, &args) {
                Ok((command, results)) => {
                    commands.push(command);
                    call_results.push(results);
                }
                Err(why) => {
                    unmakeable = Some(why);
                    break;
                }
            }
        }
        let observe_state = unmakeable.is_none();
        let globals = if observe_state { self.globals_command(CASE, &plan.observe.globals) } else { None };
        if observe_state {
            if let Some((c, _)) = &globals {
                commands.push(c.clone());
            }
            for m in &plan.observe.memories {
                commands.push(Command::Memory { name: CASE.to_string(), export: m.clone() });
            }
            for t in &plan.observe.tables {
                commands.push(Command::Table { name: CASE.to_string(), export: t.clone() });
            }
        }
        let replies = match self.batch(commands, true) {
            Ok(r) => r,
            Err(why) => return Observation::failed(InstantiateError::Failed(why)),
        };
        let mut replies = replies.into_iter().skip(1);
        match replies.next() {
            Some(Reply::Instantiated { compile_nanos }) => self.timings.compile += Duration::from_nanos(compile_nanos),
            Some(other) => return Observation::failed(Self::instantiate_error(&other)),
            None => return Observation::failed(InstantiateError::Failed("no reply".into())),
        }
        let mut calls = Vec::with_capacity(plan.calls.len());
        let mut stopped = false;
        for results in &call_results {
            let reply = replies.next().unwrap_or(Reply::Skipped);
            if let Reply::Returned { run_nanos, .. } = &reply {
                self.timings.run += Duration::from_nanos(*run_nanos);
            }
            let outcome = match Self::call_reply(&reply, results) {
                Ok(vals) => CallOutcome::Returned(vals.into_iter().map(WastVal::to_val).collect()),
                Err(outcome) => outcome,
            };
            stopped = outcome.ends_run();
            calls.push(outcome);
            if stopped {
                break;
            }
        }
        if let Some(why) = unmakeable
            && !stopped
        {
            calls.push(CallOutcome::Failed(why));
            stopped = true;
        }
        if stopped {
            return Observation::new(Ok(()), calls, State::default(), None);
        }
        let mut state = State {
            globals: vec![None; plan.observe.globals.len()],
            memories: Vec::with_capacity(plan.observe.memories.len()),
            tables: Vec::with_capacity(plan.observe.tables.len()),
        };
        if let Some((_, picked)) = globals {
            let types: Vec<ValType> = picked.iter().map(|(_, t)| *t).collect();
            if let Some(Reply::Bytes(bytes)) = replies.next()
                && let Some(vals) = wrapper::decode_slots(&types, &bytes)
            {
                for ((i, _), v) in picked.iter().zip(vals) {
                    state.globals[*i] = Some(v.to_val());
                }
            }
        }
        for _ in &plan.observe.memories {
            state.memories.push(match replies.next() {
                Some(Reply::Bytes(b)) => Some(MemoryState::new(b)),
                _ => None,
            });
        }
        for _ in &plan.observe.tables {
            state.tables.push(match replies.next() {
                Some(Reply::Table { size, null }) => Some(TableState { size, null }),
                _ => None,
            });
        }
        Observation::new(Ok(()), calls, state, None)
    }
}

/// The Case instance in the worker, one round trip per method.
pub(super) struct V8Instance<'a> {
    pub(super) engine: &'a mut V8Engine,
}

impl Instance for V8Instance<'_> {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        let args: Vec<WastVal> = args.iter().map(|a| WastVal::from(*a)).collect();
        let (command, results) = match self.engine.call_command(CASE, export, &args) {
            Ok(c) => c,
            Err(why) => return CallOutcome::Failed(why),
        };
        match self.engine.batch(vec![command], false) {
            Ok(replies) => match replies.first().map(|r| V8Engine::call_reply(r, &results)) {
                Some(Ok(vals)) => CallOutcome::Returned(vals.into_iter().map(WastVal::to_val).collect()),
                Some(Err(outcome)) => outcome,
                None => CallOutcome::Failed("no reply".into()),
            },
            Err(why) => CallOutcome::Failed(why),
        }
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let (command, picked) = self.engine.globals_command(CASE, &[name.to_string()])?;
        let replies = self.engine.batch(vec![command], false).ok()?;
        let Some(Reply::Bytes(bytes)) = replies.first() else {
            return None;
        };
        let types: Vec<ValType> = picked.iter().map(|(_, t)| *t).collect();
        wrapper::decode_slots(&types, bytes)?.first().map(|v| v.to_val())
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let replies =
            self.engine.batch(vec![Command::Memory { name: CASE.into(), export: name.into() }], false).ok()?;
        match replies.into_iter().next() {
            Some(Reply::Bytes(b)) => Some(b),
            _ => None,
        }
    }

    fn table(&mut self, name: &str) -> Option<TableState> {
        let replies = self.engine.batch(vec![Command::Table { name: CASE.into(), export: name.into() }], false).ok()?;
        match replies.into_iter().next() {
            Some(Reply::Table { size, null }) => Some(TableState { size, null }),
            _ => None,
        }
    }
}
