//! Normalisations: the documented ways a case hides what legitimately differs
//! between two servers (time-based IDs, timing integers, server identity,
//! Redis 8's built-in `vectorset` module) before replies are compared. Each one is applied identically to both
//! sides; with none in effect, raw bytes are compared.

use crate::case::{Case, Mods};
use crate::resp::V;
use bytes::Bytes;
use std::collections::HashMap;

/// Placeholders for time-based stream IDs, per server and per case run: the
/// first distinct ID seen becomes `<id1>`, the next `<id2>`, ...
#[derive(Default, Debug)]
pub struct IdMap {
    seen: HashMap<Bytes, usize>,
}

impl IdMap {
    fn placeholder(&mut self, id: &Bytes) -> Bytes {
        let n = self.seen.len() + 1;
        let k = *self.seen.entry(id.clone()).or_insert(n);
        Bytes::from(format!("<id{k}>"))
    }
}

/// True for `<ms>-<seq>` where ms has at least 12 digits: an ID generated from
/// the clock (`*`), as opposed to the small explicit IDs cases write.
pub fn is_time_id(b: &[u8]) -> bool {
    let Some(dash) = b.iter().position(|&c| c == b'-') else {
        return false;
    };
    let (ms, seq) = (&b[..dash], &b[dash + 1..]);
    ms.len() >= 12
        && !seq.is_empty()
        && ms.iter().all(u8::is_ascii_digit)
        && seq.iter().all(u8::is_ascii_digit)
}

/// Whether a step's replies need the tree (not the raw bytes) compared.
pub fn needed(case: &Case, mods: &Mods) -> bool {
    case.normalize_ids || !case.masks.is_empty() || mods.any()
}

/// Applies the case's directives and the line's modifiers to a reply.
pub fn apply(v: &V, case: &Case, mods: &Mods, ids: &mut IdMap) -> V {
    let mut v = v.clone();
    if mods.builtin_modules {
        drop_builtin_modules(&mut v);
    }
    if mods.idmp_defaults {
        drop_idmp_defaults(&mut v);
    }
    if case.normalize_ids {
        walk(&mut v, &mut |x| {
            if let V::Bulk(b) | V::Simple(b) = x {
                if is_time_id(b) {
                    *b = ids.placeholder(b);
                }
            }
        });
    }
    if !case.masks.is_empty() {
        mask_fields(&mut v, &case.masks);
    }
    if mods.ints {
        walk(&mut v, &mut |x| {
            if let V::Int(_) = x {
                *x = V::Masked(Bytes::from_static(b"int"));
            }
        });
    }
    if let Some(n) = mods.ints_at {
        walk(&mut v, &mut |x| {
            if let V::Array(items) = x {
                if let Some(i @ V::Int(_)) = items.get_mut(n as usize) {
                    *i = V::Masked(Bytes::from_static(b"int"));
                }
            }
        });
    }
    if mods.sorted {
        sort_all(&mut v);
    }
    if mods.type_only {
        v = type_of(&v);
    } else if mods.shape {
        v = shape(&v);
    }
    v
}

/// The modules Redis loads on its own (Redis 8.0: `vectorset`, compiled in),
/// which Sluice does not have.
pub const BUILTIN_MODULES: &[&[u8]] = &[b"vectorset"];

/// Drops, from every array or set in `v`, the entries that describe a
/// built-in module: a map (RESP3) or flat key/value array (RESP2) whose
/// `name` is one of [`BUILTIN_MODULES`]. Applied to HELLO's `modules` field
/// and MODULE LIST's reply, so `modules => []` on Sluice compares with Redis
/// 8's `modules => [{name: vectorset, ver: 1, path: "", args: []}]`; any
/// other module still shows.
pub fn drop_builtin_modules(v: &mut V) {
    fn is_builtin(entry: &V) -> bool {
        let name = |k: &V, x: &V| match (k, x) {
            (V::Bulk(k) | V::Simple(k), V::Bulk(n) | V::Simple(n)) => {
                &k[..] == b"name" && BUILTIN_MODULES.contains(&&n[..])
            }
            _ => false,
        };
        match entry {
            V::Map(pairs) => pairs.iter().any(|(k, x)| name(k, x)),
            V::Array(items) if items.len() % 2 == 0 => items.chunks(2).any(|p| name(&p[0], &p[1])),
            _ => false,
        }
    }
    walk(v, &mut |x| {
        if let V::Array(items) | V::Set(items) = x {
            items.retain(|e| !is_builtin(e));
        }
    });
}

/// XINFO STREAM's IDMP fields (Redis 8.6) with the values they have on a
/// stream that never used IDMP (`stream-idmp-duration` and
/// `stream-idmp-maxsize` at their defaults, nothing tracked).
pub const IDMP_DEFAULTS: &[(&[u8], i64)] = &[
    (b"idmp-duration", 100),
    (b"idmp-maxsize", 100),
    (b"pids-tracked", 0),
    (b"iids-tracked", 0),
    (b"iids-added", 0),
    (b"iids-duplicates", 0),
];

/// Drops, from every map (RESP3) or flat key/value array (RESP2) in `v`
/// that has a `radix-tree-keys` key (an XINFO STREAM reply), the IDMP
/// fields that hold their [`IDMP_DEFAULTS`]: Redis 8.0 has no IDMP and
/// lacks them, Sluice answers as 8.6 does. A field with any other value
/// (a stream that used IDMP, or a wrong default) still shows, so it fails
/// the comparison with Redis 8.0.
pub fn drop_idmp_defaults(v: &mut V) {
    let is_key = |k: &V, name: &[u8]| matches!(k, V::Bulk(b) | V::Simple(b) if &b[..] == name);
    let is_default = |k: &V, x: &V| {
        IDMP_DEFAULTS
            .iter()
            .any(|(name, d)| is_key(k, name) && matches!(x, V::Int(n) if n == d))
    };
    walk(v, &mut |x| match x {
        V::Map(pairs) if pairs.iter().any(|(k, _)| is_key(k, b"radix-tree-keys")) => {
            pairs.retain(|(k, x)| !is_default(k, x));
        }
        V::Array(items)
            if items.len() % 2 == 0
                && items.chunks(2).any(|p| is_key(&p[0], b"radix-tree-keys")) =>
        {
            let kept: Vec<V> = std::mem::take(items)
                .chunks(2)
                .filter(|p| !is_default(&p[0], &p[1]))
                .flat_map(|p| p.iter().cloned())
                .collect();
            *items = kept;
        }
        _ => {}
    });
}

/// Sorts every aggregate, children first so that parents sort by sorted children.
fn sort_all(v: &mut V) {
    match v {
        V::Array(items) | V::Set(items) | V::Push(items) => {
            items.iter_mut().for_each(sort_all);
            items.sort_by_cached_key(crate::resp::to_wire);
        }
        V::Map(pairs) => {
            for (k, x) in pairs.iter_mut() {
                sort_all(k);
                sort_all(x);
            }
            pairs.sort_by_cached_key(|(k, _)| crate::resp::to_wire(k));
        }
        _ => {}
    }
}

/// Visits every value, parents before children.
fn walk(v: &mut V, f: &mut impl FnMut(&mut V)) {
    f(v);
    match v {
        V::Array(items) | V::Set(items) | V::Push(items) => {
            for i in items {
                walk(i, f);
            }
        }
        V::Map(pairs) => {
            for (k, x) in pairs {
                walk(k, f);
                walk(x, f);
            }
        }
        V::Attr(pairs, inner) => {
            for (k, x) in pairs {
                walk(k, f);
                walk(x, f);
            }
            walk(inner, f);
        }
        _ => {}
    }
}

/// `@mask field`: an integer that follows `field` in a map, or in a flat
/// key-value array (the RESP2 form of a map), is hidden.
fn mask_fields(v: &mut V, fields: &[Bytes]) {
    let is_field = |k: &V| match k {
        V::Bulk(b) | V::Simple(b) => fields.iter().any(|f| f == b),
        _ => false,
    };
    let masked = || V::Masked(Bytes::from_static(b"int"));
    walk(v, &mut |x| match x {
        V::Map(pairs) => {
            for (k, val) in pairs.iter_mut() {
                if is_field(k) && matches!(val, V::Int(_)) {
                    *val = masked();
                }
            }
        }
        V::Array(items) if items.len() % 2 == 0 => {
            for pair in items.chunks_mut(2) {
                if is_field(&pair[0]) && matches!(pair[1], V::Int(_)) {
                    pair[1] = masked();
                }
            }
        }
        _ => {}
    });
}

fn type_name(v: &V) -> &'static str {
    match v {
        V::Simple(_) => "simple",
        V::Error(_) => "error",
        V::Int(_) => "int",
        V::Bulk(_) => "bulk",
        V::NullBulk => "nil",
        V::NullArray => "nilarray",
        V::Null => "null",
        V::Array(_) => "array",
        V::Map(_) => "map",
        V::Set(_) => "set",
        V::Push(_) => "push",
        V::Double(_) => "double",
        V::Bool(_) => "bool",
        V::Verbatim(..) => "verbatim",
        V::BigNumber(_) => "bignumber",
        V::BlobError(_) => "bloberror",
        V::Attr(..) => "attribute",
        V::Masked(_) => "masked",
    }
}

/// `?type`: only the top-level type remains (errors stay whole).
fn type_of(v: &V) -> V {
    match v {
        V::Error(_) | V::BlobError(_) => v.clone(),
        _ => V::Masked(Bytes::from_static(type_name(v).as_bytes())),
    }
}

/// `?shape`: types and aggregate lengths remain, scalar values go (errors and
/// nulls stay whole).
fn shape(v: &V) -> V {
    match v {
        V::Error(_) | V::BlobError(_) | V::NullBulk | V::NullArray | V::Null | V::Masked(_) => {
            v.clone()
        }
        V::Array(items) => V::Array(items.iter().map(shape).collect()),
        V::Set(items) => V::Set(items.iter().map(shape).collect()),
        V::Push(items) => V::Push(items.iter().map(shape).collect()),
        V::Map(pairs) => V::Map(pairs.iter().map(|(k, x)| (shape(k), shape(x))).collect()),
        V::Attr(pairs, inner) => V::Attr(
            pairs.iter().map(|(k, x)| (shape(k), shape(x))).collect(),
            Box::new(shape(inner)),
        ),
        _ => V::Masked(Bytes::from_static(type_name(v).as_bytes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> V {
        V::Bulk(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn ids_are_numbered_by_first_appearance() {
        let case = Case {
            normalize_ids: true,
            ..Case::default()
        };
        let mut ids = IdMap::default();
        let v = V::Array(vec![
            b("1700000000001-0"),
            b("1700000000000-5"),
            b("1700000000001-0"),
            b("1-1"),
        ]);
        let out = apply(&v, &case, &Mods::default(), &mut ids);
        assert_eq!(
            out,
            V::Array(vec![b("<id1>"), b("<id2>"), b("<id1>"), b("1-1")])
        );
    }

    #[test]
    fn masks_map_values_in_both_protocols() {
        let case = Case {
            masks: vec![Bytes::from_static(b"idle")],
            ..Case::default()
        };
        let m = Mods::default();
        let mut ids = IdMap::default();
        let flat = V::Array(vec![b("name"), b("a"), b("idle"), V::Int(12)]);
        let out = apply(&flat, &case, &m, &mut ids);
        assert_eq!(
            out,
            V::Array(vec![
                b("name"),
                b("a"),
                b("idle"),
                V::Masked(Bytes::from_static(b"int"))
            ])
        );
        let map = V::Map(vec![(b("idle"), V::Int(3)), (b("pending"), V::Int(3))]);
        let V::Map(p) = apply(&map, &case, &m, &mut ids) else {
            panic!()
        };
        assert!(matches!(p[0].1, V::Masked(_)));
        assert_eq!(p[1].1, V::Int(3));
    }

    #[test]
    fn idmp_defaults_dropped_only_with_default_values() {
        let case = Case::default();
        let m = Mods {
            idmp_defaults: true,
            ..Mods::default()
        };
        let mut ids = IdMap::default();
        let i = V::Int;
        let flat = |d: i64, pids: i64| {
            V::Array(vec![
                b("length"),
                i(1),
                b("radix-tree-keys"),
                i(1),
                b("idmp-duration"),
                i(d),
                b("idmp-maxsize"),
                i(100),
                b("pids-tracked"),
                i(pids),
                b("groups"),
                i(0),
            ])
        };
        let out = apply(&flat(100, 0), &case, &m, &mut ids);
        assert_eq!(
            out,
            V::Array(vec![
                b("length"),
                i(1),
                b("radix-tree-keys"),
                i(1),
                b("groups"),
                i(0)
            ])
        );
        // A value other than the default stays, to fail against Redis 8.0.
        let V::Array(kept) = apply(&flat(50, 2), &case, &m, &mut ids) else {
            panic!()
        };
        assert_eq!(kept.len(), 10);
        assert!(kept.contains(&b("idmp-duration")) && kept.contains(&b("pids-tracked")));
        // Only XINFO STREAM replies (with radix-tree-keys) are touched.
        let other = V::Map(vec![(b("idmp-maxsize"), i(100))]);
        assert_eq!(apply(&other, &case, &m, &mut ids), other);
        let map = V::Map(vec![
            (b("radix-tree-keys"), i(0)),
            (b("iids-duplicates"), i(0)),
        ]);
        assert_eq!(
            apply(&map, &case, &m, &mut ids),
            V::Map(vec![(b("radix-tree-keys"), i(0))])
        );
    }

    #[test]
    fn ints_at_masks_one_column() {
        let case = Case::default();
        let mods = Mods {
            ints_at: Some(2),
            ..Mods::default()
        };
        let mut ids = IdMap::default();
        let row = |idle, count| {
            V::Array(vec![V::Array(vec![
                b("1-1"),
                b("c"),
                V::Int(idle),
                V::Int(count),
            ])])
        };
        let a = apply(&row(5, 7), &case, &mods, &mut ids);
        assert_eq!(a, apply(&row(9, 7), &case, &mods, &mut ids));
        assert_ne!(a, apply(&row(5, 8), &case, &mods, &mut ids));
    }

    #[test]
    fn builtin_modules_drops_vectorset_only() {
        let case = Case::default();
        let mods = Mods {
            builtin_modules: true,
            ..Mods::default()
        };
        let mut ids = IdMap::default();
        let module = |name: &str| {
            V::Array(vec![
                b("name"),
                b(name),
                b("ver"),
                V::Int(1),
                b("path"),
                b(""),
            ])
        };
        let hello = |modules: Vec<V>| {
            V::Array(vec![b("proto"), V::Int(2), b("modules"), V::Array(modules)])
        };
        let none = apply(&hello(vec![]), &case, &mods, &mut ids);
        assert_eq!(
            none,
            apply(&hello(vec![module("vectorset")]), &case, &mods, &mut ids)
        );
        assert_ne!(
            none,
            apply(&hello(vec![module("other")]), &case, &mods, &mut ids)
        );
        let map = V::Map(vec![(b("name"), b("vectorset")), (b("ver"), V::Int(1))]);
        assert_eq!(
            apply(&V::Array(vec![map]), &case, &mods, &mut ids),
            V::Array(vec![])
        );
        // Without the flag nothing is dropped.
        let plain = apply(
            &hello(vec![module("vectorset")]),
            &case,
            &Mods::default(),
            &mut ids,
        );
        assert_eq!(plain, hello(vec![module("vectorset")]));
    }

    #[test]
    fn shape_keeps_types_and_lengths() {
        let case = Case::default();
        let mods = Mods {
            shape: true,
            ..Mods::default()
        };
        let mut ids = IdMap::default();
        let a = apply(&V::Array(vec![b("x"), V::Int(1)]), &case, &mods, &mut ids);
        let c = apply(&V::Array(vec![b("yy"), V::Int(2)]), &case, &mods, &mut ids);
        let d = apply(&V::Array(vec![b("yy")]), &case, &mods, &mut ids);
        assert_eq!(a, c);
        assert_ne!(a, d);
    }
}
