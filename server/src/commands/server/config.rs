//! `CONFIG GET parameter [parameter ...]`, `CONFIG SET parameter value
//! [parameter value ...]`, `CONFIG RESETSTAT`, `CONFIG HELP`
//!
//! The parameters themselves (names, kinds, defaults, how a value applies)
//! are the table in [`crate::config`]; these handlers only parse and reply.

use super::super::{help_reply, Ctx};
use super::info::MEMORY_PEAK;
use crate::error::{CmdResult, Error};
use crate::keyspace::glob;
use crate::protocol::Reply;
use bytes::Bytes;
use std::sync::atomic::Ordering;

/// `CONFIG GET pattern [pattern ...]`
pub(super) fn config_get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    let all = ctx.shared.runtime.all();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for pat in &args[2..] {
        for (name, value) in &all {
            if glob::matches(pat, name.as_bytes(), true) && seen.insert(name.clone()) {
                out.push((
                    Reply::Bulk(Bytes::from(name.clone())),
                    Reply::Bulk(Bytes::from(value.clone())),
                ));
            }
        }
    }
    Ok(Reply::Map(out))
}

/// `CONFIG SET parameter value [parameter value ...]`
pub(super) fn config_set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult<Reply> {
    // Redis 7.0 answers an odd argument count with a syntax error, not an arity error.
    if args.len() % 2 == 1 {
        return Err(Error::Syntax);
    }
    let pairs: Vec<(String, String)> = args[2..]
        .chunks(2)
        .map(|kv| {
            (
                String::from_utf8_lossy(&kv[0]).into_owned(),
                String::from_utf8_lossy(&kv[1]).into_owned(),
            )
        })
        .collect();
    ctx.shared.runtime.set_many(&pairs)?;
    Ok(Reply::OK)
}

/// `CONFIG RESETSTAT`
pub(super) fn config_resetstat(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    let shared = ctx.shared;
    let st = &shared.stats;
    for a in [
        &st.commands_processed,
        &st.error_replies,
        &st.expired_keys,
        &st.net_input_bytes,
        &st.net_output_bytes,
        &shared.clients.total_connections,
        &shared.clients.rejected_connections,
    ] {
        a.store(0, Ordering::Relaxed);
    }
    st.errors_by_code.lock().clear();
    for db in shared.keyspace.dbs() {
        db.expired.store(0, Ordering::Relaxed);
    }
    for s in shared.cmd_stats.iter() {
        for a in [&s.calls, &s.usec, &s.rejected_calls, &s.failed_calls] {
            a.store(0, Ordering::Relaxed);
        }
    }
    MEMORY_PEAK.store(0, Ordering::Relaxed);
    Ok(Reply::OK)
}

pub(super) fn config_help(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult<Reply> {
    Ok(help_reply(
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
        ],
    ))
}
