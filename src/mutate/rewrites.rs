//! crosscheck's own semantics-preserving rewrites: what a mutation step
//! applies when wasm-mutate offers nothing, above all for the modules it
//! cannot read at all (any module using Wasm 3.0's GC, exception handling
//! or typed function references).
//!
//! Each rewrite turns one call site (`call`, `call_ref`, `call_indirect`
//! or their `return_` forms) into an equivalent that takes another path
//! through an engine, the paths new in Wasm 3.0 where compilers are
//! youngest:
//!
//! | rewrite | the call becomes |
//! | --- | --- |
//! | [`Rewrite::TryTableFreshTag`] | the call inside a `try_table` whose one `catch` names a tag nobody throws |
//! | [`Rewrite::CatchAllRefThrowRef`] | the call inside a `try_table (catch_all_ref)` whose handler throws the exception again with `throw_ref` |
//! | [`Rewrite::CatchThrowAgain`] | the call inside a `try_table (catch $t)` of a tag the module throws, whose handler throws `$t` again with the caught values |
//! | [`Rewrite::CallRef`] | (`call $f` only) `ref.func $f` and `call_ref` (`return_call_ref`), `$f` declared by a new element segment |
//!
//! None changes what the module computes: an exception leaves the rewritten
//! site with the same tag and values it had (an `exnref` cannot be compared,
//! so a new exception with the tag and values of the old one is the same to
//! every observer); traps are not exceptions. The oracle
//! ([`super::oracle`]) checks that anyway, on the reference interpreter, as
//! it checks wasm-mutate's steps: a rewrite of this module that changed a
//! module's behaviour would be a mutator divergence like any other.
//!
//! New types, the fresh tag and the declaring element segment are appended
//! after the module's own (its indices do not move); every other section is
//! copied as it is.

use std::borrow::Cow;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    BlockType, Catch, ElementSection, Elements, Instruction as I, TagKind, TagSection, TagType, TypeSection, ValType,
};
use wasmparser::{CompositeInnerType, Operator as O, Parser, Payload, TypeRef};

/// One rewrite of a call site (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rewrite {
    TryTableFreshTag,
    CatchAllRefThrowRef,
    CatchThrowAgain,
    CallRef,
}

impl Rewrite {
    pub const ALL: &[Rewrite] =
        &[Rewrite::TryTableFreshTag, Rewrite::CatchAllRefThrowRef, Rewrite::CatchThrowAgain, Rewrite::CallRef];

    /// The mutation kind a step of this rewrite reports (wasm-mutate's
    /// steps report their mutators' names).
    pub fn kind(self) -> &'static str {
        match self {
            Rewrite::TryTableFreshTag => "crosscheck::mutate::rewrites::TryTableFreshTag",
            Rewrite::CatchAllRefThrowRef => "crosscheck::mutate::rewrites::CatchAllRefThrowRef",
            Rewrite::CatchThrowAgain => "crosscheck::mutate::rewrites::CatchThrowAgain",
            Rewrite::CallRef => "crosscheck::mutate::rewrites::CallRef",
        }
    }
}

/// `wasm` with one call site rewritten, the site and the rewrite drawn from
/// `seed`, and the rewrite applied; `None` when the module has no call site
/// (or does not parse, or the result would not validate — which a test
/// over the corpus keeps from happening).
pub fn rewrite(wasm: &[u8], seed: u64) -> Option<(Vec<u8>, Rewrite)> {
    let module = Module::read(wasm)?;
    let direct: Vec<u32> =
        (0..module.sites.len() as u32).filter(|&i| module.sites[i as usize].direct.is_some()).collect();
    let mut draw = SplitMix(seed);
    let first = draw.below(Rewrite::ALL.len() as u64) as usize;
    let any_site = draw.next();
    let direct_site = draw.next();
    (0..Rewrite::ALL.len()).map(|i| Rewrite::ALL[(first + i) % Rewrite::ALL.len()]).find_map(|r| {
        let site = match r {
            Rewrite::CallRef if direct.is_empty() => return None,
            Rewrite::CallRef => direct[(direct_site % direct.len() as u64) as usize],
            _ if module.sites.is_empty() => return None,
            _ => (any_site % module.sites.len() as u64) as u32,
        };
        let tag = match r {
            // A tag the module throws already: one nobody throws would
            // be thrown now, and observed (`crate::probes`).
            Rewrite::CatchThrowAgain if module.thrown.is_empty() => return None,
            Rewrite::CatchThrowAgain => Some(module.thrown[draw.below(module.thrown.len() as u64) as usize]),
            _ => None,
        };
        let out = apply(wasm, &module, r, site, tag)?;
        super::FEATURES.validate(&out).is_ok().then_some((out, r))
    })
}

/// What a rewrite needs to know of a module.
struct Module {
    /// Each type's function signature (`None` for a struct or array type).
    types: Vec<Option<(Vec<ValType>, Vec<ValType>)>>,
    /// Each function's type index (imports first).
    funcs: Vec<u32>,
    /// Each tag's type index (imports first).
    tags: Vec<u32>,
    /// The tags some `throw` names (the probes observe only these:
    /// `crate::probes`).
    thrown: Vec<u32>,
    /// Whether each table is 64-bit (imports first).
    tables64: Vec<bool>,
    /// Each call instruction, in code order.
    sites: Vec<Site>,
}

impl Module {
    fn read(wasm: &[u8]) -> Option<Module> {
        let mut re = RoundtripReencoder;
        let mut m = Module {
            types: Vec::new(),
            funcs: Vec::new(),
            tags: Vec::new(),
            thrown: Vec::new(),
            tables64: Vec::new(),
            sites: Vec::new(),
        };
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.ok()? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for sub in group.ok()?.into_types() {
                            m.types.push(match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => {
                                    let mut vals = |ts: &[wasmparser::ValType]| {
                                        ts.iter().map(|t| re.val_type(*t).ok()).collect::<Option<Vec<_>>>()
                                    };
                                    Some((vals(f.params())?, vals(f.results())?))
                                }
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        match import.ok()?.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => m.funcs.push(t),
                            TypeRef::Tag(t) => m.tags.push(t.func_type_idx),
                            TypeRef::Table(t) => m.tables64.push(t.table64),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for t in reader {
                        m.funcs.push(t.ok()?);
                    }
                }
                Payload::TagSection(reader) => {
                    for t in reader {
                        m.tags.push(t.ok()?.func_type_idx);
                    }
                }
                Payload::TableSection(reader) => {
                    for t in reader {
                        m.tables64.push(t.ok()?.ty.table64);
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut ops = body.get_operators_reader().ok()?;
                    while !ops.eof() {
                        let op = ops.read().ok()?;
                        if is_call(&op) {
                            // (The code comes after the types, functions and
                            // tables a call site is read with.)
                            let site = m.site(&op)?;
                            m.sites.push(site);
                        } else if let O::Throw { tag_index } = op
                            && !m.thrown.contains(&tag_index)
                        {
                            m.thrown.push(tag_index);
                        }
                    }
                }
                _ => {}
            }
        }
        Some(m)
    }

    /// The signature of type `t` (a function type).
    fn signature(&self, t: u32) -> Option<&(Vec<ValType>, Vec<ValType>)> {
        self.types.get(t as usize)?.as_ref()
    }

    /// The call site `op` is (`None`: not a call, or one the module's
    /// sections read so far do not explain).
    fn site(&self, op: &O<'_>) -> Option<Site> {
        let (call, ty, extra, direct) = match *op {
            O::Call { function_index: f } => (I::Call(f), *self.funcs.get(f as usize)?, None, Some(f)),
            O::ReturnCall { function_index: f } => (I::ReturnCall(f), *self.funcs.get(f as usize)?, None, Some(f)),
            O::CallRef { type_index: t } => (I::CallRef(t), t, Some(ValType::Ref(typed_ref(t))), None),
            O::ReturnCallRef { type_index: t } => (I::ReturnCallRef(t), t, Some(ValType::Ref(typed_ref(t))), None),
            O::CallIndirect { type_index, table_index } => {
                let call = I::CallIndirect { type_index, table_index };
                (call, type_index, Some(self.address(table_index)?), None)
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                let call = I::ReturnCallIndirect { type_index, table_index };
                (call, type_index, Some(self.address(table_index)?), None)
            }
            _ => return None,
        };
        let tail = matches!(call, I::ReturnCall(_) | I::ReturnCallRef(_) | I::ReturnCallIndirect { .. });
        let (mut params, results) = self.signature(ty)?.clone();
        params.extend(extra);
        Some(Site { call, params, results, direct, tail, callee_type: ty })
    }

    /// The address type of table `t`.
    fn address(&self, t: u32) -> Option<ValType> {
        Some(if *self.tables64.get(t as usize)? { ValType::I64 } else { ValType::I32 })
    }
}

/// `(ref null $t)`.
fn typed_ref(t: u32) -> wasm_encoder::RefType {
    wasm_encoder::RefType { nullable: true, heap_type: wasm_encoder::HeapType::Concrete(t) }
}

/// Whether `op` is a call (a possible site).
fn is_call(op: &O<'_>) -> bool {
    matches!(
        op,
        O::Call { .. }
            | O::ReturnCall { .. }
            | O::CallRef { .. }
            | O::ReturnCallRef { .. }
            | O::CallIndirect { .. }
            | O::ReturnCallIndirect { .. }
    )
}

/// A call instruction, as a rewrite sees it.
struct Site {
    /// The instruction itself.
    call: I<'static>,
    /// What it takes (the callee's parameters, then the reference or table
    /// index of an indirect call) and gives.
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// The callee of a direct call (whose type is the block type
    /// `params → results`).
    direct: Option<u32>,
    /// A `return_` form.
    tail: bool,
    /// The callee's type index.
    callee_type: u32,
}

/// What a rewrite appends to the module's own sections.
#[derive(Default)]
struct Additions {
    /// Function types, appended to the type section (index: the module's
    /// type count plus the position here).
    types: Vec<(Vec<ValType>, Vec<ValType>)>,
    /// A tag of this type index, appended to the tag section.
    tag: Option<u32>,
    /// A function declared by a new element segment (for `ref.func`).
    declare: Option<u32>,
}

impl Additions {
    /// The index of a new function type `params → results`.
    fn func_type(&mut self, module: &Module, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        self.types.push((params, results));
        (module.types.len() + self.types.len() - 1) as u32
    }

    /// The block type of `params → results`: a new type where one is needed.
    fn block_type(&mut self, module: &Module, params: &[ValType], results: &[ValType]) -> BlockType {
        match (params, results) {
            ([], []) => BlockType::Empty,
            ([], [t]) => BlockType::Result(*t),
            _ => BlockType::FunctionType(self.func_type(module, params.to_vec(), results.to_vec())),
        }
    }
}

/// The instructions that replace the call at `site` under `rewrite`, and
/// what they need appended.
fn replacement(
    module: &Module,
    rewrite: Rewrite,
    site: &Site,
    tag: Option<u32>,
    add: &mut Additions,
) -> Option<Vec<I<'static>>> {
    let (params, results, tail) = (&site.params, &site.results, site.tail);
    let call = site.call.clone();
    let callee_type = BlockType::FunctionType(match site.direct {
        Some(_) => site.callee_type,
        None => add.func_type(module, params.clone(), results.clone()),
    });
    let mut out = match rewrite {
        Rewrite::TryTableFreshTag => {
            // block $l (P → R)
            //   try_table (P → R) (catch $fresh $l)   ;; $fresh carries R
            //     call $f
            //   end
            // end
            let tag_type = add.func_type(module, results.clone(), Vec::new());
            add.tag = Some(tag_type);
            let fresh = module.tags.len() as u32;
            vec![
                I::Block(callee_type),
                I::TryTable(callee_type, Cow::Owned(vec![Catch::One { tag: fresh, label: 0 }])),
                call,
                I::End,
                I::End,
            ]
        }
        Rewrite::CatchAllRefThrowRef => {
            // block $done (P → R)
            //   block $h (P → exnref)
            //     try_table (P → R) (catch_all_ref $h)
            //       call $f
            //     end
            //     br $done
            //   end
            //   throw_ref
            // end
            let handler = add.block_type(module, params, &[ValType::EXNREF]);
            vec![
                I::Block(callee_type),
                I::Block(handler),
                I::TryTable(callee_type, Cow::Owned(vec![Catch::AllRef { label: 0 }])),
                call,
                I::End,
                I::Br(1),
                I::End,
                I::ThrowRef,
                I::End,
            ]
        }
        Rewrite::CatchThrowAgain => {
            // The same shape, with `catch $t` and `throw $t`: the handler
            // receives $t's values and throws them again.
            let tag = tag?;
            let (carried, _) = module.types.get(*module.tags.get(tag as usize)? as usize)?.clone()?;
            let handler = add.block_type(module, params, &carried);
            vec![
                I::Block(callee_type),
                I::Block(handler),
                I::TryTable(callee_type, Cow::Owned(vec![Catch::One { tag, label: 0 }])),
                call,
                I::End,
                I::Br(1),
                I::End,
                I::Throw(tag),
                I::End,
            ]
        }
        Rewrite::CallRef => {
            let callee = site.direct?;
            add.declare = Some(callee);
            let ty = site.callee_type;
            vec![I::RefFunc(callee), if tail { I::ReturnCallRef(ty) } else { I::CallRef(ty) }]
        }
    };
    if tail && rewrite != Rewrite::CallRef {
        // After a tail call the stack is polymorphic; after the blocks
        // around it, it holds their results: `unreachable` makes it
        // polymorphic again for the code that follows (never run).
        out.push(I::Unreachable);
    }
    Some(out)
}

/// Section order of the binary format, for placing a section the module
/// did not have (custom sections: none).
fn rank(id: u8) -> Option<u8> {
    // type, import, function, table, memory, tag, global, export, start,
    // element, data count, code, data
    const ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
    ORDER.iter().position(|&s| s == id).map(|p| p as u8)
}

const TYPE: u8 = 1;
const TAG: u8 = 13;
const ELEMENT: u8 = 9;

/// `wasm` with call site `site` rewritten: the code re-encoded, the type,
/// tag and element sections re-encoded with the additions (or written
/// where the module has none), every other section copied byte for byte.
fn apply(wasm: &[u8], module: &Module, rewrite: Rewrite, site: u32, tag: Option<u32>) -> Option<Vec<u8>> {
    let mut re = RoundtripReencoder;
    // The replacement first: it decides what is appended.
    let mut add = Additions::default();
    let instructions = replacement(module, rewrite, module.sites.get(site as usize)?, tag, &mut add)?;
    let mut code = wasm_encoder::CodeSection::new();
    let mut seen = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.ok()? {
            let mut f = re.new_function_with_parsed_locals(&body).ok()?;
            let mut ops = body.get_operators_reader().ok()?;
            while !ops.eof() {
                let op = ops.read().ok()?;
                if is_call(&op) {
                    seen += 1;
                    if seen - 1 == site {
                        for i in &instructions {
                            f.instruction(i);
                        }
                        continue;
                    }
                }
                f.instruction(&re.instruction(op).ok()?);
            }
            code.function(&f);
        }
    }
    if seen <= site {
        return None;
    }
    let mut out = wasm_encoder::Module::new();
    let mut emitted: Vec<u8> = Vec::new();
    // Section `id` with the module's own entries (from `own`, its section)
    // or none, and the rewrite's additions.
    let mut section = |out: &mut wasm_encoder::Module, id: u8, own: Option<Payload<'_>>| -> Option<()> {
        match id {
            TYPE => {
                let mut types = TypeSection::new();
                if let Some(Payload::TypeSection(reader)) = own {
                    re.parse_type_section(&mut types, reader).ok()?;
                }
                for (p, r) in &add.types {
                    types.ty().function(p.iter().copied(), r.iter().copied());
                }
                out.section(&types);
            }
            TAG => {
                let mut tags = TagSection::new();
                if let Some(Payload::TagSection(reader)) = own {
                    re.parse_tag_section(&mut tags, reader).ok()?;
                }
                if let Some(t) = add.tag {
                    tags.tag(TagType { kind: TagKind::Exception, func_type_idx: t });
                }
                out.section(&tags);
            }
            _ => {
                let mut elements = ElementSection::new();
                if let Some(Payload::ElementSection(reader)) = own {
                    re.parse_element_section(&mut elements, reader).ok()?;
                }
                if let Some(f) = add.declare {
                    elements.declared(Elements::Functions(Cow::Owned(vec![f])));
                }
                out.section(&elements);
            }
        }
        Some(())
    };
    // Whether the rewrite needs section `id` and the module has not had it
    // yet.
    let missing = |id: u8, emitted: &[u8]| {
        !emitted.contains(&id)
            && match id {
                TYPE => !add.types.is_empty(),
                TAG => add.tag.is_some(),
                _ => add.declare.is_some(),
            }
    };
    // `None` (rank past every section) after the module's last one.
    let sections = Parser::new(0).parse_all(wasm).map(Some).chain([None]);
    for payload in sections {
        let payload = payload.transpose().ok()?;
        let here = payload.as_ref().and_then(|p| p.as_section());
        let r = match (&payload, &here) {
            (None, _) => Some(u8::MAX),
            (_, Some((id, _))) => rank(*id),
            (_, None) => None,
        };
        if let Some(r) = r {
            // A needed section the module lacks goes before the first
            // section that comes after it.
            for id in [TYPE, TAG, ELEMENT] {
                if rank(id)? < r && missing(id, &emitted) {
                    section(&mut out, id, None)?;
                    emitted.push(id);
                }
            }
        }
        let (Some(payload), Some((id, range))) = (payload, here) else { continue };
        if rank(id).is_some() {
            emitted.push(id);
        }
        match payload {
            Payload::TypeSection(_) | Payload::TagSection(_) | Payload::ElementSection(_) => {
                section(&mut out, id, Some(payload))?
            }
            Payload::CodeSectionStart { .. } => {
                out.section(&code);
            }
            _ => {
                out.section(&wasm_encoder::RawSection { id, data: wasm.get(range)? });
            }
        }
    }
    Some(out.finish())
}

/// A small deterministic generator (SplitMix64) for the draws of a step.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (> 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
