#!/usr/bin/env bash
# Instructions executed by Sluice and by redis-server to serve the same
# stream read workloads, counted with valgrind's callgrind: unlike timings,
# the counts repeat to within about 0.5% on a shared, noisy machine, so they
# can compare two builds of Sluice, or Sluice with Redis, in one run.
#
#   cargo build --release -p sluice-server
#   bash benches/instructions.sh [sluice-binary ...]
#   WORKLOADS="xlen xadd" bash benches/instructions.sh    # a subset
#
# For each server: start it under callgrind with instrumentation off, load
# 20,000 entries (`XADD s <id> field1 <16 hex> field2 <8 digits>`) with
# `redis-cli --pipe`, switch instrumentation on, run the workload, switch it
# off. Workloads: 2,000 `XREAD COUNT 100` from spread positions; 190
# `XREADGROUP COUNT 100 ... >` (the whole stream once); 20,000 `XADD s2 *`
# of the same entries; 20,000 `XLEN s` (per-command overhead); 20,000 `XACK`
# of the entries a group read before counting started; 200,000 `XACK`, in
# ID order, of a 200,000-entry PEL (`xackbig`). Every thread of the
# server is counted (Sluice's tokio workers, Redis's main thread and
# background threads). Needs valgrind, redis-server, redis-cli, python3.
set -euo pipefail

command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install -y valgrind)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$root/target/release/sluice-server")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import sys
d = sys.argv[1]
def cmd(*a):
    out = [f"*{len(a)}\r\n"]
    for x in map(str, a):
        out.append(f"${len(x.encode())}\r\n{x}\r\n")
    return "".join(out)
ids = lambda i: f"{1000000 + i // 10}-{i % 10}"
with open(f"{d}/load.resp", "w") as f:
    for i in range(20000):
        f.write(cmd("XADD", "s", ids(i), "field1", f"{(i * 2654435761) % (1 << 64):016x}",
                    "field2", 10000000 + (i * 7919) % 90000000))
with open(f"{d}/xread.resp", "w") as f:
    for i in range(2000):
        f.write(cmd("XREAD", "COUNT", 100, "STREAMS", "s", ids((i * 7919) % 19800)))
with open(f"{d}/xreadgroup.resp", "w") as f:
    f.write(cmd("XGROUP", "CREATE", "s", "g", "0"))
    for i in range(190):
        f.write(cmd("XREADGROUP", "GROUP", "g", "c", "COUNT", 100, "STREAMS", "s", ">"))
with open(f"{d}/xadd.resp", "w") as f:
    for i in range(20000):
        f.write(cmd("XADD", "s2", "*", "field1", f"{(i * 2654435761) % (1 << 64):016x}",
                    "field2", 10000000 + (i * 7919) % 90000000))
with open(f"{d}/xlen.resp", "w") as f:
    for i in range(20000):
        f.write(cmd("XLEN", "s"))
# Run before counting starts: the group reads everything, so all is pending.
with open(f"{d}/xack.setup.resp", "w") as f:
    f.write(cmd("XGROUP", "CREATE", "s", "g", "0"))
    f.write(cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"))
# A large PEL drained in order: 200,000 pending entries of another stream.
with open(f"{d}/xackbig.setup.resp", "w") as f:
    for i in range(200000):
        f.write(cmd("XADD", "big", ids(i), "f", "v"))
    f.write(cmd("XGROUP", "CREATE", "big", "g", "0"))
    f.write(cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "big", ">"))
with open(f"{d}/xackbig.resp", "w") as f:
    for i in range(200000):
        f.write(cmd("XACK", "big", "g", ids(i)))
with open(f"{d}/xack.resp", "w") as f:
    for i in range(20000):
        f.write(cmd("XACK", "s", "g", ids(i)))
EOF

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# count <workload> <server command...>: prints the instruction total.
count() {
    local wl=$1; shift
    local port; port=$(free_port)
    local out="$work/cg.out"
    rm -f "$out"
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
        "$@" --port "$port" >"$work/server.log" 2>&1 &
    local vp=$!
    for _ in $(seq 1 600); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -p "$port" --pipe <"$work/load.resp" >/dev/null
    if [ -f "$work/$wl.setup.resp" ]; then
        redis-cli -p "$port" --pipe <"$work/$wl.setup.resp" >/dev/null
    fi
    callgrind_control -i on "$vp" >/dev/null 2>&1
    redis-cli -p "$port" --pipe <"$work/$wl.resp" >/dev/null
    callgrind_control -i off "$vp" >/dev/null 2>&1
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$vp" || true
    # No early exit in awk: with pipefail, callgrind_annotate would die of SIGPIPE.
    callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}'
}

printf '%-12s %-40s %15s %8s\n' workload server instructions vs-redis
workloads=${WORKLOADS:-xread xreadgroup xadd xlen xack xackbig}
for wl in $workloads; do
    redis=$(count "$wl" redis-server --save "" --appendonly no --bind 127.0.0.1)
    printf '%-12s %-40s %15s %8s\n' "$wl" redis-server "$redis" 1.00
    for b in "${bins[@]}"; do
        n=$(count "$wl" "$b")
        printf '%-12s %-40s %15s %8s\n' "$wl" "$b" "$n" "$(awk -v a="$n" -v b="$redis" 'BEGIN { printf "%.2f", a / b }')"
    done
done
