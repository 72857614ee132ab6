//! Pre-decoding of function bodies into the interpreter's instruction
//! array: the instruction set (`instr`), the table of plain numeric
//! operators (`ops`), the per-function translator (`func`) and its
//! memory-instruction part (`func_mem`).

pub mod func;
pub mod func_mem;
pub mod instr;
pub mod ops;
