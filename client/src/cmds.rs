//! Command builders, one function per command form. Pure (no I/O) so the
//! newer-server paths (XREADGROUP CLAIM, XACKDEL, XNACK, ACKED trimming,
//! XADD IDMP) are unit-tested even where only Redis 7.0 is available.

use std::time::Duration;

use redis::Cmd;

use crate::id::StreamId;

/// How a trim bound is expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrimBound {
    /// `MAXLEN ~ n`.
    MaxLen(u64),
    /// `MINID ~ id`: remove entries below `id`.
    MinId(StreamId),
}

fn push_trim(cmd: &mut Cmd, bound: TrimBound, acked: bool) {
    if acked {
        // Redis 8.2: only entries read and acknowledged by every group go.
        cmd.arg("ACKED");
    }
    match bound {
        TrimBound::MaxLen(n) => cmd.arg("MAXLEN").arg("~").arg(n),
        TrimBound::MinId(id) => cmd.arg("MINID").arg("~").arg(id),
    };
}

/// `XADD key [ACKED] [IDMP pid iid] [MAXLEN|MINID ~ x] * f v ...`
pub(crate) fn xadd(
    key: &[u8],
    trim: Option<(TrimBound, bool)>,
    idmp: Option<(&[u8], &[u8])>,
    fields: &[(&[u8], &[u8])],
) -> Cmd {
    let mut cmd = redis::cmd("XADD");
    cmd.arg(key);
    // Argument order follows the 8.6 syntax: reference policy, IDMP, then trim.
    if let Some((_, true)) = trim {
        cmd.arg("ACKED");
    }
    if let Some((pid, iid)) = idmp {
        cmd.arg("IDMP").arg(pid).arg(iid);
    }
    if let Some((bound, _)) = trim {
        push_trim(&mut cmd, bound, false);
    }
    cmd.arg("*");
    for (f, v) in fields {
        cmd.arg(*f).arg(*v);
    }
    cmd
}

/// `XTRIM key MAXLEN|MINID ~ x [ACKED]`
pub(crate) fn xtrim(key: &[u8], bound: TrimBound, acked: bool) -> Cmd {
    let mut cmd = redis::cmd("XTRIM");
    cmd.arg(key);
    push_trim(&mut cmd, bound, false);
    if acked {
        cmd.arg("ACKED");
    }
    cmd
}

/// `XGROUP CREATE key group start MKSTREAM`
pub(crate) fn xgroup_create(key: &[u8], group: &[u8], start: &str) -> Cmd {
    let mut cmd = redis::cmd("XGROUP");
    cmd.arg("CREATE")
        .arg(key)
        .arg(group)
        .arg(start)
        .arg("MKSTREAM");
    cmd
}

/// `XREADGROUP GROUP g c COUNT n [MAXSIZE bytes] [BLOCK ms] [CLAIM idle] STREAMS key id`
#[allow(clippy::too_many_arguments)] // one parameter per XREADGROUP option
pub(crate) fn xreadgroup(
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    count: usize,
    block: Option<Duration>,
    claim: Option<Duration>,
    max_bytes: Option<usize>,
    id: &str,
) -> Cmd {
    let mut cmd = redis::cmd("XREADGROUP");
    cmd.arg("GROUP")
        .arg(group)
        .arg(consumer)
        .arg("COUNT")
        .arg(count);
    if let Some(m) = max_bytes {
        cmd.arg("MAXSIZE").arg(m);
    }
    if let Some(b) = block {
        cmd.arg("BLOCK").arg(b.as_millis() as u64);
    }
    if let Some(c) = claim {
        cmd.arg("CLAIM").arg(c.as_millis() as u64);
    }
    cmd.arg("STREAMS").arg(key).arg(id);
    cmd
}

/// `XAUTOCLAIM key g c min-idle cursor COUNT n`
pub(crate) fn xautoclaim(
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    min_idle: Duration,
    cursor: StreamId,
    count: usize,
) -> Cmd {
    let mut cmd = redis::cmd("XAUTOCLAIM");
    cmd.arg(key)
        .arg(group)
        .arg(consumer)
        .arg(min_idle.as_millis() as u64)
        .arg(cursor)
        .arg("COUNT")
        .arg(count);
    cmd
}

/// `XPENDING key g id id 1`: one entry's delivery count.
pub(crate) fn xpending_one(key: &[u8], group: &[u8], id: StreamId) -> Cmd {
    let mut cmd = redis::cmd("XPENDING");
    cmd.arg(key).arg(group).arg(id).arg(id).arg(1);
    cmd
}

/// `XACK key g id...`
pub(crate) fn xack(key: &[u8], group: &[u8], ids: &[StreamId]) -> Cmd {
    let mut cmd = redis::cmd("XACK");
    cmd.arg(key).arg(group);
    for id in ids {
        cmd.arg(*id);
    }
    cmd
}

/// `XACKDEL key g ACKED IDS n id...` (Redis 8.2): ack, and delete the entry
/// once every group has acknowledged it.
pub(crate) fn xackdel_acked(key: &[u8], group: &[u8], ids: &[StreamId]) -> Cmd {
    let mut cmd = redis::cmd("XACKDEL");
    cmd.arg(key)
        .arg(group)
        .arg("ACKED")
        .arg("IDS")
        .arg(ids.len());
    for id in ids {
        cmd.arg(*id);
    }
    cmd
}

/// `XNACK key g SILENT IDS n id...` (Redis 8.8): give entries back to the
/// group without counting the interrupted delivery.
pub(crate) fn xnack_silent(key: &[u8], group: &[u8], ids: &[StreamId]) -> Cmd {
    let mut cmd = redis::cmd("XNACK");
    cmd.arg(key)
        .arg(group)
        .arg("SILENT")
        .arg("IDS")
        .arg(ids.len());
    for id in ids {
        cmd.arg(*id);
    }
    cmd
}

/// The 7.0 stand-in for XNACK: keep ownership but mark the entries idle for
/// `idle`, so the next claim pass of any consumer takes them at once. JUSTID
/// leaves the delivery counter alone.
pub(crate) fn xclaim_release(
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    ids: &[StreamId],
    idle: Duration,
) -> Cmd {
    let mut cmd = redis::cmd("XCLAIM");
    cmd.arg(key).arg(group).arg(consumer).arg(0);
    for id in ids {
        cmd.arg(*id);
    }
    cmd.arg("IDLE").arg(idle.as_millis() as u64).arg("JUSTID");
    cmd
}

#[cfg(test)]
pub(crate) fn args(cmd: &Cmd) -> Vec<String> {
    cmd.args_iter()
        .map(|a| match a {
            redis::Arg::Simple(b) => String::from_utf8_lossy(b).into_owned(),
            redis::Arg::Cursor => "<cursor>".into(),
            _ => "<other>".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(cmd: &Cmd) -> String {
        args(cmd).join(" ")
    }

    #[test]
    fn xadd_forms() {
        let f: &[(&[u8], &[u8])] = &[(b"to", b"a@x"), (b"n", b"1")];
        assert_eq!(s(&xadd(b"s", None, None, f)), "XADD s * to a@x n 1");
        assert_eq!(
            s(&xadd(b"s", Some((TrimBound::MaxLen(1000), false)), None, f)),
            "XADD s MAXLEN ~ 1000 * to a@x n 1"
        );
        assert_eq!(
            s(&xadd(
                b"s",
                Some((TrimBound::MaxLen(1000), true)),
                Some((b"p1", b"k9")),
                f
            )),
            "XADD s ACKED IDMP p1 k9 MAXLEN ~ 1000 * to a@x n 1"
        );
        assert_eq!(
            s(&xadd(
                b"s",
                Some((TrimBound::MinId(StreamId::new(5, 0)), true)),
                None,
                f
            )),
            "XADD s ACKED MINID ~ 5-0 * to a@x n 1"
        );
    }

    #[test]
    fn trim_and_group_forms() {
        assert_eq!(
            s(&xtrim(b"s", TrimBound::MinId(StreamId::new(7, 1)), false)),
            "XTRIM s MINID ~ 7-1"
        );
        assert_eq!(
            s(&xtrim(b"s", TrimBound::MaxLen(10), true)),
            "XTRIM s MAXLEN ~ 10 ACKED"
        );
        assert_eq!(
            s(&xgroup_create(b"s", b"g", "0")),
            "XGROUP CREATE s g 0 MKSTREAM"
        );
    }

    #[test]
    fn read_and_claim_forms() {
        let ms = Duration::from_millis;
        assert_eq!(
            s(&xreadgroup(
                b"s",
                b"g",
                b"c",
                10,
                Some(ms(500)),
                None,
                None,
                ">"
            )),
            "XREADGROUP GROUP g c COUNT 10 BLOCK 500 STREAMS s >"
        );
        assert_eq!(
            s(&xreadgroup(
                b"s",
                b"g",
                b"c",
                10,
                Some(ms(500)),
                None,
                Some(4096),
                ">"
            )),
            "XREADGROUP GROUP g c COUNT 10 MAXSIZE 4096 BLOCK 500 STREAMS s >"
        );
        assert_eq!(
            s(&xreadgroup(
                b"s",
                b"g",
                b"c",
                10,
                Some(ms(500)),
                Some(ms(30000)),
                None,
                ">"
            )),
            "XREADGROUP GROUP g c COUNT 10 BLOCK 500 CLAIM 30000 STREAMS s >"
        );
        assert_eq!(
            s(&xreadgroup(b"s", b"g", b"c", 3, None, None, None, "0")),
            "XREADGROUP GROUP g c COUNT 3 STREAMS s 0"
        );
        assert_eq!(
            s(&xautoclaim(
                b"s",
                b"g",
                b"c",
                ms(1000),
                StreamId::new(4, 2),
                25
            )),
            "XAUTOCLAIM s g c 1000 4-2 COUNT 25"
        );
        assert_eq!(
            s(&xpending_one(b"s", b"g", StreamId::new(1, 1))),
            "XPENDING s g 1-1 1-1 1"
        );
    }

    #[test]
    fn ack_nack_forms() {
        let ids = [StreamId::new(1, 0), StreamId::new(2, 3)];
        assert_eq!(s(&xack(b"s", b"g", &ids)), "XACK s g 1-0 2-3");
        assert_eq!(
            s(&xackdel_acked(b"s", b"g", &ids)),
            "XACKDEL s g ACKED IDS 2 1-0 2-3"
        );
        assert_eq!(
            s(&xnack_silent(b"s", b"g", &ids)),
            "XNACK s g SILENT IDS 2 1-0 2-3"
        );
        assert_eq!(
            s(&xclaim_release(
                b"s",
                b"g",
                b"c",
                &ids,
                Duration::from_secs(3600)
            )),
            "XCLAIM s g c 0 1-0 2-3 IDLE 3600000 JUSTID"
        );
    }
}
