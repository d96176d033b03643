//! Serving reads: the one loop that writes entries into a reply
//! ([`EntryWriter`]), and the reads built on it — entries after an ID
//! (XREAD, XRANGE), a consumer group's read of new entries or of a
//! consumer's history (XREADGROUP), and XREADGROUP's CLAIM, which serves
//! idle pending entries first.
//!
//! Entries are written once, straight from the log into RESP: an entry is
//! `*2 id *2n field value ...` in both RESP2 and RESP3 (`*4 ... idle count`
//! with CLAIM), so nothing is built per field.
//!
//! The caps of XREAD / XREADGROUP (`MAXCOUNT`, `MAXSIZE`) are the command
//! layer's business; it passes them in as an [`EntryBudget`], which every
//! write consults. Loops are generic over the budget so that [`Unlimited`]
//! (XRANGE, XINFO FULL) compiles away.

use super::group::nack::count_value;
use super::{EntryRef, Log, Stream, StreamId};
use crate::protocol::raw::ArrayBuf;
use crate::protocol::Reply;
use bytes::Bytes;

/// First allocation for a read's entries (grown as needed).
pub const READ_BUF: usize = 4096;

/// What a loop that writes entries asks before and tells after each one,
/// and, for reads that name a key, the hooks around the key's part of the
/// reply.
pub trait EntryBudget {
    /// Nothing more may be written.
    fn full(&self) -> bool;
    /// One entry of `bytes` wire bytes was written.
    fn add_entry(&mut self, bytes: usize);
    /// The part of the reply for the stream `key` starts; false when the
    /// budget has no room left for it (nothing is served from it).
    fn try_open(&mut self, _key: &[u8]) -> bool {
        true
    }
    /// The part opened by `try_open` ends (`served`: it stays in the reply).
    fn close_stream(&mut self, _served: bool) {}
    /// Wire bytes of a history entry no longer in the stream (`[id, nil]`).
    fn deleted_entry_len(&self, _id_len: usize) -> usize {
        0
    }
}

/// No caps.
pub struct Unlimited;

impl EntryBudget for Unlimited {
    #[inline]
    fn full(&self) -> bool {
        false
    }
    #[inline]
    fn add_entry(&mut self, _bytes: usize) {}
}

/// Entries written into one RESP array, at most `max` of them (0 = no
/// limit) and no more than the budget allows: the one writer every read
/// uses.
pub struct EntryWriter {
    out: ArrayBuf,
    n: usize,
    max: usize,
}

impl EntryWriter {
    #[inline]
    pub fn new(max: usize) -> EntryWriter {
        EntryWriter {
            out: ArrayBuf::with_capacity(READ_BUF),
            n: 0,
            max,
        }
    }

    /// True when no entry may be added: `max` reached or the budget full.
    #[inline]
    pub fn is_full(&self, budget: &impl EntryBudget) -> bool {
        (self.max != 0 && self.n == self.max) || budget.full()
    }

    /// Writes `e`, in the CLAIM form when `claim` gives its idle time and
    /// delivery count. The caller checked [`EntryWriter::is_full`].
    #[inline]
    pub fn push(
        &mut self,
        e: &EntryRef<'_>,
        claim: Option<(i64, i64)>,
        budget: &mut impl EntryBudget,
    ) {
        let body = self.out.body();
        let before = body.len();
        match claim {
            None => e.write_resp(body),
            Some((idle, count)) => e.write_claimed(body, idle, count),
        }
        budget.add_entry(body.len() - before);
        self.n += 1;
    }

    /// Writes the entries of `iter` until it ends or the writer is full,
    /// calling `each(id)` after writing each one (a group read advances and
    /// delivers there). `claim_form`: write `*4 ... 0 0` (new entries in a
    /// CLAIM read).
    #[inline]
    pub fn extend<'a>(
        &mut self,
        iter: impl Iterator<Item = EntryRef<'a>>,
        claim_form: bool,
        budget: &mut impl EntryBudget,
        mut each: impl FnMut(StreamId),
    ) {
        for e in iter {
            if self.is_full(budget) {
                break;
            }
            self.push(&e, claim_form.then_some((0, 0)), budget);
            each(e.id);
        }
    }

    /// Entries written so far.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The array.
    #[inline]
    pub fn finish(self) -> Bytes {
        self.out.finish(self.n)
    }
}

/// A RESP array of the entries `iter` yields, at most `count` (0 = all),
/// stopping early when `budget` is used up.
#[inline]
pub fn entries_reply<'a>(
    iter: impl Iterator<Item = EntryRef<'a>>,
    count: usize,
    budget: &mut impl EntryBudget,
) -> Reply {
    let mut w = EntryWriter::new(count);
    w.extend(iter, false, budget, |_| {});
    Reply::Raw(w.finish())
}

impl Log {
    /// XREAD of one stream: the entries after `after`, at most `count`
    /// (0 = all), as the reply part of `key`; None when there is none (or
    /// the budget has no room for the stream).
    #[inline]
    pub fn read_after(
        &self,
        key: &[u8],
        after: StreamId,
        count: usize,
        budget: &mut impl EntryBudget,
    ) -> Option<Reply> {
        let has = self.last_live_id().is_some_and(|last| last > after);
        // `after` below the last entry has a successor.
        let start = after.next().filter(|_| has)?;
        if !budget.try_open(key) {
            return None;
        }
        let reply = entries_reply(self.range(start, StreamId::MAX), count, budget);
        budget.close_stream(true);
        Some(reply)
    }
}

/// `>` is represented as the maximal ID, as Redis represents it.
pub const NEW_ENTRIES: StreamId = StreamId::MAX;

/// One stream of an XREADGROUP.
#[derive(Debug, Clone, Copy)]
pub struct GroupRead<'a> {
    pub group: &'a [u8],
    pub consumer: &'a [u8],
    /// [`NEW_ENTRIES`] for `>`, else the consumer's history after this ID.
    pub from: StreamId,
    /// Entries for this stream (0 = no limit), MAXCOUNT's share included.
    pub count: usize,
    pub noack: bool,
    /// `CLAIM min-idle-time`, for `>` reads.
    pub claim: Option<i64>,
    pub now: u64,
}

/// The stream has no group of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchGroup;

impl Stream {
    /// Serves one stream for XREADGROUP: the entries array, or None when
    /// there is nothing to serve now (`>` with no new entries). The consumer
    /// is created (and seen) either way; the flag says whether it was
    /// created now.
    pub fn read_group(
        &mut self,
        r: &GroupRead<'_>,
        key: &[u8],
        budget: &mut impl EntryBudget,
    ) -> Result<(Option<Reply>, bool), NoSuchGroup> {
        let Stream { log, groups, .. } = self;
        let g = groups.get_mut(r.group).ok_or(NoSuchGroup)?;
        let history = r.from != NEW_ENTRIES;
        // Entries strictly after `start`.
        let mut start = r.from;
        let serve = if history {
            true
        } else {
            match log.last_live_id() {
                Some(last) if last > g.last_id => {
                    start = g.last_id;
                    true
                }
                _ => false,
            }
        };
        let (slot, created) = g.get_or_create_consumer(r.consumer, r.now);
        g.touch_seen(slot, r.now);
        if let (Some(min_idle), false) = (r.claim, history) {
            return Ok((log.serve_claim(g, slot, min_idle, r, key, budget), created));
        }
        if !serve || !budget.try_open(key) {
            return Ok((None, created));
        }
        let Some(from) = start.next() else {
            budget.close_stream(true);
            return Ok((Some(Reply::Array(Vec::new())), created));
        };
        if history {
            let ids = g.consumer_history(slot, from, r.count);
            let mut items = Vec::with_capacity(ids.len());
            for pid in ids {
                if budget.full() {
                    break;
                }
                match log.get(pid) {
                    Some(e) => {
                        let mut buf = Vec::new();
                        e.write_resp(&mut buf);
                        g.redeliver(pid, r.now);
                        budget.add_entry(buf.len());
                        items.push(Reply::Raw(Bytes::from(buf)));
                    }
                    None => {
                        // Deleted from the stream but still pending: ID with a nil body.
                        let idb = pid.to_bytes();
                        budget.add_entry(budget.deleted_entry_len(idb.len()));
                        items.push(Reply::Array(vec![Reply::Bulk(idb), Reply::NilArray]));
                    }
                }
            }
            budget.close_stream(true);
            return Ok((Some(Reply::Array(items)), created));
        }
        let m = log.meta();
        let mut w = EntryWriter::new(r.count);
        w.extend(log.range(from, StreamId::MAX), false, budget, |id| {
            g.advance(id, &m);
            if !r.noack {
                g.deliver(id, slot, r.now);
            }
        });
        budget.close_stream(true);
        Ok((Some(Reply::Raw(w.finish())), created))
    }

    /// When a blocked `XREADGROUP ... CLAIM min_idle` can next claim from
    /// `group`: the oldest pending entry still in the stream becomes idle
    /// enough, or, with none, `min_idle` from now (Redis's
    /// `trackStreamClaimTimeouts`). None without such a group.
    pub fn claim_deadline(&self, group: &[u8], min_idle: i64, now: u64) -> Option<u64> {
        let g = self.groups.get(group)?;
        let base = g
            .oldest_delivery(|id| self.log.get(id).is_some())
            .unwrap_or(now);
        Some(base.saturating_add(min_idle as u64))
    }
}

impl Log {
    /// What `XREADGROUP ... CLAIM min_idle ... >` returns for one stream (the
    /// consumer `slot` already exists and was seen): idle pending entries
    /// first, claimed for the consumer, then new entries; every entry as `*4
    /// id fields idle count`. None when there is nothing to claim nor read.
    fn serve_claim(
        &self,
        g: &mut super::group::Group,
        slot: u32,
        min_idle: i64,
        r: &GroupRead<'_>,
        key: &[u8],
        budget: &mut impl EntryBudget,
    ) -> Option<Reply> {
        let now = r.now;
        let claimable: Vec<_> = g
            .claimable(now, min_idle)
            .into_iter()
            .filter(|(id, _)| self.get(*id).is_some())
            .collect();
        let has_new = self.last_live_id().is_some_and(|last| last > g.last_id);
        if claimable.is_empty() && !has_new {
            return None;
        }
        if !budget.try_open(key) {
            return None;
        }
        let mut w = EntryWriter::new(r.count);
        for (id, nack) in claimable {
            if w.is_full(budget) {
                break;
            }
            if let Some(e) = self.get(id) {
                let idle = g.idle(&nack, now);
                w.push(&e, Some((idle, count_value(nack.count))), budget);
                g.claim_delivered(id, slot, now);
            }
        }
        if has_new && !w.is_full(budget) {
            let m = self.meta();
            if let Some(from) = g.last_id.next() {
                w.extend(self.range(from, StreamId::MAX), true, budget, |id| {
                    g.advance(id, &m);
                    if !r.noack {
                        g.deliver(id, slot, now);
                    }
                });
            }
        }
        budget.close_stream(true);
        Some(Reply::Raw(w.finish()))
    }
}
