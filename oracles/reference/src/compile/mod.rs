//! Pre-decoding of function bodies into the interpreter's instruction
//! array: the instruction set (`instr`), the table of plain numeric
//! operators (`ops`), the per-function translator (`func`), its
//! memory-instruction part (`func_mem`), its part for the instructions of
//! typed function references, GC and exceptions (`func_gc`), its peephole fusion of operand
//! fetches into superinstructions (`fuse`), and the hot operators'
//! specialized instructions (`hot`).

pub mod func;
pub mod func_gc;
pub mod func_mem;
pub mod fuse;
pub mod hot;
pub mod instr;
pub mod ops;
