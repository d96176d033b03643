//! String commands: GET, SET.

use super::{flags::*, Command, Ctx};
use crate::error::{CmdResult, Error};
use crate::keyspace::{Entry, Value};
use crate::protocol::Reply;
use bytes::Bytes;

pub static COMMANDS: &[Command] = &[
    Command {
        summary: "Returns the string value of a key.",
        complexity: "O(1)",
        ..Command::new("get", 2, READONLY | FAST, (1, 1, 1), "string", get)
    },
    Command {
        summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
        complexity: "O(1)",
        ..Command::new("set", -3, WRITE | DENYOOM, (1, 1, 1), "string", set)
    },
];

/// `GET key`
fn get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    ctx.db()
        .get(&args[1], ctx.now_ms, |e| match &e.value {
            Value::Str(s) => Ok(Reply::Bulk(s.clone())),
            #[allow(unreachable_patterns)]
            _ => Err(Error::WrongType),
        })
        .unwrap_or(Ok(Reply::Nil))
}

/// `SET key value`
fn set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    if args.len() != 3 {
        return Err(Error::Syntax);
    }
    let value = Bytes::copy_from_slice(&args[2]);
    ctx.db().insert(
        &args[1],
        Entry::new(Value::Str(value), ctx.now_ms),
        ctx.now_ms,
    );
    ctx.signal(&args[1]);
    Ok(Reply::OK)
}
