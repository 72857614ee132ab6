//! Probe exports: how a Case whose module passes GC references, typed
//! function references or exceptions across its exports is observed.
//!
//! No engine lets a host compare two engines' structs or exceptions, and
//! crosscheck's values are numbers and null bits. So before a Case runs, the
//! harness adds to its module a *wrapper* for each export that takes or
//! returns such a reference (and, when the module throws exceptions, for
//! every exported function; and for an export whose type sits in a
//! recursion group with others, or has a supertype, which no other module
//! can name — V8's call wrappers need to), and exports the wrapper under
//! the original name. A wrapper
//!
//! - takes the export's numeric parameters, passes `ref.null` for its
//!   nullable reference parameters (an export with a non-nullable one is
//!   left alone, and uncalled);
//! - calls the export inside a `try_table` that catches every tag the
//!   module throws (a tag no `throw` names cannot reach it), so an
//!   exception that would escape to the host becomes an outcome of its
//!   own: which tag, and its payload;
//! - returns numbers only: each numeric result as it is, and each reference
//!   result (or payload) as its *probe* ([`emit`]): null or not, a `ref.test`
//!   bit per abstract and defined type (its dynamic type), the `i31` value,
//!   the array length, and the first fields and elements of each defined
//!   struct and array type, bit-exact (packed ones read both zero- and
//!   sign-extended), so the reference's masks judge floats in fields as
//!   they judge any result.
//!
//! A probe depends only on the reference's type hierarchy (any, extern,
//! func, exn), so each hierarchy's probe is one added function, called by
//! every wrapper: inlined, a module with tags and many exports repeated
//! each tag's payload probes in every wrapper, and Cranelift spent most of
//! such a Case compiling them.
//!
//! An exported global of such a type becomes an exported getter function
//! of the same name that returns its probe.
//!
//! Every engine runs the same augmented module, so nothing engine-specific
//! is needed. The slot names are written to a custom section
//! ([`SECTION`]) that the report reads ([`legend`]) to print GC values
//! readably.

mod emit;

use emit::{Slot, TypeTable};
use wasm_encoder::reencode::Reencode;
use wasm_encoder::{BlockType, Catch, Function, Instruction as I, SectionId, ValType as EncType};
use wasmparser::{ExternalKind, Payload};

/// The custom section holding each wrapper's slot names.
pub const SECTION: &str = "crosscheck:probes";

/// A wrapper with more results than this is not added (its export stays as
/// it was).
const MAX_SLOTS: usize = 400;

/// What an export or global needs.
#[derive(Debug)]
enum Wrap {
    /// An exported function: its index and export name.
    Func { func: u32, names: Vec<String> },
    /// An exported global of a probed type.
    Global { global: u32, names: Vec<String> },
}

/// The module as the wrappers need it.
struct Module {
    types: TypeTable,
    /// Type index of each function (the module imports nothing).
    funcs: Vec<u32>,
    /// The tags some `throw` of the module throws: index and type index.
    /// Only these can reach an export (a `throw_ref` rethrows what a
    /// handler caught); a tag nobody throws gets no handler and no slots,
    /// so a module and the same module with a tag added that nobody throws
    /// are observed alike (as crosscheck's own mutations add one).
    tags: Vec<(u32, u32)>,
    globals: Vec<wasmparser::ValType>,
    exports: Vec<(String, ExternalKind, u32)>,
    /// Whether each type is alone in its rec group, final and without a
    /// supertype: a type another module can declare as it is (V8's call
    /// wrappers import the export under such a type).
    standalone: Vec<bool>,
}

/// The probe function of one hierarchy, ready to encode.
struct ProbeFunc {
    hierarchy: emit::Hierarchy,
    /// Its function index.
    func: u32,
    type_index: u32,
    body: Function,
    slots: Vec<Slot>,
}

/// A wrapper ready to encode.
struct Wrapper {
    names: Vec<String>,
    type_index: u32,
    body: Function,
    slots: Vec<String>,
}

/// `wasm` as a Case runs it: with probe wrappers added ([`augment`]),
/// unless it has them already (a saved module keeps the ones it was run
/// with) or needs none.
pub fn with_probes(wasm: Vec<u8>) -> Result<Vec<u8>, String> {
    if !legend(&wasm).is_empty() {
        return Ok(wasm);
    }
    Ok(augment(&wasm)?.unwrap_or(wasm))
}

/// The module with probe wrappers added, or `None` when none is needed
/// (nothing crosses an export that numbers and null bits do not tell
/// fully, or the module imports something). An error is a module the
/// wrappers do not understand (it does not parse, or uses a type they
/// cannot probe, such as continuations).
pub fn augment(wasm: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let Some(module) = Module::read(wasm)? else { return Ok(None) };
    let wraps = module.wraps();
    if wraps.is_empty() {
        return Ok(None);
    }
    let mut new_types: Vec<(Vec<EncType>, Vec<EncType>)> = Vec::new();
    let next_func = module.funcs.len() as u32;
    let mut probes = Vec::new();
    for h in module.hierarchies(&wraps)? {
        probes.push(module.probe_func(h, next_func + probes.len() as u32, &mut new_types)?);
    }
    let mut wrappers = Vec::new();
    for wrap in wraps {
        if let Some(w) = module.wrapper(&wrap, &probes, &mut new_types)? {
            wrappers.push(w);
        }
    }
    if wrappers.is_empty() {
        return Ok(None);
    }
    let mut encoder = Augmenter { new_types, probes, wrappers, next_func, written: [false; 3] };
    let mut out = wasm_encoder::Module::new();
    encoder.parse_core_module(&mut out, wasmparser::Parser::new(0), wasm).map_err(|e| format!("probes: {e}"))?;
    // First line: how many functions at the end were added (probes, wrappers).
    let mut legend = format!("{}\n", encoder.probes.len() + encoder.wrappers.len());
    for w in &encoder.wrappers {
        for n in &w.names {
            legend += &format!("{n}\0{}\n", w.slots.join("\t"));
        }
    }
    out.section(&wasm_encoder::CustomSection { name: SECTION.into(), data: legend.as_bytes().into() });
    Ok(Some(out.finish()))
}

/// The slot names of each wrapped export, from [`SECTION`]: `(export,
/// slot names)`, empty for a module without wrappers.
pub fn legend(wasm: &[u8]) -> Vec<(String, Vec<String>)> {
    section(wasm)
        .map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| {
                    let (name, slots) = line.split_once('\0')?;
                    Some((name.to_string(), slots.split('\t').map(str::to_string).collect()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// How many functions at the end of the module were added (probe
/// functions and wrappers; 0 for a module without them).
pub fn wrapper_count(wasm: &[u8]) -> u32 {
    section(wasm).and_then(|t| t.lines().next()?.parse().ok()).unwrap_or(0)
}

/// The text of [`SECTION`].
fn section(wasm: &[u8]) -> Option<String> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(Payload::CustomSection(c)) if c.name() == SECTION => {
                return Some(String::from_utf8_lossy(c.data()).into_owned());
            }
            Err(_) => return None,
            _ => {}
        }
    }
    None
}

impl Module {
    fn read(wasm: &[u8]) -> Result<Option<Module>, String> {
        let err = |e: wasmparser::BinaryReaderError| format!("probes: {e}");
        let mut types = Vec::new();
        let mut m = Module {
            types: TypeTable::default(),
            funcs: vec![],
            tags: vec![],
            globals: vec![],
            exports: vec![],
            standalone: vec![],
        };
        let (mut tag_types, mut thrown): (Vec<u32>, Vec<u32>) = (vec![], vec![]);
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            match payload.map_err(err)? {
                Payload::TypeSection(r) => {
                    for group in r {
                        let group = group.map_err(err)?;
                        let alone = !group.is_explicit_rec_group() || group.types().len() == 1;
                        for t in group.into_types() {
                            m.standalone.push(alone && t.is_final && t.supertype_idx.is_none());
                            types.push(t);
                        }
                    }
                }
                // (wasm-smith may write an empty import section)
                Payload::ImportSection(r) if r.count() > 0 => return Ok(None),
                Payload::FunctionSection(r) => {
                    for t in r {
                        m.funcs.push(t.map_err(err)?);
                    }
                }
                Payload::TagSection(r) => {
                    for t in r {
                        tag_types.push(t.map_err(err)?.func_type_idx);
                    }
                }
                Payload::CodeSectionEntry(body) if !tag_types.is_empty() => {
                    let mut ops = body.get_operators_reader().map_err(err)?;
                    while !ops.eof() {
                        if let wasmparser::Operator::Throw { tag_index } = ops.read().map_err(err)?
                            && !thrown.contains(&tag_index)
                        {
                            thrown.push(tag_index);
                        }
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        m.globals.push(g.map_err(err)?.ty.content_type);
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e.map_err(err)?;
                        m.exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                _ => {}
            }
        }
        thrown.sort_unstable();
        m.tags = thrown.into_iter().filter_map(|t| Some((t, *tag_types.get(t as usize)?))).collect();
        m.types = TypeTable::new(types);
        Ok(Some(m))
    }

    /// The exports that get a wrapper, one per function or global.
    fn wraps(&self) -> Vec<Wrap> {
        let mut out: Vec<Wrap> = Vec::new();
        for (name, kind, index) in &self.exports {
            let wanted = match kind {
                ExternalKind::Func => {
                    let Some((params, results)) = self.func_sig(*index) else { continue };
                    let standalone = self.funcs.get(*index as usize).is_some_and(|t| self.standalone[*t as usize]);
                    !self.tags.is_empty()
                        || !standalone
                        || params.iter().chain(results).any(|t| !self.types.is_plain(*t))
                }
                ExternalKind::Global => self.globals.get(*index as usize).is_some_and(|t| !self.types.is_plain(*t)),
                _ => false,
            };
            if !wanted {
                continue;
            }
            let same = out.iter_mut().find(|w| match (w, kind) {
                (Wrap::Func { func, .. }, ExternalKind::Func) => func == index,
                (Wrap::Global { global, .. }, ExternalKind::Global) => global == index,
                _ => false,
            });
            match (same, kind) {
                (Some(Wrap::Func { names, .. } | Wrap::Global { names, .. }), _) => names.push(name.clone()),
                (None, ExternalKind::Func) => out.push(Wrap::Func { func: *index, names: vec![name.clone()] }),
                (None, _) => out.push(Wrap::Global { global: *index, names: vec![name.clone()] }),
            }
        }
        out
    }

    /// The hierarchies of the references the wrappers of `wraps` observe
    /// (results, globals, tag payloads), in [`emit::Hierarchy::ALL`]'s order.
    fn hierarchies(&self, wraps: &[Wrap]) -> Result<Vec<emit::Hierarchy>, String> {
        let payloads = self.tags.iter().filter_map(|&(_, t)| self.types.func(t)).flat_map(|(params, _)| params);
        let mut observed: Vec<wasmparser::ValType> = payloads.copied().collect();
        for wrap in wraps {
            match wrap {
                Wrap::Global { global, .. } => observed.push(self.globals[*global as usize]),
                Wrap::Func { func, .. } => observed.extend(self.func_sig(*func).map(|(_, r)| r).unwrap_or_default()),
            }
        }
        let mut used = Vec::new();
        for ty in observed.into_iter().filter(|t| !self.types.is_plain(*t)) {
            used.push(self.types.hierarchy(ty)?);
        }
        Ok(emit::Hierarchy::ALL.into_iter().filter(|h| used.contains(h)).collect())
    }

    /// The probe function of hierarchy `h`, to be function `func`.
    fn probe_func(
        &self,
        h: emit::Hierarchy,
        func: u32,
        new_types: &mut Vec<(Vec<EncType>, Vec<EncType>)>,
    ) -> Result<ProbeFunc, String> {
        let mut code = Vec::new();
        let mut slots = Vec::new();
        let locals = self.types.probe(h, &mut code, &mut slots)?;
        code.push(I::End);
        new_types.push((vec![h.top()], slots.iter().map(|s| s.ty).collect()));
        let type_index = self.types.len() as u32 + new_types.len() as u32 - 1;
        let mut body = Function::new_with_locals_types(locals);
        for i in &code {
            body.instruction(i);
        }
        Ok(ProbeFunc { hierarchy: h, func, type_index, body, slots })
    }

    /// Pushes what a host may see of the value in `local` (of type `ty`):
    /// a number as it is, a reference through its hierarchy's probe; each
    /// slot named `prefix ...`.
    fn observe(
        &self,
        probes: &[ProbeFunc],
        local: u32,
        ty: wasmparser::ValType,
        prefix: &str,
        code: &mut Vec<I<'static>>,
        slots: &mut Vec<Slot>,
    ) -> Result<(), String> {
        code.push(I::LocalGet(local));
        if self.types.is_plain(ty) {
            slots.push(Slot { ty: self.types.enc(ty)?, name: prefix.to_string() });
            return Ok(());
        }
        let h = self.types.hierarchy(ty)?;
        let probe = probes.iter().find(|p| p.hierarchy == h).ok_or("probes: a hierarchy without its probe")?;
        code.push(I::Call(probe.func));
        slots.extend(probe.slots.iter().map(|s| Slot { ty: s.ty, name: format!("{prefix} {}", s.name) }));
        Ok(())
    }

    fn func_sig(&self, func: u32) -> Option<(&[wasmparser::ValType], &[wasmparser::ValType])> {
        self.types.func(*self.funcs.get(func as usize)?)
    }

    /// The wrapper for one export, its new types added to `new_types`;
    /// `None` when it cannot be called from outside or has too many slots.
    fn wrapper(
        &self,
        wrap: &Wrap,
        probes: &[ProbeFunc],
        new_types: &mut Vec<(Vec<EncType>, Vec<EncType>)>,
    ) -> Result<Option<Wrapper>, String> {
        let base = self.types.len() as u32;
        let mut add_type = |params: Vec<EncType>, results: Vec<EncType>| {
            new_types.push((params, results));
            base + new_types.len() as u32 - 1
        };
        let mut locals: Vec<EncType> = Vec::new();
        let mut code: Vec<I<'static>> = Vec::new();
        let mut slots: Vec<Slot> = Vec::new();
        let (names, params) = match wrap {
            Wrap::Global { global, names } => {
                let ty = self.globals[*global as usize];
                code.push(I::GlobalGet(*global));
                let tmp = locals.len() as u32;
                locals.push(self.types.local_type(ty)?);
                code.push(I::LocalSet(tmp));
                self.observe(probes, tmp, ty, "global", &mut code, &mut slots)?;
                (names, Vec::new())
            }
            Wrap::Func { func, names } => {
                let Some((params, results)) = self.func_sig(*func) else { return Ok(None) };
                let mut outer_params = Vec::new();
                let mut args = Vec::new();
                for &p in params {
                    if self.types.is_plain(p) {
                        args.push(I::LocalGet(outer_params.len() as u32));
                        outer_params.push(self.types.enc(p)?);
                    } else if let Some(null) = self.types.null_of(p)? {
                        args.push(null);
                    } else {
                        return Ok(None); // a non-nullable reference parameter
                    }
                }
                let first = outer_params.len() as u32;
                let local = |locals: &mut Vec<EncType>, t: EncType| {
                    locals.push(t);
                    first + locals.len() as u32 - 1
                };
                let result_locals: Vec<u32> = results
                    .iter()
                    .map(|&t| Ok(local(&mut locals, self.types.local_type(t)?)))
                    .collect::<Result<_, String>>()?;
                let tag_local = local(&mut locals, EncType::I32);
                let mut payload_locals: Vec<Vec<(u32, wasmparser::ValType)>> = Vec::new();
                for &(_, tag) in &self.tags {
                    let payload = self.types.func(tag).ok_or("probes: a tag without a function type")?.0;
                    let mut ls = Vec::new();
                    for &t in payload {
                        ls.push((local(&mut locals, self.types.local_type(t)?), t));
                    }
                    payload_locals.push(ls);
                }
                let n = self.tags.len() as u32;
                let result_types: Vec<EncType> =
                    results.iter().map(|&t| self.types.enc(t)).collect::<Result<_, _>>()?;
                let call_type = add_type(vec![], result_types);
                if n > 0 {
                    code.push(I::Block(BlockType::Empty));
                    for ls in payload_locals.iter().rev() {
                        let payload = ls.iter().map(|(_, t)| self.types.enc(*t)).collect::<Result<_, _>>()?;
                        code.push(I::Block(BlockType::FunctionType(add_type(vec![], payload))));
                    }
                    let catches: Vec<Catch> =
                        self.tags.iter().zip(0..n).map(|(&(tag, _), k)| Catch::One { tag, label: k }).collect();
                    code.push(I::TryTable(BlockType::FunctionType(call_type), catches.into()));
                }
                code.extend(args);
                code.push(I::Call(*func));
                if n > 0 {
                    code.push(I::End);
                }
                for &l in result_locals.iter().rev() {
                    code.push(I::LocalSet(l));
                }
                if n > 0 {
                    code.push(I::Br(n));
                    for (k, ls) in payload_locals.iter().enumerate() {
                        code.push(I::End);
                        for (l, _) in ls.iter().rev() {
                            code.push(I::LocalSet(*l));
                        }
                        code.push(I::I32Const(self.tags[k].0 as i32 + 1));
                        code.push(I::LocalSet(tag_local));
                        code.push(I::Br(n - 1 - k as u32));
                    }
                    code.push(I::End);
                }
                for (i, (&l, &t)) in result_locals.iter().zip(results).enumerate() {
                    self.observe(probes, l, t, &format!("result {i}"), &mut code, &mut slots)?;
                }
                if n > 0 {
                    code.push(I::LocalGet(tag_local));
                    slots.push(Slot { ty: EncType::I32, name: "thrown: 0 none, k+1 tag k".into() });
                    for (&(tag, _), ls) in self.tags.iter().zip(&payload_locals) {
                        for (j, (l, t)) in ls.iter().enumerate() {
                            self.observe(probes, *l, *t, &format!("tag {tag} payload {j}"), &mut code, &mut slots)?;
                        }
                    }
                }
                (names, outer_params)
            }
        };
        if slots.len() > MAX_SLOTS {
            return Ok(None);
        }
        code.push(I::End);
        let results: Vec<EncType> = slots.iter().map(|s| s.ty).collect();
        let type_index = add_type(params, results);
        let mut body = Function::new_with_locals_types(locals);
        for i in &code {
            body.instruction(i);
        }
        Ok(Some(Wrapper { names: names.clone(), type_index, body, slots: slots.into_iter().map(|s| s.name).collect() }))
    }
}

/// Re-encodes the module with the new types, functions and exports
/// (writing the type, function and code sections where the module has none).
struct Augmenter {
    new_types: Vec<(Vec<EncType>, Vec<EncType>)>,
    /// Added first (functions `next_func..`), then the wrappers.
    probes: Vec<ProbeFunc>,
    wrappers: Vec<Wrapper>,
    next_func: u32,
    /// Which of the type, function and code sections are written.
    written: [bool; 3],
}

/// The sections the wrappers add to, in module order.
const ADDED: [SectionId; 3] = [SectionId::Type, SectionId::Function, SectionId::Code];

/// A section's place in the module (the tag and data-count sections sit
/// between the ids' numeric order).
fn place(id: SectionId) -> u32 {
    match id {
        SectionId::Tag => 55,
        SectionId::DataCount => 95,
        id => id as u32 * 10,
    }
}

impl Augmenter {
    /// The wrapper function that now carries export `name`, if any.
    fn wrapper_of(&self, name: &str) -> Option<u32> {
        let i = self.wrappers.iter().position(|w| w.names.iter().any(|n| n == name))?;
        Some(self.next_func + (self.probes.len() + i) as u32)
    }

    fn add_types(&self, types: &mut wasm_encoder::TypeSection) {
        for (params, results) in &self.new_types {
            types.ty().function(params.iter().copied(), results.iter().copied());
        }
    }

    fn add_functions(&self, functions: &mut wasm_encoder::FunctionSection) {
        for t in self.probes.iter().map(|p| p.type_index).chain(self.wrappers.iter().map(|w| w.type_index)) {
            functions.function(t);
        }
    }

    fn add_code(&self, code: &mut wasm_encoder::CodeSection) {
        for body in self.probes.iter().map(|p| &p.body).chain(self.wrappers.iter().map(|w| &w.body)) {
            code.function(body);
        }
    }
}

type ReencodeResult = Result<(), wasm_encoder::reencode::Error<std::convert::Infallible>>;

impl Reencode for Augmenter {
    type Error = std::convert::Infallible;

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> ReencodeResult {
        for (i, id) in ADDED.into_iter().enumerate() {
            if self.written[i] || before.is_some_and(|b| place(b) <= place(id)) {
                continue;
            }
            self.written[i] = true;
            match id {
                SectionId::Type => {
                    let mut types = wasm_encoder::TypeSection::new();
                    self.add_types(&mut types);
                    module.section(&types);
                }
                SectionId::Function => {
                    let mut functions = wasm_encoder::FunctionSection::new();
                    self.add_functions(&mut functions);
                    module.section(&functions);
                }
                _ => {
                    let mut code = wasm_encoder::CodeSection::new();
                    self.add_code(&mut code);
                    module.section(&code);
                }
            }
        }
        Ok(())
    }

    fn parse_type_section(
        &mut self,
        types: &mut wasm_encoder::TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> ReencodeResult {
        wasm_encoder::reencode::utils::parse_type_section(self, types, section)?;
        self.add_types(types);
        self.written[0] = true;
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut wasm_encoder::FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> ReencodeResult {
        wasm_encoder::reencode::utils::parse_function_section(self, functions, section)?;
        self.add_functions(functions);
        self.written[1] = true;
        Ok(())
    }

    fn parse_export(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        export: wasmparser::Export<'_>,
    ) -> ReencodeResult {
        match self.wrapper_of(export.name) {
            Some(func) => {
                exports.export(export.name, wasm_encoder::ExportKind::Func, func);
                Ok(())
            }
            None => wasm_encoder::reencode::utils::parse_export(self, exports, export),
        }
    }

    fn parse_code_section(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> ReencodeResult {
        wasm_encoder::reencode::utils::parse_code_section(self, code, section)?;
        self.add_code(code);
        self.written[2] = true;
        Ok(())
    }
}
