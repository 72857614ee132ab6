//! Which WebAssembly 3.0 proposals a module really uses — GC, exception
//! handling, typed function references — as opposed to merely being
//! allowed them by its swarm profile: what the campaign summary's swarm
//! line counts. The probe wrappers `crosscheck::probes` adds are not the
//! module's own code and are not counted.

use wasmparser::{CompositeInnerType, HeapType, Operator as O, Payload, RefType, ValType};

/// The Wasm 3.0 proposals a module uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wasm3 {
    pub gc: bool,
    pub exceptions: bool,
    pub function_references: bool,
}

impl Wasm3 {
    /// `(name, used)` for each proposal, in a fixed order.
    pub fn iter(&self) -> [(&'static str, bool); 3] {
        [("gc", self.gc), ("exceptions", self.exceptions), ("function-references", self.function_references)]
    }

    fn reference(&mut self, r: RefType) {
        use wasmparser::AbstractHeapType as A;
        match r.heap_type() {
            HeapType::Abstract { ty: A::Exn | A::NoExn, .. } => self.exceptions = true,
            HeapType::Abstract { ty: A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None, .. } => self.gc = true,
            // A concrete type is a typed function reference (or a GC
            // type, which the type section already counted).
            HeapType::Concrete(_) | HeapType::Exact(_) => self.function_references = true,
            HeapType::Abstract { .. } if !r.is_nullable() => self.function_references = true,
            HeapType::Abstract { .. } => {}
        }
    }

    fn value(&mut self, t: ValType) {
        if let ValType::Ref(r) = t {
            self.reference(r);
        }
    }

    fn operator(&mut self, op: &O<'_>) {
        match op {
            O::Throw { .. } | O::ThrowRef | O::TryTable { .. } => self.exceptions = true,
            O::CallRef { .. }
            | O::ReturnCallRef { .. }
            | O::RefAsNonNull
            | O::BrOnNull { .. }
            | O::BrOnNonNull { .. } => self.function_references = true,
            O::RefEq
            | O::StructNew { .. }
            | O::StructNewDefault { .. }
            | O::StructGet { .. }
            | O::StructGetS { .. }
            | O::StructGetU { .. }
            | O::StructSet { .. }
            | O::ArrayNew { .. }
            | O::ArrayNewDefault { .. }
            | O::ArrayNewFixed { .. }
            | O::ArrayNewData { .. }
            | O::ArrayNewElem { .. }
            | O::ArrayGet { .. }
            | O::ArrayGetS { .. }
            | O::ArrayGetU { .. }
            | O::ArraySet { .. }
            | O::ArrayLen
            | O::ArrayFill { .. }
            | O::ArrayCopy { .. }
            | O::ArrayInitData { .. }
            | O::ArrayInitElem { .. }
            | O::RefTestNonNull { .. }
            | O::RefTestNullable { .. }
            | O::RefCastNonNull { .. }
            | O::RefCastNullable { .. }
            | O::BrOnCast { .. }
            | O::BrOnCastFail { .. }
            | O::AnyConvertExtern
            | O::ExternConvertAny
            | O::RefI31
            | O::I31GetS
            | O::I31GetU => self.gc = true,
            O::RefNull { hty } => self.reference(RefType::new(true, *hty).unwrap_or(RefType::FUNCREF)),
            O::Block { blockty } | O::Loop { blockty } | O::If { blockty } => {
                if let wasmparser::BlockType::Type(t) = blockty {
                    self.value(*t);
                }
            }
            O::TypedSelect { ty } => self.value(*ty),
            _ => {}
        }
    }
}

/// What `wasm` uses of Wasm 3.0 (a module that does not parse uses nothing
/// it could be credited with).
pub fn used(wasm: &[u8]) -> Wasm3 {
    let mut u = Wasm3::default();
    let _ = scan(wasm, &mut u);
    u
}

fn scan(wasm: &[u8], u: &mut Wasm3) -> Result<(), wasmparser::BinaryReaderError> {
    // The probe wrappers are the last functions (the function section,
    // which comes before the bodies, says how many there are in all).
    let wrappers = crate::probes::wrapper_count(wasm);
    let mut own = 0u32;
    let mut body = 0u32;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::FunctionSection(r) => own = r.count().saturating_sub(wrappers),
            Payload::TypeSection(r) => {
                for group in r {
                    for sub in group?.into_types() {
                        match &sub.composite_type.inner {
                            CompositeInnerType::Struct(_) | CompositeInnerType::Array(_) => u.gc = true,
                            CompositeInnerType::Func(f) => {
                                f.params().iter().chain(f.results()).for_each(|t| u.value(*t));
                            }
                            _ => {}
                        }
                        if sub.supertype_idx.is_some() || !sub.is_final {
                            u.gc = true;
                        }
                    }
                }
            }
            Payload::TagSection(_) => u.exceptions = true,
            Payload::GlobalSection(r) => {
                for g in r {
                    u.value(g?.ty.content_type);
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    u.reference(t?.ty.element_type);
                }
            }
            Payload::CodeSectionEntry(b) => {
                body += 1;
                if body > own {
                    continue;
                }
                for local in b.get_locals_reader()? {
                    u.value(local?.1);
                }
                let mut ops = b.get_operators_reader()?;
                while !ops.eof() {
                    u.operator(&ops.read()?);
                }
            }
            _ => {}
        }
    }
    Ok(())
}
