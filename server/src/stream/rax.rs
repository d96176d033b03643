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

/// The 16-byte big-endian rax key of an ID.
pub fn key(id: super::StreamId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&id.ms.to_be_bytes());
    k[8..].copy_from_slice(&id.seq.to_be_bytes());
    k
}

fn lcp(a: &[u8; 16], b: &[u8; 16]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
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

    #[test]
    fn small_trees() {
        assert_eq!(count(&[]), 1);
        assert_eq!(count(&[(1, 1)]), 2);
        // Diverging at the last byte: root chain, branch node, two leaves.
        assert_eq!(count(&[(1, 1), (1, 2)]), 4);
    }
}
