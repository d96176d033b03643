//! The keys of a command line, for COMMAND GETKEYS and GETKEYSANDFLAGS:
//! from the key specs (Redis 7.0's `getKeysUsingKeySpecs`) or a command's
//! own key finder.

use super::reply::status_set;
use super::{Begin, Find};
use crate::commands::Command;
use crate::protocol::Reply;
use bytes::Bytes;

/// Whether COMMAND GETKEYS can find keys in the command at all (Redis's
/// `doesCommandHaveKeys`).
pub fn has_keys(c: &Command) -> bool {
    c.getkeys.is_some() || c.key_specs.iter().any(|k| !k.has_flag("not_key"))
}

/// The keys in `argv` (command name at 0) found with the key specs, as
/// Redis 7.0's `getKeysUsingKeySpecs`: None when a spec points outside the
/// arguments (then Redis falls back to the command's own key finder, if it
/// has one).
fn keys_by_specs(c: &Command, argv: &[Bytes]) -> Option<Vec<(usize, &'static str)>> {
    let argc = argv.len() as i64;
    let mut out = Vec::new();
    for spec in c.key_specs {
        if spec.has_flag("not_key") {
            continue;
        }
        let first = match spec.begin {
            Begin::Index(i) => i as i64,
            Begin::Keyword(word, from) => {
                let from = from as i64;
                let (start, end) = if from > 0 {
                    (from, argc - 1)
                } else {
                    (argc + from, 1)
                };
                let mut found = 0;
                let mut i = start;
                while i != end {
                    if i >= argc || i < 1 {
                        break;
                    }
                    if argv[i as usize].eq_ignore_ascii_case(word.as_bytes()) {
                        found = i + 1;
                        break;
                    }
                    i = if start <= end { i + 1 } else { i - 1 };
                }
                if found == 0 {
                    continue;
                }
                found
            }
        };
        let Find::Range(lastkey, step, limit) = spec.find;
        let (lastkey, step, limit) = (lastkey as i64, step as i64, limit as i64);
        let last = if lastkey >= 0 {
            first + lastkey
        } else if limit == 0 {
            argc + lastkey
        } else {
            first + ((argc - first) / limit + lastkey)
        };
        if last >= argc || last < first || first >= argc {
            return None;
        }
        let mut i = first;
        while i <= last {
            if i < argc && i >= first {
                out.push((i as usize, spec.flags));
            }
            i += step;
        }
    }
    Some(out)
}

/// The keys in `argv` for COMMAND GETKEYS / GETKEYSANDFLAGS (position and
/// flags), as Redis 7.0's `getKeysFromCommandWithSpecs`: the key specs,
/// unless one of them has variable flags or fails, then the command's own
/// key finder.
pub fn key_refs(c: &Command, argv: &[Bytes]) -> Vec<(usize, &'static str)> {
    let variable = c.key_specs.iter().any(|k| k.has_flag("variable_flags"));
    if !variable {
        if let Some(keys) = keys_by_specs(c, argv) {
            return keys;
        }
    }
    match c.getkeys {
        Some(f) => f(argv),
        None => Vec::new(),
    }
}

/// XREAD and XREADGROUP's key finder (Redis's `xreadGetKeys`): skip the
/// options up to the first `STREAMS`; the keys are the first half of what
/// follows it. No keys on a syntax error. (The key spec finds the same keys
/// whenever this finds any, so its flags, none, never show.)
pub fn xread_keys(argv: &[Bytes]) -> Vec<(usize, &'static str)> {
    let argc = argv.len();
    let mut streams = None;
    let mut i = 1;
    while i < argc {
        let a = &argv[i];
        if a.eq_ignore_ascii_case(b"block") || a.eq_ignore_ascii_case(b"count") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"group") {
            i += 2;
        } else if a.eq_ignore_ascii_case(b"noack") {
        } else if a.eq_ignore_ascii_case(b"streams") {
            streams = Some(i);
            break;
        } else {
            break;
        }
        i += 1;
    }
    let Some(pos) = streams else {
        return Vec::new();
    };
    let num = argc - pos - 1;
    if num == 0 || num % 2 != 0 {
        return Vec::new();
    }
    (pos + 1..pos + 1 + num / 2).map(|i| (i, "")).collect()
}

/// SET's key finder (Redis's `setGetKeys`): the key is argument 1; with a
/// `GET` among the options it is read too (`RW access update`), else only
/// overwritten (`OW update`).
pub fn set_keys(argv: &[Bytes]) -> Vec<(usize, &'static str)> {
    let get = argv.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get"));
    vec![(1, if get { "RW access update" } else { "OW update" })]
}

/// The reply of COMMAND GETKEYSANDFLAGS for one key: `[key, flags]`.
pub fn key_and_flags_reply(key: &Bytes, flags: &'static str) -> Reply {
    let flags = flags.split(' ').filter(|f| !f.is_empty());
    Reply::Array(vec![Reply::Bulk(key.clone()), status_set(flags)])
}
