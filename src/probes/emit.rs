//! The code of a probe: the function body that turns a reference of one
//! type hierarchy (its parameter) into numbers a host can compare — null
//! or not, its dynamic type as one `ref.test` bit per type, its `i31`
//! value, its array length, and the first fields and elements of each
//! defined struct and array type it is an instance of — with a name for
//! every number pushed.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    AbstractHeapType as Abs, BlockType, HeapType, Ieee32, Ieee64, Instruction as I, ValType as EncType,
};
use wasmparser::{CompositeInnerType, StorageType, SubType, ValType};

/// Defined struct types whose fields are read, and array types whose
/// elements are.
const FIELD_TYPES: usize = 8;
/// Fields read per struct type, elements per array type.
const FIELDS: usize = 4;
const ELEMENTS: u32 = 2;
/// Defined types with a `ref.test` bit (after the four abstract ones).
const TESTED_TYPES: usize = 28;
/// Defined function types with a `ref.test` bit.
const TESTED_FUNC_TYPES: usize = 31;

/// The type hierarchy a reference belongs to (its top type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hierarchy {
    Any,
    Extern,
    Func,
    Exn,
}

impl Hierarchy {
    /// In the order their probe functions are added.
    pub const ALL: [Hierarchy; 4] = [Hierarchy::Any, Hierarchy::Extern, Hierarchy::Func, Hierarchy::Exn];

    /// The nullable top type: the probe function's parameter.
    pub fn top(self) -> EncType {
        let ty = match self {
            Hierarchy::Any => Abs::Any,
            Hierarchy::Extern => Abs::Extern,
            Hierarchy::Func => Abs::Func,
            Hierarchy::Exn => Abs::Exn,
        };
        EncType::Ref(wasm_encoder::RefType { nullable: true, heap_type: HeapType::Abstract { shared: false, ty } })
    }
}

/// One number a wrapper returns, and what it means.
pub struct Slot {
    pub ty: EncType,
    pub name: String,
}

/// The module's types, by index.
#[derive(Default)]
pub struct TypeTable {
    types: Vec<SubType>,
    /// Defined struct and array types, in index order.
    aggregates: Vec<u32>,
    funcs: Vec<u32>,
}

impl TypeTable {
    pub fn new(types: Vec<SubType>) -> TypeTable {
        let kinds = |pick: fn(&CompositeInnerType) -> bool| -> Vec<u32> {
            types.iter().enumerate().filter(|(_, t)| pick(&t.composite_type.inner)).map(|(i, _)| i as u32).collect()
        };
        let aggregates = kinds(|c| matches!(c, CompositeInnerType::Struct(_) | CompositeInnerType::Array(_)));
        let funcs = kinds(|c| matches!(c, CompositeInnerType::Func(_)));
        TypeTable { types, aggregates, funcs }
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// Parameters and results of function type `idx`.
    pub fn func(&self, idx: u32) -> Option<(&[ValType], &[ValType])> {
        match &self.types.get(idx as usize)?.composite_type.inner {
            CompositeInnerType::Func(f) => Some((f.params(), f.results())),
            _ => None,
        }
    }

    /// Whether a host sees all of a value of this type as it is: numbers,
    /// and the nullable `funcref` / `externref` (null or not is all there is).
    pub fn is_plain(&self, ty: ValType) -> bool {
        is_plain_export_type(ty)
    }

    pub fn enc(&self, ty: ValType) -> Result<EncType, String> {
        RoundtripReencoder.val_type(ty).map_err(|e| format!("probes: {e}"))
    }

    /// The type of a local that holds a value of `ty` whether or not it was
    /// set (references become nullable: a call that threw sets nothing).
    pub fn local_type(&self, ty: ValType) -> Result<EncType, String> {
        Ok(match self.enc(ty)? {
            EncType::Ref(r) => EncType::Ref(wasm_encoder::RefType { nullable: true, ..r }),
            t => t,
        })
    }

    /// `ref.null` of a nullable reference type; `None` for a non-nullable one.
    pub fn null_of(&self, ty: ValType) -> Result<Option<I<'static>>, String> {
        match self.enc(ty)? {
            EncType::Ref(r) if r.nullable => Ok(Some(I::RefNull(r.heap_type))),
            _ => Ok(None),
        }
    }

    /// The hierarchy of a reference type (its top type); an error for a
    /// number or a type the probes cannot read (continuations).
    pub fn hierarchy(&self, ty: ValType) -> Result<Hierarchy, String> {
        use wasmparser::AbstractHeapType as A;
        let ValType::Ref(r) = ty else { return Err("probes: not a reference".into()) };
        Ok(match r.heap_type() {
            wasmparser::HeapType::Abstract { ty, .. } => match ty {
                A::Func | A::NoFunc => Hierarchy::Func,
                A::Extern | A::NoExtern => Hierarchy::Extern,
                A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None => Hierarchy::Any,
                A::Exn | A::NoExn => Hierarchy::Exn,
                A::Cont | A::NoCont => return Err("probes: continuation references".into()),
            },
            wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => {
                let idx = i.as_module_index().ok_or("probes: a type index relative to a rec group")?;
                match self.types.get(idx as usize).map(|t| &t.composite_type.inner) {
                    Some(CompositeInnerType::Func(_)) => Hierarchy::Func,
                    Some(CompositeInnerType::Struct(_) | CompositeInnerType::Array(_)) => Hierarchy::Any,
                    _ => return Err(format!("probes: type {idx} is not a function, struct or array")),
                }
            }
        })
    }

    /// The body of the probe of hierarchy `h`, a function whose parameter
    /// (local 0) has type [`Hierarchy::top`]: pushes what a host may see
    /// of the reference, one number per slot (named without a prefix).
    /// Returns the types of the locals the body uses after the parameter.
    pub fn probe(
        &self,
        h: Hierarchy,
        code: &mut Vec<I<'static>>,
        slots: &mut Vec<Slot>,
    ) -> Result<Vec<EncType>, String> {
        let load: Vec<I<'static>> = match h {
            Hierarchy::Extern => vec![I::LocalGet(0), I::AnyConvertExtern],
            _ => vec![I::LocalGet(0)],
        };
        let mut p = Probe { load, code, slots, locals: Vec::new() };
        p.emit(&[I::RefIsNull, I::I32Eqz], "non-null");
        match h {
            Hierarchy::Exn => {}
            Hierarchy::Func => {
                let tests: Vec<(HeapType, String)> = self
                    .funcs
                    .iter()
                    .take(TESTED_FUNC_TYPES)
                    .map(|&t| (HeapType::Concrete(t), format!("${t}")))
                    .collect();
                p.tests(&tests);
            }
            Hierarchy::Any | Hierarchy::Extern => {
                let abs = |ty| HeapType::Abstract { shared: false, ty };
                let mut tests: Vec<(HeapType, String)> =
                    [(Abs::I31, "i31"), (Abs::Struct, "struct"), (Abs::Array, "array"), (Abs::Eq, "eq")]
                        .into_iter()
                        .map(|(t, n)| (abs(t), n.to_string()))
                        .collect();
                tests.extend(
                    self.aggregates.iter().take(TESTED_TYPES).map(|&t| (HeapType::Concrete(t), format!("${t}"))),
                );
                p.tests(&tests);
                p.when_cast(abs(Abs::I31), &[I::I31GetS], EncType::I32, "i31.get_s");
                p.when_cast(abs(Abs::Array), &[I::ArrayLen], EncType::I32, "array.len");
                self.fields(&mut p)?;
            }
        }
        Ok(p.locals)
    }

    /// The first fields of each defined struct type and the first elements
    /// of each defined array type, where the value is one (else zero).
    ///
    /// Each type is tested and cast once, into a local, and each read is
    /// stored in a local of its slot (zero until set); the slots are pushed
    /// at the end. A test and a cast for every read instead would give a
    /// struct of four packed fields sixteen subtype checks, which the
    /// engines compile for every module with a probe.
    fn fields(&self, p: &mut Probe<'_>) -> Result<(), String> {
        let mut deferred = Vec::new();
        for &t in self.aggregates.iter().take(FIELD_TYPES) {
            let ht = HeapType::Concrete(t);
            let inner = &self.types[t as usize].composite_type.inner;
            if matches!(inner, CompositeInnerType::Struct(s) if s.fields.is_empty()) {
                continue;
            }
            let mut body = Vec::new();
            let cast = p.local(EncType::Ref(wasm_encoder::RefType { nullable: true, heap_type: ht }));
            match inner {
                CompositeInnerType::Struct(s) => {
                    for (f, field) in s.fields.iter().enumerate().take(FIELDS) {
                        let (struct_type_index, field_index) = (t, f as u32);
                        let reads = self.reads(field.element_type, |get| match get {
                            Get::Plain => I::StructGet { struct_type_index, field_index },
                            Get::Unsigned => I::StructGetU { struct_type_index, field_index },
                            Get::Signed => I::StructGetS { struct_type_index, field_index },
                        })?;
                        for (suffix, get, ty) in reads {
                            let slot = p.deferred_slot(ty, &format!("${t}.{f}{suffix}"), &mut deferred);
                            body.push(I::LocalGet(cast));
                            body.extend(get);
                            body.push(I::LocalSet(slot));
                        }
                    }
                }
                CompositeInnerType::Array(a) => {
                    let len = p.local(EncType::I32);
                    body.extend([I::LocalGet(cast), I::ArrayLen, I::LocalSet(len)]);
                    for e in 0..ELEMENTS {
                        let reads = self.reads(a.0.element_type, |get| match get {
                            Get::Plain => I::ArrayGet(t),
                            Get::Unsigned => I::ArrayGetU(t),
                            Get::Signed => I::ArrayGetS(t),
                        })?;
                        body.extend([I::LocalGet(len), I::I32Const(e as i32), I::I32GtU, I::If(BlockType::Empty)]);
                        for (suffix, get, ty) in reads {
                            let slot = p.deferred_slot(ty, &format!("${t}[{e}]{suffix}"), &mut deferred);
                            body.extend([I::LocalGet(cast), I::I32Const(e as i32)]);
                            body.extend(get);
                            body.push(I::LocalSet(slot));
                        }
                        body.push(I::End);
                    }
                }
                _ => continue,
            }
            p.code.extend(p.load.iter().cloned());
            p.code.extend([I::RefTestNonNull(ht), I::If(BlockType::Empty)]);
            p.code.extend(p.load.iter().cloned());
            p.code.extend([I::RefCastNonNull(ht), I::LocalSet(cast)]);
            p.code.extend(body);
            p.code.push(I::End);
        }
        p.code.extend(deferred.into_iter().map(I::LocalGet));
        Ok(())
    }

    /// The reads of a field of this storage type as a number, with a
    /// suffix for the slot name and the number's type: a packed field both
    /// zero- and sign-extended (two instructions an engine implements
    /// apart), a reference as non-null.
    fn reads(&self, storage: StorageType, get: impl Fn(Get) -> I<'static>) -> Result<Vec<Read>, String> {
        Ok(match storage {
            StorageType::I8 | StorageType::I16 => {
                vec![("", vec![get(Get::Unsigned)], EncType::I32), (" signed", vec![get(Get::Signed)], EncType::I32)]
            }
            StorageType::Val(ValType::Ref(_)) => {
                vec![("", vec![get(Get::Plain), I::RefIsNull, I::I32Eqz], EncType::I32)]
            }
            StorageType::Val(v) => vec![("", vec![get(Get::Plain)], self.enc(v)?)],
        })
    }
}

/// One read of a field: the slot name's suffix, the instructions, the
/// number's type.
type Read = (&'static str, Vec<I<'static>>, EncType);

/// Which `get` reads a field.
enum Get {
    Plain,
    Unsigned,
    Signed,
}

/// Whether a host sees all of a value of this type as it is (see
/// [`TypeTable::is_plain`]).
pub fn is_plain_export_type(ty: ValType) -> bool {
    match ty {
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 | ValType::V128 => true,
        ValType::Ref(r) => r == wasmparser::RefType::FUNCREF || r == wasmparser::RefType::EXTERNREF,
    }
}

/// Code being emitted for one probe.
struct Probe<'a> {
    /// Pushes the value (as a reference of its hierarchy).
    load: Vec<I<'static>>,
    code: &'a mut Vec<I<'static>>,
    slots: &'a mut Vec<Slot>,
    /// The types of the locals after the parameter.
    locals: Vec<EncType>,
}

impl Probe<'_> {
    fn slot(&mut self, ty: EncType, name: &str) {
        self.slots.push(Slot { ty, name: name.to_string() });
    }

    /// `load; then` as an i32 slot.
    fn emit(&mut self, then: &[I<'static>], name: &str) {
        self.code.extend(self.load.iter().cloned());
        self.code.extend(then.iter().cloned());
        self.slot(EncType::I32, name);
    }

    /// One i32 with bit `i` set when the value is a non-null `tests[i]`.
    fn tests(&mut self, tests: &[(HeapType, String)]) {
        self.code.push(I::I32Const(0));
        for (bit, (ht, _)) in tests.iter().enumerate() {
            self.code.extend(self.load.iter().cloned());
            self.code.extend([I::RefTestNonNull(*ht), I::I32Const(bit as i32), I::I32Shl, I::I32Or]);
        }
        let names: Vec<&str> = tests.iter().map(|(_, n)| n.as_str()).collect();
        self.slot(EncType::I32, &format!("ref.test bits [{}]", names.join(" ")));
    }

    /// `get` applied to the value cast to `ht` where it is one, else zero.
    fn when_cast(&mut self, ht: HeapType, get: &[I<'static>], ty: EncType, name: &str) {
        self.code.extend(self.load.iter().cloned());
        self.code.extend([I::RefTestNonNull(ht), I::If(BlockType::Result(ty))]);
        self.code.extend(self.load.iter().cloned());
        self.code.push(I::RefCastNonNull(ht));
        self.code.extend(get.iter().cloned());
        self.code.push(I::Else);
        self.code.push(zero(ty));
        self.code.push(I::End);
        self.slot(ty, name);
    }

    /// A new local of type `ty` (zero, or null, until set).
    fn local(&mut self, ty: EncType) -> u32 {
        self.locals.push(ty);
        self.locals.len() as u32
    }

    /// A slot whose number is stored in a new local and pushed at the end
    /// (the local's index is added to `deferred`).
    fn deferred_slot(&mut self, ty: EncType, name: &str, deferred: &mut Vec<u32>) -> u32 {
        let local = self.local(ty);
        self.slot(ty, name);
        deferred.push(local);
        local
    }
}

/// The zero of a number type.
fn zero(ty: EncType) -> I<'static> {
    match ty {
        EncType::I64 => I::I64Const(0),
        EncType::F32 => I::F32Const(Ieee32::new(0)),
        EncType::F64 => I::F64Const(Ieee64::new(0)),
        EncType::V128 => I::V128Const(0),
        _ => I::I32Const(0),
    }
}
