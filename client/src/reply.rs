//! Lossless parsing of stream replies from `redis::Value` into this crate's
//! types. Field/value pairs stay ordered and binary; RESP2 arrays and RESP3
//! maps are both accepted, so the same code reads Sluice and Redis replies.

use bytes::Bytes;
use redis::Value;

use crate::error::{Error, Result};
use crate::id::StreamId;

/// One stream entry: its ID and its field/value pairs in the order they were added.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// The entry's ID.
    pub id: StreamId,
    /// Field/value pairs, in insertion order, as raw bytes.
    pub fields: Vec<(Bytes, Bytes)>,
}

impl Entry {
    /// The value of the first field named `name`, if any.
    pub fn get(&self, name: &[u8]) -> Option<&Bytes> {
        self.fields
            .iter()
            .find(|(f, _)| f.as_ref() == name)
            .map(|(_, v)| v)
    }
}

/// An entry as read from a group: the payload is `None` when the entry is
/// still pending but was deleted from the stream (trimmed or XDEL'd).
#[derive(Clone, Debug)]
pub(crate) struct ReadEntry {
    pub id: StreamId,
    pub fields: Option<Vec<(Bytes, Bytes)>>,
    /// `XREADGROUP ... CLAIM` (Redis 8.4+) adds idle time and the delivery
    /// count before this delivery (both 0 for new entries).
    pub claimed: Option<(u64, u64)>,
}

pub(crate) fn bytes(v: &Value) -> Option<Bytes> {
    match v {
        Value::BulkString(b) => Some(Bytes::copy_from_slice(b)),
        Value::SimpleString(s) => Some(Bytes::copy_from_slice(s.as_bytes())),
        Value::VerbatimString { text, .. } => Some(Bytes::copy_from_slice(text.as_bytes())),
        Value::Okay => Some(Bytes::from_static(b"OK")),
        Value::Int(i) => Some(Bytes::from(i.to_string())),
        _ => None,
    }
}

pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::BulkString(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        Value::SimpleString(s) => s.parse().ok(),
        _ => None,
    }
}

pub(crate) fn id(cmd: &'static str, v: &Value) -> Result<StreamId> {
    let b = bytes(v).ok_or_else(|| Error::protocol(cmd, format!("expected an ID, got {v:?}")))?;
    StreamId::parse(&b)
}

/// Elements of an array-like reply (array, set, or a flattened map).
pub(crate) fn items(cmd: &'static str, v: Value) -> Result<Vec<Value>> {
    match v {
        Value::Array(a) | Value::Set(a) => Ok(a),
        Value::Map(m) => Ok(m.into_iter().flat_map(|(k, v)| [k, v]).collect()),
        Value::Nil => Ok(Vec::new()),
        other => Err(Error::protocol(
            cmd,
            format!("expected an array, got {other:?}"),
        )),
    }
}

/// A flat `[f1, v1, f2, v2, ...]` list (or RESP3 map) into ordered pairs.
pub(crate) fn pairs(cmd: &'static str, v: Value) -> Result<Vec<(Bytes, Bytes)>> {
    let flat = items(cmd, v)?;
    if flat.len() % 2 != 0 {
        return Err(Error::protocol(cmd, "odd number of field/value elements"));
    }
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut it = flat.iter();
    while let (Some(f), Some(v)) = (it.next(), it.next()) {
        let f = bytes(f).ok_or_else(|| Error::protocol(cmd, "non-string field"))?;
        let v = bytes(v).ok_or_else(|| Error::protocol(cmd, "non-string value"))?;
        out.push((f, v));
    }
    Ok(out)
}

/// Key/value pairs of an info-style reply (XINFO GROUPS element): RESP2 flat
/// array or RESP3 map, keys as text.
pub(crate) fn info_map(cmd: &'static str, v: Value) -> Result<Vec<(String, Value)>> {
    let flat = items(cmd, v)?;
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut it = flat.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        let k = bytes(&k).ok_or_else(|| Error::protocol(cmd, "non-string key"))?;
        out.push((String::from_utf8_lossy(&k).into_owned(), v));
    }
    Ok(out)
}

fn read_entry(cmd: &'static str, v: Value) -> Result<ReadEntry> {
    let mut parts = items(cmd, v)?.into_iter();
    let id = id(
        cmd,
        &parts
            .next()
            .ok_or_else(|| Error::protocol(cmd, "empty entry"))?,
    )?;
    let fields = match parts.next() {
        None | Some(Value::Nil) => None,
        Some(v) => Some(pairs(cmd, v)?),
    };
    let claimed = match (parts.next(), parts.next()) {
        (Some(idle), Some(count)) => match (int(&idle), int(&count)) {
            // The count is unsigned on the server: negative means past i64::MAX.
            (Some(i), Some(c)) => Some((i.max(0) as u64, c as u64)),
            _ => return Err(Error::protocol(cmd, "bad claim metadata")),
        },
        _ => None,
    };
    Ok(ReadEntry {
        id,
        fields,
        claimed,
    })
}

/// A list of entries (XRANGE reply, or the entries part of XREAD/XAUTOCLAIM).
pub(crate) fn read_entries(cmd: &'static str, v: Value) -> Result<Vec<ReadEntry>> {
    items(cmd, v)?
        .into_iter()
        .map(|e| read_entry(cmd, e))
        .collect()
}

/// Entries with payloads (XRANGE/XREVRANGE), skipping none.
pub(crate) fn entries(cmd: &'static str, v: Value) -> Result<Vec<Entry>> {
    read_entries(cmd, v)?
        .into_iter()
        .map(|e| {
            Ok(Entry {
                id: e.id,
                fields: e
                    .fields
                    .ok_or_else(|| Error::protocol(cmd, "entry without fields"))?,
            })
        })
        .collect()
}

/// XREAD/XREADGROUP reply for a single stream: `[[key, entries]]`, a RESP3
/// map `{key: entries}`, or nil (timeout).
pub(crate) fn xread_single(cmd: &'static str, v: Value) -> Result<Vec<ReadEntry>> {
    let per_stream: Vec<Value> = match v {
        Value::Nil => return Ok(Vec::new()),
        Value::Map(m) => m.into_iter().map(|(_, v)| v).collect(),
        Value::Array(a) => a
            .into_iter()
            .map(|kv| {
                let mut kv = items(cmd, kv)?;
                if kv.len() != 2 {
                    return Err(Error::protocol(cmd, "stream element is not [key, entries]"));
                }
                Ok(kv.pop().unwrap_or(Value::Nil))
            })
            .collect::<Result<_>>()?,
        other => return Err(Error::protocol(cmd, format!("unexpected reply {other:?}"))),
    };
    let mut out = Vec::new();
    for entries in per_stream {
        out.extend(read_entries(cmd, entries)?);
    }
    Ok(out)
}

/// XAUTOCLAIM reply: `[next-cursor, entries, deleted-ids]` (deleted-ids since 7.0).
pub(crate) fn xautoclaim(v: Value) -> Result<(StreamId, Vec<ReadEntry>, Vec<StreamId>)> {
    const CMD: &str = "XAUTOCLAIM";
    let mut parts = items(CMD, v)?.into_iter();
    let cursor = id(
        CMD,
        &parts
            .next()
            .ok_or_else(|| Error::protocol(CMD, "empty reply"))?,
    )?;
    let entries = read_entries(CMD, parts.next().unwrap_or(Value::Nil))?;
    let deleted = items(CMD, parts.next().unwrap_or(Value::Nil))?
        .iter()
        .map(|v| id(CMD, v))
        .collect::<Result<_>>()?;
    Ok((cursor, entries, deleted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn keeps_field_order_and_binary_names() {
        let entry = Value::Array(vec![
            bulk("5-1"),
            Value::Array(vec![
                bulk("z"),
                bulk("1"),
                Value::BulkString(vec![0, 255]),
                bulk("2"),
                bulk("z"),
                bulk("3"),
            ]),
        ]);
        let got = entries("XRANGE", Value::Array(vec![entry])).unwrap();
        assert_eq!(got[0].id, StreamId::new(5, 1));
        let names: Vec<&[u8]> = got[0].fields.iter().map(|(f, _)| f.as_ref()).collect();
        assert_eq!(names, vec![&b"z"[..], &[0, 255][..], &b"z"[..]]);
        assert_eq!(got[0].get(b"z").unwrap().as_ref(), b"1");
    }

    #[test]
    fn xreadgroup_resp2_resp3_nil_and_deleted() {
        let entries = Value::Array(vec![
            Value::Array(vec![bulk("1-0"), Value::Array(vec![bulk("f"), bulk("v")])]),
            Value::Array(vec![bulk("2-0"), Value::Nil]),
        ]);
        let resp2 = Value::Array(vec![Value::Array(vec![bulk("s"), entries.clone()])]);
        let resp3 = Value::Map(vec![(bulk("s"), entries)]);
        for v in [resp2, resp3] {
            let got = xread_single("XREADGROUP", v).unwrap();
            assert_eq!(got.len(), 2);
            assert!(got[0].fields.is_some());
            assert!(got[1].fields.is_none());
        }
        assert!(xread_single("XREADGROUP", Value::Nil).unwrap().is_empty());
    }

    #[test]
    fn xreadgroup_claim_metadata() {
        let v = Value::Array(vec![Value::Array(vec![
            bulk("s"),
            Value::Array(vec![Value::Array(vec![
                bulk("1-0"),
                Value::Array(vec![bulk("f"), bulk("v")]),
                Value::Int(1500),
                Value::Int(3),
            ])]),
        ])]);
        let got = xread_single("XREADGROUP", v).unwrap();
        assert_eq!(got[0].claimed, Some((1500, 3)));
        // A count past i64::MAX (XNACK FATAL, claimed again) arrives negative
        // and must stay a huge count, so the entry is dead-lettered.
        let v = Value::Array(vec![Value::Array(vec![
            bulk("s"),
            Value::Array(vec![Value::Array(vec![
                bulk("1-0"),
                Value::Array(vec![bulk("f"), bulk("v")]),
                Value::Int(0),
                Value::Int(i64::MIN),
            ])]),
        ])]);
        let got = xread_single("XREADGROUP", v).unwrap();
        assert_eq!(got[0].claimed, Some((0, 1u64 << 63)));
    }

    #[test]
    fn xautoclaim_reply() {
        let v = Value::Array(vec![
            bulk("0-0"),
            Value::Array(vec![Value::Array(vec![
                bulk("3-0"),
                Value::Array(vec![bulk("a"), bulk("b")]),
            ])]),
            Value::Array(vec![bulk("2-0")]),
        ]);
        let (cursor, entries, deleted) = xautoclaim(v).unwrap();
        assert_eq!(cursor, StreamId::MIN);
        assert_eq!(entries[0].id, StreamId::new(3, 0));
        assert_eq!(deleted, vec![StreamId::new(2, 0)]);
    }
}
