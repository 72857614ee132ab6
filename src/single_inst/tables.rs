//! Table instructions (catalog group
//! [`Group::Table`](super::catalog::Group::Table)): the module's table
//! `$tab` of [`TABLE_SIZE`] elements, of `funcref`s, of typed function
//! references `(ref null $returns)` or of `externref`s (exported as `tab`,
//! so its size and null pattern are part of the final state; its maximum
//! is its size, or [`super::operands::GROW_MAX_ELEMENTS`] for
//! `table.grow`, or none), the elements it holds, the passive element
//! segment `table.init` copies from, the second table `$src` a `table.copy
//! $tab $src` copies from, how an element operand is made from i32
//! parameters, how `table.get`'s result is observed as one i32, and `peek`,
//! which reads the whole table back as i32s after every call that writes
//! it, and `reset`, which puts back the table's first contents before such
//! a call (so each call's effect shows against the same distinct elements,
//! as a memory instruction's against the bytes `poke` wrote).
//!
//! Element `i` has the id [`FUNC_IDS`]`[i]`. In a table of `funcref`s it
//! is function `$e{i}`, which returns its id: an element is observed by
//! calling it through the table, -1 where it is null, so an element copied
//! from the wrong place shows. All four have type `$returns` (`(func
//! (result i32))`); `call_indirect` with the other type, `$other`
//! (`(func)`), must trap on the signature check wherever the element is
//! not null. In a module whose indirect call uses GC's declared subtyping
//! ([`CalleeType::Parent`], [`CalleeType::Sibling`]), `$returns` is `(sub
//! final $parent …)` and `$sibling` another subtype of `$parent` with the
//! same structure: a call through `$parent` must complete, one through
//! `$sibling` trap. A table of `(ref null $returns)` (GC's typed
//! references) holds the same functions: there an engine knows from the
//! table's type alone whether an indirect call's check passes, and
//! `table.get`'s element is called with `call_ref`. In a table of
//! `externref`s (GC; never an indirect call's) element `i` is made with
//! `extern.convert_any` from a `$box` struct holding its id where `i` is
//! even — an object Wasmtime's collector tracks, through the barriers of
//! every table access — and from an `i31ref` of its id where `i` is odd;
//! `$extern_id` reads the id back. An element operand is made, like a
//! reference operand ([`super::refs`]), from `(value, null flag)`: null
//! when the flag is non-zero, else element `value & 3` (chosen by
//! `select`s, so no branch depends on it); `call_ref` and
//! `return_call_ref` call such a `(ref null $returns)` whatever the table.
//! The same code sits in every function that runs the instruction, after
//! the operands are pushed, so each operand source feeds it alike.

use super::catalog::{CalleeType, Elements, Entry, Immediates, Table};

/// Elements of the table: few, so indices drawn around its end often fall
/// on both sides of it.
pub const TABLE_SIZE: u32 = 8;

/// What the table's functions `$e0`..`$e3` return.
pub const FUNC_IDS: [i32; 4] = [0x11, 0x22, 0x33, 0x44];

/// The active segment, at index 1 (`reset` writes the same): the table
/// starts as `null, $e1, $e0,
/// $e3, $e2, $e1, null, null` (or the `externref`s of those ids).
const ACTIVE: [usize; 5] = [1, 0, 3, 2, 1];

/// The passive segment `$p` (`table.init`, `elem.drop`): functions and
/// nulls, none in the order of the table.
const PASSIVE: [Option<usize>; 6] = [Some(3), None, Some(2), Some(0), None, Some(1)];

/// The second table `$src` of a `table.copy $tab $src` (all its
/// elements): at every index but the last another element than `$tab`
/// starts with, so a copy from the wrong table shows.
pub const SOURCE: [Option<usize>; TABLE_SIZE as usize] =
    [Some(2), Some(3), None, Some(0), Some(1), Some(3), Some(0), None];

/// Elements of the passive segment.
pub const PASSIVE_LEN: u32 = PASSIVE.len() as u32;

/// The text of an index or length constant in the table's address type.
fn const_text(table: Table, x: u64) -> String {
    if table.table64 { format!("i64.const {}", x as i64) } else { format!("i32.const {}", x as u32 as i32) }
}

/// The module's declarations for a table instruction: the function types
/// (with `$parent` and `$sibling` for a `call_indirect` through declared
/// subtypes), the four functions, the table and its active segment, the
/// passive segment, for `table.copy $tab $src` the second table (exported
/// as `src`, so its final state is compared too) and its contents, and
/// for `table.get` a one-element table `$scratch` its result is called
/// through. Empty for an instruction with no table.
pub fn declarations(entry: &Entry, imm: &Immediates) -> String {
    let Some(table) = imm.table() else { return String::new() };
    let subtyped = matches!(imm, Immediates::Indirect { ty, .. } if ty.needs_gc());
    let mut m = if subtyped {
        String::from(
            "  (type $parent (sub (func (result i32))))\n  (type $returns (sub final $parent (func (result i32))))\n  (type $sibling (sub $parent (func (result i32))))\n",
        )
    } else {
        String::from("  (type $returns (func (result i32)))\n")
    };
    m.push_str("  (type $other (func))\n");
    for (i, id) in FUNC_IDS.iter().enumerate() {
        m.push_str(&format!("  (func $e{i} (type $returns) i32.const {id})\n"));
    }
    if table.elements == Elements::Externref {
        m.push_str(EXTERN_DECLARATIONS);
    }
    let element_type = table.elements.type_text();
    let address_type = if table.table64 { "i64 " } else { "" };
    let maximum = match (table.unbounded, entry.is_grow()) {
        (true, _) => String::new(),
        (false, true) => format!(" {}", super::operands::GROW_MAX_ELEMENTS),
        (false, false) => format!(" {TABLE_SIZE}"),
    };
    m.push_str(&format!("  (table $tab (export \"tab\") {address_type}{TABLE_SIZE}{maximum} {element_type})\n"));
    let active = if table.elements == Elements::Funcref {
        // Function indices: the segment encoding without expressions.
        format!("func{}", ACTIVE.iter().map(|i| format!(" $e{i}")).collect::<String>())
    } else {
        let elements: Vec<Option<usize>> = ACTIVE.iter().copied().map(Some).collect();
        format!("{element_type}{}", items(table, &elements))
    };
    m.push_str(&format!("  (elem (table $tab) ({}) {active})\n", const_text(table, 1)));
    m.push_str(&format!("  (elem $p {element_type}{})\n", items(table, &PASSIVE)));
    if let Some(src) = imm.source_table() {
        let address_type = if src.table64 { "i64 " } else { "" };
        let maximum = if src.unbounded { String::new() } else { format!(" {TABLE_SIZE}") };
        // Of the destination's element type, or of a subtype of it
        // (typed function references into `funcref`s).
        let src_type = src.elements.type_text();
        m.push_str(&format!("  (table $src (export \"src\") {address_type}{TABLE_SIZE}{maximum} {src_type})\n"));
        m.push_str(&format!("  (elem (table $src) ({}) {src_type}{})\n", const_text(src, 0), items(src, &SOURCE)));
    }
    if entry.name == "table.get" && table.elements == Elements::Funcref {
        m.push_str("  (table $scratch 1 1 funcref)\n");
    }
    m
}

/// What a table of `externref`s needs: the struct type `$box` its
/// elements of even index wrap their id in, and `$extern_id`, which reads
/// an element's id back (-1 for null).
const EXTERN_DECLARATIONS: &str =
    "  (type $box (struct (field i32)))\n  (func $extern_id (param $r externref) (result i32)
    local.get $r ref.is_null if (result i32) i32.const -1 else
      local.get $r any.convert_extern ref.test (ref $box) if (result i32)
        local.get $r any.convert_extern ref.cast (ref $box) struct.get $box 0
      else
        local.get $r any.convert_extern ref.cast (ref i31) i31.get_u
      end
    end)\n";

/// Element `i` of a table (`$e{i}`'s reference, or for a table of
/// `externref`s the one with id [`FUNC_IDS`]`[i]`: a `$box` struct where
/// `i` is even, an `i31ref` where it is odd), as instructions that push it.
fn element(table: Table, i: usize) -> String {
    match (table.elements, i % 2) {
        (Elements::Funcref | Elements::TypedFuncref, _) => format!("ref.func $e{i}"),
        (Elements::Externref, 0) => format!("i32.const {} struct.new $box extern.convert_any", FUNC_IDS[i]),
        (Elements::Externref, _) => format!("i32.const {} ref.i31 extern.convert_any", FUNC_IDS[i]),
    }
}

/// A null element of the table's type.
fn null(table: Table) -> &'static str {
    match table.elements {
        Elements::Funcref => "ref.null func",
        Elements::TypedFuncref => "ref.null $returns",
        Elements::Externref => "ref.null extern",
    }
}

/// An element segment's items: [`element`]s, or nulls.
fn items(table: Table, elements: &[Option<usize>]) -> String {
    elements
        .iter()
        .map(|e| match e {
            Some(i) => format!(" (item {})", element(table, *i)),
            None => format!(" (item {})", null(table)),
        })
        .collect()
}

/// The instruction's text: the table, segment and type it names.
pub fn instruction_text(entry: &Entry, ty: CalleeType) -> String {
    match entry.name {
        "call_indirect" | "return_call_indirect" => format!("{} $tab (type {})", entry.name, ty.name()),
        "call_ref" | "return_call_ref" => format!("{} {}", entry.name, ty.name()),
        "table.init" => "table.init $tab $p".to_string(),
        "table.copy" => "table.copy $tab $tab".to_string(),
        "elem.drop" => "elem.drop $p".to_string(),
        name => format!("{name} $tab"),
    }
}

/// The element of the table at `index` (a constant of its address type)
/// as an i32: the id of its function (or of the `externref`), -1 where it
/// is null.
fn element_id(table: Table, index: u64) -> String {
    let at = const_text(table, index);
    if table.elements == Elements::Externref {
        return format!("{at} table.get $tab call $extern_id");
    }
    format!(
        "{at} table.get $tab ref.is_null if (result i32) i32.const -1 else {at} call_indirect $tab (type $returns) end"
    )
}

/// `peek`: every element of the table, as [`element_id`] reads it.
pub fn peek_text(table: Table) -> String {
    let results: String = (0..TABLE_SIZE).map(|_| " i32").collect();
    let reads: Vec<String> = (0..TABLE_SIZE as u64).map(|i| element_id(table, i)).collect();
    format!("  (func (export \"peek\") (result{results})\n    {})\n", reads.join("\n    "))
}

/// `reset`: the table as the active segment first made it, element by
/// element.
pub fn reset_text(table: Table) -> String {
    let sets: Vec<String> = (0..TABLE_SIZE as usize)
        .map(|i| {
            let element = match i.checked_sub(1).and_then(|j| ACTIVE.get(j)) {
                Some(f) => element(table, *f),
                None => null(table).to_string(),
            };
            format!("{} {element} table.set $tab", const_text(table, i as u64))
        })
        .collect();
    format!("  (func (export \"reset\")\n    {})\n", sets.join("\n    "))
}

/// The element made from the locals `$val` and `$null` (see the module
/// doc): `$null ? null : element($val & 3)`, chosen by `select`s.
fn make_element(table: Table) -> String {
    let ty = table.elements.type_text();
    let e = |i| element(table, i);
    format!(
        "{null} \
         {e3} {e2} local.get $val i32.const 1 i32.and select (result {ty}) \
         {e1} {e0} local.get $val i32.const 1 i32.and select (result {ty}) \
         local.get $val i32.const 2 i32.and select (result {ty}) \
         local.get $null select (result {ty})",
        null = null(table),
        e3 = e(3),
        e2 = e(2),
        e1 = e(1),
        e0 = e(0),
    )
}

/// `table.get`'s result (a `funcref` on the stack) as an i32: the id of
/// its function, called through `$scratch`, or -1 for null.
const OBSERVE_FUNCREF: &str = "local.set $ref local.get $ref ref.is_null if (result i32) i32.const -1 \
     else i32.const 0 local.get $ref table.set $scratch i32.const 0 call_indirect $scratch (type $returns) end";

/// `table.get`'s result (a `(ref null $returns)`) as an i32: the id of its
/// function, called with `call_ref`, or -1 for null.
const OBSERVE_TYPED: &str = "local.set $ref local.get $ref ref.is_null if (result i32) i32.const -1 \
     else local.get $ref call_ref $returns end";

/// `instr` with its element operand made and its element result observed
/// around it, for the table instructions that have one (`table.set`,
/// `table.fill`, `table.grow`, `table.get`, and `call_ref`'s typed
/// reference); `None` for the others, which run as they are.
pub fn wrapped(entry: &Entry, table: Table, instr: &str) -> Option<String> {
    let make = || make_element(table);
    Some(match entry.name {
        // [index, value, null flag]
        "table.set" => format!("local.set $null local.set $val {} {instr}", make()),
        // [index, value, null flag, length] and [value, null flag, delta]:
        // the last set aside while the element is made.
        "table.fill" | "table.grow" => {
            format!("local.set $n local.set $null local.set $val {} local.get $n {instr}", make())
        }
        // [value, null flag]: a `(ref null $returns)` whatever the table.
        "call_ref" | "return_call_ref" => {
            let typed = make_element(Table { elements: Elements::TypedFuncref, ..table });
            format!("local.set $null local.set $val {typed} {instr}")
        }
        "table.get" => match table.elements {
            Elements::Funcref => format!("{instr} {OBSERVE_FUNCREF}"),
            Elements::TypedFuncref => format!("{instr} {OBSERVE_TYPED}"),
            Elements::Externref => format!("{instr} call $extern_id"),
        },
        _ => return None,
    })
}

/// The locals [`wrapped`] uses, as declarations.
pub fn locals(entry: &Entry, table: Table) -> String {
    let at = if table.table64 { "i64" } else { "i32" };
    match entry.name {
        "table.set" | "call_ref" | "return_call_ref" => " (local $val i32) (local $null i32)".to_string(),
        "table.fill" | "table.grow" => format!(" (local $val i32) (local $null i32) (local $n {at})"),
        "table.get" if table.elements != Elements::Externref => {
            format!(" (local $ref {})", table.elements.type_text())
        }
        _ => String::new(),
    }
}
