//! Key events: who is interested in a key changing.
//!
//! Two kinds of client register interest in keys:
//! - a transaction's WATCH: a change sets its `fired` flag and EXEC aborts;
//! - a blocked command (XREAD BLOCK, ...): a change wakes it to run again.
//!
//! Both are a [`Waiter`] registered under `(db, key)`. Writers call
//! [`Events::signal`] after changing a key; when nobody is registered anywhere
//! that is a single relaxed load, so the write path pays nothing.
//!
//! # Turns: blocked consumers are served in the order they blocked
//!
//! Redis serves the clients blocked on a key one after another, oldest first,
//! right after the write (blocked.c). For commands that consume what they
//! read (XREADGROUP: each entry goes to one consumer) that order decides who
//! gets what, so those waiters are *ordered*: a change to the key wakes only
//! the oldest one, which holds the key's *turn*; when it has run again (served,
//! or blocking again) it passes the turn to the next ordered waiter in
//! registration order, and so on down the list. Readers that consume nothing
//! (XREAD) and WATCHes are woken all at once, since no one can tell in which
//! order they ran. An XREAD waiter also notes which of its keys changed, in
//! order ([`Waiter::take_ready`]), because Redis 8.0 runs it again only when
//! a key that changed holds a stream.
//!
//! A change that arrives while a round of turns is going on restarts the
//! round from the oldest waiter: at once if the holder has not started
//! running, else (the key is marked `again`) when its run ends. So waiters
//! already passed over see the new data before younger ones, as they would in
//! Redis's next round. An ordered waiter woken without holding a turn (a stale
//! wake-up) does not run at all.
//!
//! What this cannot give: Redis runs a write and its round as one step, while
//! here a write on another connection may land while a holder runs; if the
//! holder's run sees it, the holder may take what Redis would have given to
//! an older waiter in the next round. It takes a second write landing in the
//! microseconds while a younger waiter's run reads the stream, after the
//! older ones found nothing; tests that wait for each reply cannot hit it.
//! Restarting rounds also means that a steady run of writes that give the
//! oldest waiters nothing (they block again each time) delays younger ones
//! until the writes pause; an XADD always serves the oldest waiter of each
//! group on the key, which then leaves the queue, so XADDs cannot do that.
//!
//! Invariants (all under the one mutex):
//! - `KeyWaiters::list` holds each registration in registration order
//!   (removal keeps the order);
//! - `turn`, when set, names a waiter registered in `list` with `ordered`;
//! - a turn only moves on when its holder has run with it ([`Blocked::run`]),
//!   unregisters ([`Blocked`]'s drop: served, timed out, killed,
//!   disconnected, or its future dropped), or a change restarts the round
//!   before the holder started; so a round never gets stuck.

use bytes::Bytes;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// One client's interest in a set of keys.
#[derive(Debug, Default)]
pub struct Waiter {
    /// Set when any registered key changed since the flag was last cleared.
    pub fired: AtomicBool,
    /// Woken when a registered key changes (blocked commands wait on it).
    pub notify: Notify,
    /// True for a blocked command, false for a WATCH (INFO counts blocked keys).
    pub blocking: bool,
    /// A blocked command that consumes what it reads: woken in turn, oldest
    /// first (see the module docs).
    pub ordered: bool,
    /// For an unordered blocked command (XREAD): the keys that changed since
    /// it last ran, in the order they changed. Redis 8.0 runs a blocked
    /// XREAD again only when one of them holds a stream.
    ready: parking_lot::Mutex<Vec<Bytes>>,
}

pub type WaitHandle = Arc<Waiter>;

impl Waiter {
    pub fn new(blocking: bool) -> WaitHandle {
        Arc::new(Waiter {
            blocking,
            ..Default::default()
        })
    }

    fn fire(&self) {
        self.fired.store(true, Ordering::Release);
        self.notify.notify_one();
    }

    /// Fires an unordered blocked command, noting that `key` changed.
    fn fire_ready(&self, key: &Bytes) {
        {
            let mut r = self.ready.lock();
            if !r.iter().any(|k| k == key) {
                r.push(key.clone());
            }
        }
        self.fire();
    }

    /// The keys that changed since the last call, in the order they changed.
    pub fn take_ready(&self) -> Vec<Bytes> {
        std::mem::take(&mut *self.ready.lock())
    }
}

/// The ordered waiter whose turn it is on a key.
#[derive(Debug)]
struct Turn {
    holder: WaitHandle,
    /// The holder has started running with the turn: passing it on waits for
    /// that run to end. A turn given during a run is taken by the next run.
    taken: bool,
}

/// Everyone registered on one key, and the key's round of turns.
#[derive(Debug, Default)]
struct KeyWaiters {
    /// The key itself (noted in the XREAD waiters it fires).
    key: Bytes,
    /// Registrations in registration order.
    list: Vec<WaitHandle>,
    turn: Option<Turn>,
    /// The key changed during the current round: restart it when the holder is done.
    again: bool,
}

impl KeyWaiters {
    /// The key changed: fire the unordered waiters (WATCHes too when
    /// `watches`), and start a round of turns or mark the running one.
    fn changed(&mut self, watches: bool) {
        for w in &self.list {
            if w.blocking && !w.ordered {
                w.fire_ready(&self.key);
            } else if !w.ordered && watches {
                w.fire();
            }
        }
        match &self.turn {
            // The holder is running: it may have missed this change, so the
            // round restarts from the oldest once it is done.
            Some(t) if t.taken => self.again = true,
            // Nobody is running: the round restarts from the oldest now (the
            // waiters before the holder have not seen this change).
            _ => self.give_turn(0, None),
        }
    }

    /// Gives the turn to the first ordered waiter from `list[start..]` that is
    /// not `except`; with none left the round ends.
    fn give_turn(&mut self, start: usize, except: Option<&WaitHandle>) {
        let next = self.list[start.min(self.list.len())..]
            .iter()
            .find(|x| x.ordered && !except.is_some_and(|e| Arc::ptr_eq(x, e)));
        self.turn = next.map(|n| {
            n.fire();
            Turn {
                holder: n.clone(),
                taken: false,
            }
        });
    }

    fn holds_turn(&self, w: &WaitHandle) -> bool {
        self.turn
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(&t.holder, w))
    }

    /// `w`, which holds the turn and is still in `list`, is done with it
    /// (`leaving`: it is about to unregister).
    fn pass_turn(&mut self, w: &WaitHandle, leaving: bool) {
        if std::mem::take(&mut self.again) {
            // New data arrived during the round: everyone gets another look,
            // oldest first (including `w` if it stays: its run may have missed it).
            self.give_turn(0, leaving.then_some(w));
        } else {
            let at = self
                .list
                .iter()
                .position(|x| Arc::ptr_eq(x, w))
                .map_or(0, |p| p + 1);
            // `except`: a client blocked twice on one key (STREAMS s s) has two
            // registrations and takes one turn.
            self.give_turn(at, Some(w));
        }
    }
}

#[derive(Debug, Default)]
pub struct Events {
    /// Number of registrations (fast path for writers when zero).
    active: AtomicUsize,
    /// Database index, then key (looked up by `&[u8]`, so a writer's signal
    /// allocates nothing).
    map: Mutex<HashMap<usize, HashMap<Bytes, KeyWaiters>>>,
}

impl Events {
    /// Registers `w` for changes to `key` in `db`.
    pub fn register(&self, db: usize, key: &Bytes, w: &WaitHandle) {
        let mut map = self.map.lock();
        let key = Bytes::copy_from_slice(key);
        map.entry(db)
            .or_default()
            .entry(key.clone())
            .or_insert_with(|| KeyWaiters {
                key,
                ..Default::default()
            })
            .list
            .push(w.clone());
        self.active.fetch_add(1, Ordering::Relaxed);
    }

    /// Removes `w` from `key` in `db` (no-op if not registered there),
    /// passing on the key's turn if `w` holds it.
    pub fn unregister(&self, db: usize, key: &Bytes, w: &WaitHandle) {
        let mut map = self.map.lock();
        let Some(keys) = map.get_mut(&db) else {
            return;
        };
        if let Some(kw) = keys.get_mut(&key[..]) {
            if let Some(pos) = kw.list.iter().position(|x| Arc::ptr_eq(x, w)) {
                if kw.holds_turn(w) {
                    kw.pass_turn(w, true);
                }
                kw.list.remove(pos);
                self.active.fetch_sub(1, Ordering::Relaxed);
            }
            if kw.list.is_empty() {
                keys.remove(&key[..]);
            }
        }
        if keys.is_empty() {
            map.remove(&db);
        }
    }

    /// Blocks a command on `keys` in `db` until the returned guard is dropped.
    /// `ordered`: the command consumes what it reads (XREADGROUP), so it is
    /// woken in turn with the other such waiters on each key.
    pub fn block(&self, db: usize, keys: Vec<Bytes>, ordered: bool) -> Blocked<'_> {
        let waiter = Arc::new(Waiter {
            blocking: true,
            ordered,
            ..Default::default()
        });
        for k in &keys {
            self.register(db, k, &waiter);
        }
        Blocked {
            events: self,
            db,
            keys,
            waiter,
        }
    }

    /// Runs `f` on each of `keys` in `db` that has registrations.
    fn each_key(&self, db: usize, keys: &[Bytes], mut f: impl FnMut(&mut KeyWaiters)) {
        let mut map = self.map.lock();
        if let Some(m) = map.get_mut(&db) {
            for k in keys {
                if let Some(kw) = m.get_mut(&k[..]) {
                    f(kw);
                }
            }
        }
    }

    /// Fires every waiter registered on `key` in `db` (ordered ones in turn).
    pub fn signal(&self, db: usize, key: &[u8]) {
        if self.active.load(Ordering::Relaxed) == 0 {
            return;
        }
        let mut map = self.map.lock();
        if let Some(kw) = map.get_mut(&db).and_then(|keys| keys.get_mut(key)) {
            kw.changed(true);
        }
    }

    /// Fires only the blocked commands waiting on `key` (not WATCHes): an
    /// expiry wakes readers but, as in Redis 7.0, does not abort EXEC.
    pub fn signal_blocking(&self, db: usize, key: &[u8]) {
        if self.active.load(Ordering::Relaxed) == 0 {
            return;
        }
        let mut map = self.map.lock();
        if let Some(kw) = map.get_mut(&db).and_then(|keys| keys.get_mut(key)) {
            kw.changed(false);
        }
    }

    /// Keys in `db` (every database when None) that someone waits on or
    /// watches, with their database (FLUSHDB/FLUSHALL touch the live ones).
    pub fn registered_keys(&self, db: Option<usize>) -> Vec<(usize, Bytes)> {
        if self.active.load(Ordering::Relaxed) == 0 {
            return Vec::new();
        }
        let map = self.map.lock();
        map.iter()
            .filter(|(d, _)| db.is_none() || db == Some(**d))
            .flat_map(|(d, keys)| keys.keys().map(move |k| (*d, k.clone())))
            .collect()
    }

    /// Fires every waiter in `db`, or in every database when `db` is None.
    pub fn signal_all(&self, db: Option<usize>) {
        if self.active.load(Ordering::Relaxed) == 0 {
            return;
        }
        let mut map = self.map.lock();
        for (d, keys) in map.iter_mut() {
            if db.is_none() || db == Some(*d) {
                for kw in keys.values_mut() {
                    kw.changed(true);
                }
            }
        }
    }

    /// Distinct keys that at least one blocked command waits on (INFO's `total_blocking_keys`).
    pub fn blocking_keys(&self) -> usize {
        let map = self.map.lock();
        map.values()
            .flat_map(|keys| keys.values())
            .filter(|kw| kw.list.iter().any(|w| w.blocking))
            .count()
    }

    /// Distinct keys watched by at least one transaction (INFO's `watching_clients` source).
    pub fn watched_keys(&self) -> usize {
        let map = self.map.lock();
        map.values()
            .flat_map(|keys| keys.values())
            .filter(|kw| kw.list.iter().any(|w| !w.blocking))
            .count()
    }
}

/// A blocked command's registration on its keys; dropping it unregisters
/// (and passes on any turn it holds), however the wait ends.
pub struct Blocked<'a> {
    events: &'a Events,
    db: usize,
    keys: Vec<Bytes>,
    waiter: WaitHandle,
}

impl Blocked<'_> {
    /// The keys that changed since the last call, in the order they changed
    /// (unordered waiters only; empty for XREADGROUP's ordered ones).
    pub fn take_ready(&self) -> Vec<Bytes> {
        self.waiter.take_ready()
    }

    /// Waits until a key changes (for an ordered waiter: until its turn comes,
    /// or a change arrives that it will see when it runs).
    pub async fn notified(&self) {
        self.waiter.notify.notified().await
    }

    /// Runs the command again (`f`) and passes on the turns this waiter held
    /// when it started. An ordered waiter runs only with a turn, unless
    /// `first` (the check right after registering): a stale wake-up must not
    /// let it take entries ahead of older waiters. None: `f` was not run.
    /// Turns given while `f` runs stay (the waiter is woken again and takes
    /// them with its next run).
    pub fn run<R>(&self, first: bool, f: impl FnOnce() -> R) -> Option<R> {
        if !self.waiter.ordered {
            return Some(f());
        }
        let w = &self.waiter;
        let mut held = false;
        self.events.each_key(self.db, &self.keys, |kw| {
            if let Some(t) = kw.turn.as_mut().filter(|t| Arc::ptr_eq(&t.holder, w)) {
                t.taken = true;
                held = true;
            }
        });
        if !held && !first {
            return None;
        }
        let r = f();
        self.events.each_key(self.db, &self.keys, |kw| {
            if kw
                .turn
                .as_ref()
                .is_some_and(|t| t.taken && Arc::ptr_eq(&t.holder, w))
            {
                kw.pass_turn(w, false);
            }
        });
        Some(r)
    }
}

impl Drop for Blocked<'_> {
    fn drop(&mut self) {
        for k in &self.keys {
            self.events.unregister(self.db, k, &self.waiter);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_fires_only_registered_keys() {
        let ev = Events::default();
        let w = Waiter::new(false);
        let k = Bytes::from("k");
        ev.register(0, &k, &w);
        ev.signal(0, b"other");
        ev.signal(1, b"k");
        assert!(!w.fired.load(Ordering::Acquire));
        ev.signal(0, b"k");
        assert!(w.fired.load(Ordering::Acquire));
        ev.unregister(0, &k, &w);
        assert_eq!(ev.active.load(Ordering::Relaxed), 0);
    }

    fn fired(w: &WaitHandle) -> bool {
        w.fired.swap(false, Ordering::AcqRel)
    }

    fn ks(names: &[&'static str]) -> Vec<Bytes> {
        names
            .iter()
            .map(|n| Bytes::from_static(n.as_bytes()))
            .collect()
    }

    #[test]
    fn ordered_waiters_take_turns_oldest_first() {
        let ev = Events::default();
        let a = ev.block(0, ks(&["k"]), true);
        let b = ev.block(0, ks(&["k"]), true);
        let c = ev.block(0, ks(&["k"]), true);
        let watch = Waiter::new(false);
        let reader = ev.block(0, ks(&["k"]), false);
        ev.register(0, &Bytes::from("k"), &watch);
        ev.signal(0, b"k");
        // The WATCH and the unordered reader fire at once; only `a` has the turn.
        assert!(fired(&watch) && fired(&reader.waiter));
        assert!(fired(&a.waiter) && !fired(&b.waiter) && !fired(&c.waiter));
        // A waiter without the turn does not run, and passes nothing on.
        assert_eq!(b.run(false, || ()), None);
        assert!(!fired(&c.waiter));
        a.run(false, || ());
        assert!(fired(&b.waiter) && !fired(&c.waiter));
        b.run(false, || ());
        assert!(fired(&c.waiter));
        c.run(false, || ());
        // The round is over: nobody holds the turn, the next change starts anew.
        assert!(!fired(&a.waiter) && !fired(&b.waiter) && !fired(&c.waiter));
        ev.signal(0, b"k");
        assert!(fired(&a.waiter) && !fired(&b.waiter));
        ev.unregister(0, &Bytes::from("k"), &watch);
    }

    #[test]
    fn a_change_during_a_round_restarts_it_from_the_oldest() {
        let ev = Events::default();
        let a = ev.block(0, ks(&["k"]), true);
        let b = ev.block(0, ks(&["k"]), true);
        let c = ev.block(0, ks(&["k"]), true);
        ev.signal(0, b"k");
        assert!(fired(&a.waiter));
        a.run(false, || ());
        assert!(fired(&b.waiter));
        // A write while `b` runs: `a` looks again first, then `b`, then `c`.
        b.run(false, || ev.signal(0, b"k"));
        assert!(fired(&a.waiter) && !fired(&b.waiter) && !fired(&c.waiter));
        a.run(false, || ());
        assert!(fired(&b.waiter));
        b.run(false, || ());
        assert!(fired(&c.waiter));
        // A write before `c` starts running: the turn goes back to `a` at
        // once, and `c` (woken) does not run.
        ev.signal(0, b"k");
        assert!(fired(&a.waiter) && !fired(&b.waiter));
        assert_eq!(c.run(false, || ()), None);
        assert_eq!(a.run(false, || 1), Some(1));
        assert!(fired(&b.waiter));
        // The first run after registering goes ahead without a turn.
        assert_eq!(c.run(true, || 2), Some(2));
    }

    #[test]
    fn a_turn_given_during_a_run_is_kept_for_the_next_run() {
        let ev = Events::default();
        let a = ev.block(0, ks(&["k1", "k2"]), true);
        let b = ev.block(0, ks(&["k1", "k2"]), true);
        ev.signal(0, b"k1");
        assert!(fired(&a.waiter));
        // k2 changes while `a` runs with k1's turn: k1's turn moves on, k2's
        // stays with `a` (its run may not have seen the change).
        a.run(false, || ev.signal(0, b"k2"));
        assert!(fired(&a.waiter) && fired(&b.waiter));
        b.run(false, || ());
        assert!(!fired(&a.waiter));
        a.run(false, || ());
        assert!(fired(&b.waiter));
    }

    #[test]
    fn leaving_passes_the_turn_whenever_it_happens() {
        let ev = Events::default();
        let a = ev.block(0, ks(&["k"]), true);
        let b = ev.block(0, ks(&["k"]), true);
        let c = ev.block(0, ks(&["k"]), true);
        ev.signal(0, b"k");
        assert!(fired(&a.waiter));
        // `a` leaves (killed, timed out, hung up) before running with its turn.
        drop(a);
        assert!(fired(&b.waiter));
        // `c` leaves while not holding the turn: nothing moves.
        drop(c);
        assert!(!fired(&b.waiter));
        // `b` is served and leaves after its run: the round ends.
        b.run(false, || ());
        drop(b);
        assert_eq!(ev.active.load(Ordering::Relaxed), 0);
        assert!(ev.map.lock().is_empty());
    }

    #[test]
    fn a_waiter_on_the_same_key_twice_takes_one_turn() {
        let ev = Events::default();
        let a = ev.block(0, ks(&["k", "k"]), true);
        let b = ev.block(0, ks(&["k"]), true);
        ev.signal(0, b"k");
        assert!(fired(&a.waiter));
        a.run(false, || ());
        assert!(fired(&b.waiter) && !fired(&a.waiter));
        b.run(false, || ());
        assert!(!fired(&a.waiter));
        drop(a);
        drop(b);
        assert_eq!(ev.active.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn expiry_wakes_waiters_in_turn_but_not_watches() {
        let ev = Events::default();
        let watch = Waiter::new(false);
        ev.register(0, &Bytes::from("k"), &watch);
        let a = ev.block(0, ks(&["k"]), true);
        let b = ev.block(0, ks(&["k"]), true);
        ev.signal_blocking(0, b"k");
        assert!(!fired(&watch) && fired(&a.waiter) && !fired(&b.waiter));
        ev.signal_all(None);
        // `a` had not started: the round restarts at once, `a` first again.
        assert!(fired(&watch) && fired(&a.waiter) && !fired(&b.waiter));
        a.run(false, || ());
        assert!(fired(&b.waiter));
        ev.unregister(0, &Bytes::from("k"), &watch);
    }
}
