//! Tests of the log: unit cases and a model-based property test.

use super::*;

fn lim(e: i64, b: i64) -> NodeLimits {
    NodeLimits {
        max_entries: e,
        max_bytes: b,
    }
}

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

#[test]
fn approx_trim_removes_whole_nodes() {
    let mut s = Stream::new();
    for i in 1..=1000 {
        s.append(id(i, 1), &[&b"f"[..], &b"v"[..]], NodeLimits::default());
    }
    assert_eq!(s.node_count(), 10);
    assert_eq!(s.trim(Trim::MaxLen(555), true, 10000), 400);
    assert_eq!(s.len(), 600);
    assert_eq!(s.node_count(), 6);
    // Redis 7.0.15 reports 17 rax nodes for this stream.
    assert_eq!(s.rax_nodes(), 17);
    s.check_invariants();
}

#[test]
fn append_get_range_delete() {
    let mut s = Stream::new();
    for i in 1..=10 {
        s.append(id(i, 0), &[&b"a"[..], &b"1"[..]], lim(3, 0));
    }
    assert_eq!(s.node_count(), 4);
    assert_eq!(
        s.get(id(5, 0)).unwrap().to_pairs(),
        vec![(b"a".to_vec(), b"1".to_vec())]
    );
    assert!(s.delete(id(5, 0)));
    assert!(!s.delete(id(5, 0)));
    assert!(s.get(id(5, 0)).is_none());
    let fwd: Vec<u64> = s.range(id(3, 0), id(8, 0)).map(|e| e.id.ms).collect();
    assert_eq!(fwd, vec![3, 4, 6, 7, 8]);
    let back: Vec<u64> = s.rev_range(id(3, 0), id(8, 0)).map(|e| e.id.ms).collect();
    assert_eq!(back, vec![8, 7, 6, 4, 3]);
    assert!(s.delete(id(1, 0)));
    assert_eq!(s.first_id(), id(2, 0));
    assert_eq!(s.max_deleted_entry_id(), id(5, 0));
    s.check_invariants();
}
