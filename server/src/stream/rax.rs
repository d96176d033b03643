//! The node count of the radix tree Redis would hold for a stream's node
//! keys, for XINFO STREAM's `radix-tree-nodes`.
//!
//! Redis indexes listpack nodes in a rax keyed by the master ID as 16
//! big-endian bytes. Sluice uses a BTreeMap instead, so this module computes
//! what the rax's node count would be. A rax is a compressed trie: a run of
//! single-child, non-key positions is one compressed node, a position with
//! two or more children is one node holding one byte per child, and each key
//! ends in its own (leaf) node. With keys all 16 bytes long, none is a prefix
//! of another, and Redis re-compresses after removals, so the structure
//! depends only on the key set: its nodes are
//! - the root,
//! - every trie position with ≥ 2 children (a branching node),
//! - every child of a branching position (where a new chain starts),
//! - every leaf,
//!
//! each counted once. A trie position at depth `d` is a run of sorted keys
//! whose adjacent common prefixes are all ≥ `d`; it branches when some
//! adjacent pair inside it shares exactly `d` bytes.

//!
//! # Keeping the count
//! XINFO STREAM must cost O(1) in the stream's length, so the log keeps the
//! count as it adds and removes nodes ([`insert_delta`]), and
//! [`node_count`] recomputes it from scratch for `check_invariants`.
//! Inserting a key `k` into a non-empty set: let `L` be its longest common
//! prefix with the set (with its predecessor or its successor) and `q`
//! the position at depth `L`, where the new branch leaves. New positions
//! are the chain `L+1..=16`, of which only its first (a child of `q`, once
//! `q` has two children) and its leaf are counted, once if they are the
//! same position (`L = 15`). If `q` already branched, that is all. If it
//! had one child, `q` starts to branch: `q` becomes counted unless it
//! already was (the root, or a child of a branching position), and so does
//! its old child `x` (unless a leaf or branching itself). Removing a key is
//! the same delta, negated, computed on the set without it.

/// The 16-byte big-endian rax key of an ID.
pub fn key(id: super::StreamId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&id.ms.to_be_bytes());
    k[8..].copy_from_slice(&id.seq.to_be_bytes());
    k
}

/// The ID of a 16-byte rax key.
pub fn id_of(k: &[u8; 16]) -> super::StreamId {
    let ms = u64::from_be_bytes(k[..8].try_into().expect("8 bytes"));
    let seq = u64::from_be_bytes(k[8..].try_into().expect("8 bytes"));
    super::StreamId::new(ms, seq)
}

/// The log's node index is ordered as the rax keys are (ms, then seq, both
/// big-endian), so a prefix is an ID range.
impl<V> PrefixRange for std::collections::BTreeMap<super::StreamId, V> {
    fn prefix_range(&self, prefix: &[u8; 16], d: usize) -> Option<([u8; 16], [u8; 16])> {
        let (mut lo, mut hi) = (*prefix, *prefix);
        lo[d..].fill(0);
        hi[d..].fill(0xff);
        let mut r = self.range(id_of(&lo)..=id_of(&hi));
        let first = *r.next()?.0;
        let last = r.next_back().map_or(first, |(k, _)| *k);
        Some((key(first), key(last)))
    }
}

fn lcp(a: &[u8; 16], b: &[u8; 16]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// First and last keys of a set starting with a prefix: what
/// [`insert_delta`] asks of the set.
pub trait PrefixRange {
    /// The smallest and largest key whose first `d` bytes are `prefix[..d]`,
    /// None when there is none.
    fn prefix_range(&self, prefix: &[u8; 16], d: usize) -> Option<([u8; 16], [u8; 16])>;
}

/// Whether the position `prefix[..d]` of the set has two or more children.
fn branches(set: &impl PrefixRange, prefix: &[u8; 16], d: usize) -> bool {
    d < 16
        && set
            .prefix_range(prefix, d)
            .is_some_and(|(a, b)| a[d] != b[d])
}

/// The change in the rax node count when `k` (not in the set) joins `set`;
/// `pred`/`succ` are its neighbours in the set. Removing `k` changes the
/// count by minus the delta computed on the set without it. O(log n) range
/// queries, a handful of them.
pub fn insert_delta(
    set: &impl PrefixRange,
    k: &[u8; 16],
    pred: Option<&[u8; 16]>,
    succ: Option<&[u8; 16]>,
) -> u64 {
    let l = pred
        .map_or(0, |a| lcp(a, k))
        .max(succ.map_or(0, |b| lcp(k, b)));
    if pred.is_none() && succ.is_none() {
        // The first key: the root and one leaf (the root was there).
        return 1;
    }
    debug_assert!(l < 16, "the key is already in the set");
    // The new chain's head (a child of q, which branches now) and its leaf.
    let chain = if l + 1 == 16 { 1 } else { 2 };
    if branches(set, k, l) {
        return chain;
    }
    // q had one child: it starts to branch.
    let q_counted = l == 0 || branches(set, k, l - 1);
    // Its old child x: the next position of the keys under q.
    let (first, _) = set.prefix_range(k, l).expect("q has keys");
    let x_counted = l + 1 == 16 || branches(set, &first, l + 1);
    chain + u64::from(!q_counted) + u64::from(!x_counted)
}

/// Node count of a rax holding `keys` (sorted, distinct).
pub fn node_count(keys: &[[u8; 16]]) -> u64 {
    let n = keys.len();
    if n == 0 {
        return 1;
    }
    // l[i]: common prefix of keys[i-1] and keys[i] (l[0] unused).
    let l: Vec<usize> = (0..n)
        .map(|i| {
            if i == 0 {
                0
            } else {
                lcp(&keys[i - 1], &keys[i])
            }
        })
        .collect();
    // parent_branching[i]: whether the run containing key i one level up branches.
    let mut parent_branching = vec![false; n];
    let mut count = 0u64;
    for d in 0..=16usize {
        let mut a = 0;
        while a < n {
            let mut b = a + 1;
            let mut branching = false;
            while b < n && l[b] >= d {
                if l[b] == d {
                    branching = true;
                }
                b += 1;
            }
            let counted = d == 0 || d == 16 || branching || parent_branching[a];
            if counted {
                count += 1;
            }
            for pb in &mut parent_branching[a..b] {
                *pb = branching;
            }
            a = b;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::StreamId;

    fn count(ids: &[(u64, u64)]) -> u64 {
        let keys: Vec<[u8; 16]> = ids.iter().map(|&(m, s)| key(StreamId::new(m, s))).collect();
        node_count(&keys)
    }

    /// A sorted slice as the set of [`insert_delta`].
    struct Sorted<'a>(&'a [[u8; 16]]);

    impl PrefixRange for Sorted<'_> {
        fn prefix_range(&self, p: &[u8; 16], d: usize) -> Option<([u8; 16], [u8; 16])> {
            let mut it = self.0.iter().filter(|k| k[..d] == p[..d]);
            let first = *it.next()?;
            Some((first, *it.next_back().unwrap_or(&first)))
        }
    }

    /// Adds then removes keys in a pseudo-random order, checking the kept
    /// count against the recomputed one after every step.
    #[test]
    fn deltas_match_the_recomputed_count() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..40 {
            let mut keys: Vec<[u8; 16]> = Vec::new();
            let mut count = 1u64;
            for _ in 0..60 {
                // Few distinct bytes, so keys share long prefixes.
                let spread = [3u64, 300, 70_000, u64::MAX][round % 4];
                let id = StreamId::new(rnd() % spread, rnd() % [2, 256, 1 << 20][round % 3]);
                let k = key(id);
                let at = match keys.binary_search(&k) {
                    Ok(_) => continue,
                    Err(at) => at,
                };
                let (pred, succ) = (at.checked_sub(1).map(|i| keys[i]), keys.get(at).copied());
                count += insert_delta(&Sorted(&keys), &k, pred.as_ref(), succ.as_ref());
                keys.insert(at, k);
                assert_eq!(count, node_count(&keys), "after inserting {id}");
            }
            while !keys.is_empty() {
                let at = (rnd() % keys.len() as u64) as usize;
                let k = keys.remove(at);
                let (pred, succ) = (at.checked_sub(1).map(|i| keys[i]), keys.get(at).copied());
                count -= insert_delta(&Sorted(&keys), &k, pred.as_ref(), succ.as_ref());
                assert_eq!(count, node_count(&keys), "after removing a key");
            }
            assert_eq!(count, 1);
        }
    }

    #[test]
    fn small_trees() {
        assert_eq!(count(&[]), 1);
        assert_eq!(count(&[(1, 1)]), 2);
        // Diverging at the last byte: root chain, branch node, two leaves.
        assert_eq!(count(&[(1, 1), (1, 2)]), 4);
    }
}
