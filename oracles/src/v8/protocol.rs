//! The wire protocol between crosscheck and its Node.js worker
//! (`worker.js`): length-prefixed binary frames on the worker's stdin and
//! stdout, a batch of commands per request and one reply per command. No
//! JSON and no JS numbers carry values: arguments and results are the raw
//! bytes of a wrapper module's memory (see [`super::wrapper`]).
//!
//! Frame: `u32 length` (little-endian) then the payload. Request payload:
//! `u8 stop_on_fatal, u32 count`, then each command as `u32 length, u8 op,
//! fields`. Reply payload: `u32 count`, then per command `u8 status` and
//! its fields. Strings and byte strings are `u32 length` then the bytes.

use std::io::{self, Read, Write};

/// Frames larger than this are garbage, not replies.
pub const MAX_FRAME: usize = 1 << 30;

/// One command of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Drops every instance and registration; defines a fresh `spectest`
    /// (with `shared_memory` and `table64` when asked).
    Reset { shared_memory: bool, table64: bool },
    /// Compiles a wrapper module and keeps it under `id`.
    Wrapper { id: u32, wasm: Vec<u8> },
    /// Compiles a module without instantiating it.
    Compile { wasm: Vec<u8> },
    /// Compiles and instantiates a module as `name`, its imports resolved
    /// against `spectest` and the registered names.
    Instantiate { name: String, wasm: Vec<u8> },
    /// Makes the exports of instance `name` importable as module `as_name`.
    Register { as_name: String, name: String },
    /// Calls export `export` of `name` through wrapper `wrapper`, with the
    /// argument slots `args`; the reply carries `result_bytes` bytes.
    Call { name: String, export: String, wrapper: u32, args: Vec<u8>, result_bytes: u32 },
    /// Reads the exported globals `globals` of `name` through the globals
    /// wrapper `wrapper`.
    Globals { name: String, wrapper: u32, globals: Vec<String>, result_bytes: u32 },
    /// The bytes of an exported memory.
    Memory { name: String, export: String },
    /// The size and null pattern of an exported table.
    Table { name: String, export: String },
    /// `WebAssembly.validate`.
    Validate { wasm: Vec<u8> },
    /// Node's and V8's versions.
    Hello,
}

impl Command {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Command::Reset { shared_memory, table64 } => {
                out.push(1);
                out.push(u8::from(*shared_memory) | (u8::from(*table64) << 1));
            }
            Command::Wrapper { id, wasm } => {
                out.push(2);
                put_u32(out, *id);
                put_bytes(out, wasm);
            }
            Command::Compile { wasm } => {
                out.push(3);
                put_bytes(out, wasm);
            }
            Command::Instantiate { name, wasm } => {
                out.push(4);
                put_bytes(out, name.as_bytes());
                put_bytes(out, wasm);
            }
            Command::Register { as_name, name } => {
                out.push(5);
                put_bytes(out, as_name.as_bytes());
                put_bytes(out, name.as_bytes());
            }
            Command::Call { name, export, wrapper, args, result_bytes } => {
                out.push(6);
                put_bytes(out, name.as_bytes());
                put_bytes(out, export.as_bytes());
                put_u32(out, *wrapper);
                put_bytes(out, args);
                put_u32(out, *result_bytes);
            }
            Command::Globals { name, wrapper, globals, result_bytes } => {
                out.push(7);
                put_bytes(out, name.as_bytes());
                put_u32(out, *wrapper);
                put_u32(out, globals.len() as u32);
                for g in globals {
                    put_bytes(out, g.as_bytes());
                }
                put_u32(out, *result_bytes);
            }
            Command::Memory { name, export } => {
                out.push(8);
                put_bytes(out, name.as_bytes());
                put_bytes(out, export.as_bytes());
            }
            Command::Table { name, export } => {
                out.push(9);
                put_bytes(out, name.as_bytes());
                put_bytes(out, export.as_bytes());
            }
            Command::Validate { wasm } => {
                out.push(10);
                put_bytes(out, wasm);
            }
            Command::Hello => out.push(11),
        }
    }

    /// The shape of this command's OK reply.
    fn reply_shape(&self) -> Shape {
        match self {
            Command::Instantiate { .. } => Shape::Nanos,
            Command::Call { .. } => Shape::NanosBytes,
            Command::Globals { .. } | Command::Memory { .. } => Shape::Bytes,
            Command::Table { .. } => Shape::Table,
            Command::Validate { .. } => Shape::Bool,
            Command::Hello => Shape::Strings2,
            _ => Shape::Empty,
        }
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Empty,
    Nanos,
    NanosBytes,
    Bytes,
    Table,
    Bool,
    Strings2,
}

/// The JS class of an exception the worker caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    Compile,
    Link,
    Runtime,
    Range,
    Type,
    /// A `WebAssembly.Exception`: a Wasm exception no handler caught.
    Exception,
    Other,
}

/// The worker's answer to one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Ok,
    /// Instantiated; compile time in nanoseconds.
    Instantiated {
        compile_nanos: u64,
    },
    /// The call returned; run time in nanoseconds and the result slots.
    Returned {
        run_nanos: u64,
        results: Vec<u8>,
    },
    Bytes(Vec<u8>),
    Table {
        size: u64,
        null: Vec<bool>,
    },
    Valid(bool),
    Hello {
        node: String,
        v8: String,
    },
    /// A JS exception: its class and message.
    Thrown {
        class: ErrorClass,
        message: String,
    },
    /// Not run: an earlier command of a stop-on-fatal batch failed.
    Skipped,
    /// No such instance or export (or a wrapper did not link).
    Missing(String),
}

/// A request that did not get a well-formed reply.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("worker pipe: {0}")]
    Io(#[from] io::Error),
    #[error("garbage from the worker: {0}")]
    Garbage(String),
}

/// A batch of commands, encoded as one frame.
pub fn encode_request(commands: &[Command], stop_on_fatal: bool) -> Vec<u8> {
    let mut payload = vec![u8::from(stop_on_fatal)];
    put_u32(&mut payload, commands.len() as u32);
    let mut cmd = Vec::new();
    for c in commands {
        cmd.clear();
        c.encode(&mut cmd);
        put_bytes(&mut payload, &cmd);
    }
    let mut frame = Vec::with_capacity(payload.len() + 4);
    put_u32(&mut frame, payload.len() as u32);
    frame.extend_from_slice(&payload);
    frame
}

/// Writes a frame.
pub fn write_frame(w: &mut impl Write, frame: &[u8]) -> io::Result<()> {
    w.write_all(frame)?;
    w.flush()
}

/// Reads one frame's payload; `Ok(None)` at a clean end of stream.
pub fn read_frame(r: &mut impl Read) -> Result<Option<Vec<u8>>, ProtocolError> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(ProtocolError::Garbage(format!("a frame of {len} bytes")));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload)?;
    Ok(Some(payload))
}

/// Decodes the replies to `commands` from a reply payload.
pub fn decode_replies(commands: &[Command], payload: &[u8]) -> Result<Vec<Reply>, ProtocolError> {
    let mut c = Cursor { buf: payload, pos: 0 };
    let count = c.u32()? as usize;
    if count != commands.len() {
        return Err(ProtocolError::Garbage(format!("{count} replies to {} commands", commands.len())));
    }
    let mut replies = Vec::with_capacity(count);
    for command in commands {
        let reply = match c.u8()? {
            0 => match command.reply_shape() {
                Shape::Empty => Reply::Ok,
                Shape::Nanos => Reply::Instantiated { compile_nanos: c.u64()? },
                Shape::NanosBytes => Reply::Returned { run_nanos: c.u64()?, results: c.bytes()?.to_vec() },
                Shape::Bytes => Reply::Bytes(c.bytes()?.to_vec()),
                Shape::Table => {
                    let size = c.u64()?;
                    let null: Vec<bool> = c.bytes()?.iter().map(|b| *b != 0).collect();
                    if null.len() as u64 != size {
                        return Err(ProtocolError::Garbage(format!(
                            "table of size {size} with {} entries",
                            null.len()
                        )));
                    }
                    Reply::Table { size, null }
                }
                Shape::Bool => Reply::Valid(c.u8()? != 0),
                Shape::Strings2 => Reply::Hello { node: c.string()?, v8: c.string()? },
            },
            1 => {
                let class = match c.u8()? {
                    0 => ErrorClass::Compile,
                    1 => ErrorClass::Link,
                    2 => ErrorClass::Runtime,
                    3 => ErrorClass::Range,
                    4 => ErrorClass::Type,
                    6 => ErrorClass::Exception,
                    _ => ErrorClass::Other,
                };
                Reply::Thrown { class, message: c.string()? }
            }
            2 => Reply::Skipped,
            3 => Reply::Missing(c.string()?),
            s => return Err(ProtocolError::Garbage(format!("reply status {s}"))),
        };
        replies.push(reply);
    }
    if c.pos != payload.len() {
        return Err(ProtocolError::Garbage(format!("{} bytes after the last reply", payload.len() - c.pos)));
    }
    Ok(replies)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, b.len() as u32);
    out.extend_from_slice(b);
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtocolError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.buf.len());
        let end = end.ok_or_else(|| ProtocolError::Garbage("a truncated reply".into()))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ProtocolError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, ProtocolError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, ProtocolError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn bytes(&mut self) -> Result<&'a [u8], ProtocolError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn string(&mut self) -> Result<String, ProtocolError> {
        String::from_utf8(self.bytes()?.to_vec())
            .map_err(|_| ProtocolError::Garbage("a string that is not UTF-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_decode_by_command_and_reject_garbage() {
        let cmds = [
            Command::Hello,
            Command::Validate { wasm: vec![] },
            Command::Memory { name: "a".into(), export: "m".into() },
        ];
        let mut p = Vec::new();
        put_u32(&mut p, 3);
        p.push(0);
        put_bytes(&mut p, b"26.0.0");
        put_bytes(&mut p, b"14.6");
        p.push(0);
        p.push(1);
        p.push(2);
        let replies = decode_replies(&cmds, &p).unwrap();
        assert_eq!(replies[0], Reply::Hello { node: "26.0.0".into(), v8: "14.6".into() });
        assert_eq!(replies[1], Reply::Valid(true));
        assert_eq!(replies[2], Reply::Skipped);
        p.push(7);
        assert!(matches!(decode_replies(&cmds, &p), Err(ProtocolError::Garbage(_))));
        assert!(matches!(decode_replies(&cmds, &p[..5]), Err(ProtocolError::Garbage(_))));
    }
}
