//! Request decoding: Sluice's incremental `Decoder` against the redis-protocol
//! crate's RESP2 decoder (`decode_bytes_mut`, its zero-copy path), on the same
//! input, fed the same way. docs/protocol.md reports the ratios.
//!
//! - `pipelined_small`: 1,000 small commands already in the buffer (one big
//!   read of a pipelining client).
//! - `large_arg_4k_reads`: one `SET k <1 MiB>` arriving in 4 KiB reads,
//!   with a decode attempt after each read (as a connection does).
//! - `many_args_4k_reads`: one ~1 MiB request of 16,384 small arguments (a big
//!   `XADD` or `MSET`), in 4 KiB reads.
//!
//! Both sides produce the same thing: the list of argument `Bytes`.

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use redis_protocol::resp2::decode::decode_bytes_mut;
use redis_protocol::resp2::types::BytesFrame;
use sluice_server::protocol::{Decoder, Limits};

fn command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn pipelined_small() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..1000 {
        let key = format!("stream:{}", i % 16);
        let val = format!("value-{i}");
        if i % 2 == 0 {
            out.extend(command(&[
                b"XADD",
                key.as_bytes(),
                b"*",
                b"field",
                val.as_bytes(),
            ]));
        } else {
            out.extend(command(&[b"GET", key.as_bytes()]));
        }
    }
    out
}

fn large_arg() -> Vec<u8> {
    let value = vec![b'x'; 1 << 20];
    command(&[b"SET", b"k", &value])
}

fn many_args() -> Vec<u8> {
    let words: Vec<Vec<u8>> = (0..16_384)
        .map(|i| format!("f{:05}-{:048}", i, i).into_bytes())
        .collect();
    let mut args: Vec<&[u8]> = vec![b"XADD", b"s", b"*"];
    args.extend(words.iter().map(|w| w.as_slice()));
    command(&args)
}

/// Sluice: decode everything available after each read.
fn sluice_decode(input: &[u8], read: usize) -> usize {
    let mut dec = Decoder::new();
    let limits = Limits::default();
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut n = 0;
    for chunk in input.chunks(read) {
        buf.extend_from_slice(chunk);
        while let Some(args) = dec.decode(&mut buf, &limits).expect("valid") {
            n += args.len();
            std::hint::black_box(args);
        }
    }
    n
}

/// redis-protocol: the same, with its zero-copy decoder; a complete frame is
/// turned into the argument list a server needs.
fn crate_decode(input: &[u8], read: usize) -> usize {
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut n = 0;
    for chunk in input.chunks(read) {
        buf.extend_from_slice(chunk);
        while let Some((frame, _, _)) = decode_bytes_mut(&mut buf).expect("valid") {
            let BytesFrame::Array(items) = frame else {
                panic!("a request is an array")
            };
            let args: Vec<Bytes> = items
                .into_iter()
                .map(|f| match f {
                    BytesFrame::BulkString(b) => b,
                    _ => panic!("arguments are bulk strings"),
                })
                .collect();
            n += args.len();
            std::hint::black_box(args);
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let cases: [(&str, Vec<u8>, usize); 3] = [
        ("pipelined_small", pipelined_small(), usize::MAX),
        ("large_arg_4k_reads", large_arg(), 4096),
        ("many_args_4k_reads", many_args(), 4096),
    ];
    for (name, input, read) in cases {
        // Same result from both, or the comparison means nothing.
        assert_eq!(sluice_decode(&input, read), crate_decode(&input, read));
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_function("sluice", |b| {
            b.iter_batched(
                || (),
                |_| sluice_decode(&input, read),
                BatchSize::SmallInput,
            )
        });
        g.bench_function("redis-protocol", |b| {
            b.iter_batched(|| (), |_| crate_decode(&input, read), BatchSize::SmallInput)
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
