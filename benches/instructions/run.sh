#!/usr/bin/env bash
# Counts the instructions of whole processes with valgrind's callgrind: the programs a user writes from
# the README (benches/process/user: the blocking and the async client listing the full model, the
# figment provider extracted into a map) against the floors (benches/process/floor: bare reqwest +
# serde_json; the same plus figment) and the official `infisical` crate, at each size, against the
# bench server of benches/load.rs (`-- serve N`). Instruction counts are the same on every run, where
# times move by ±10 %: they are what to compare changes by. Peak RSS by GNU time (median of five).
#
#   benches/instructions/run.sh                   # 10, 1,000 and 10,000 secrets
#   SIZES="10 1000" benches/instructions/run.sh   # while iterating
#   OUT=/tmp/before benches/instructions/run.sh   # where the callgrind files are kept
#
# Every run keeps its callgrind files in $OUT (default target/instructions), one a program and size,
# for `callgrind_annotate --inclusive=yes $OUT/1000-user-blocking.out` (see CONTRIBUTING.md). Needs
# valgrind and GNU time (Debian: apt install valgrind time). Prints the README's table (every size)
# and the targets of issue 28, checked.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
process="$root/benches/process"
SIZES=${SIZES:-"10 1000 10000"}
OUT=${OUT:-"$root/target/instructions"}
mkdir -p "$OUT"

# A name for the table, the program and its mode, and the floor its ratio is to.
programs=(
    "floor: reqwest + serde_json, key and value|floor list|"
    "floor + figment, into the map|floor figment-map|"
    "official infisical crate (list only)|official|floor list"
    "blocking client, full model, key and value|user blocking|floor list"
    "async client, full model, key and value|user async|floor list"
    "figment provider into a map|user figment|floor figment-map"
)

# One package at a time: building several at once would unify their features.
for program in floor user official; do
    cargo build --quiet --release --manifest-path "$process/Cargo.toml" -p "$program"
done
load=$(cd "$root" && cargo bench --quiet --bench load --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable") and m["target"]["name"] == "load"][0])')
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT

for n in $SIZES; do
    rm -f "$work/port"
    "$load" serve "$n" > "$work/port" &
    server=$!
    while [ ! -s "$work/port" ]; do sleep 0.05; done
    # The environment a service would have: the site and a machine identity, an empty home (no CLI
    # login), and nothing else of this shell's.
    mkdir -p "$work/home"
    set -- env -i HOME="$work/home" PATH=/usr/bin:/bin INFISICAL_URL="http://127.0.0.1:$(cat "$work/port")" \
        INFISICAL_UNIVERSAL_AUTH_CLIENT_ID=bench-id INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET=bench-secret
    for row in "${programs[@]}"; do
        IFS='|' read -r _ program _ <<< "$row"
        name=$(echo "$program" | tr ' ' -)
        binary="$process/target/release/${program%% *}"
        args=${program#"${program%% *}"}
        # shellcheck disable=SC2086 # the mode is one word or none
        "$@" valgrind --tool=callgrind --callgrind-out-file="$OUT/$n-$name.out" "$binary" $args 2> "$work/log" >/dev/null \
            || { cat "$work/log" >&2; exit 1; }
        sed -n 's/.*Collected : *//p' "$work/log" > "$work/$n-ir-$name"
        for _ in 1 2 3 4 5; do
            # shellcheck disable=SC2086
            /usr/bin/time -f %M "$@" "$binary" $args 2>&1 >/dev/null | tail -1
        done | sort -n | sed -n 3p > "$work/$n-rss-$name"
    done
    kill "$server"
    server=
    echo "counted at $n secrets" >&2
done

# One table for the README (every size, ratios to the floor each program is held to), then the
# targets of issue 28, each checked against the exact counts.
printf '%s\n' "${programs[@]}" > "$work/rows"
python3 - "$work" $SIZES <<'PY'
import sys
work, sizes = sys.argv[1], sys.argv[2:]
rows = [line.rstrip("\n").split("|") for line in open(f"{work}/rows")]
def read(what, n, program):
    return int(open(f"{work}/{n}-{what}-{program.replace(' ', '-')}").read())
ir = lambda n, p: read("ir", n, p)
rss = lambda n, p: read("rss", n, p)
first, last = sizes[0], sizes[-1]
head = "| program | " + " | ".join(f"{int(n):,} | ratio" for n in sizes) + f" | peak RSS at {int(first):,} / {int(last):,} |"
print("\n" + head)
print("|---|" + "--:|---|" * len(sizes) + "---|")
for name, program, floor in rows:
    cells = []
    for n in sizes:
        cells.append(f"{ir(n, program) / 1e6:.2f} M")
        cells.append(f"{ir(n, program) / ir(n, floor):.2f}x" if floor else "")
    ratios = f" ({rss(first, program) / rss(first, floor):.2f}x / {rss(last, program) / rss(last, floor):.2f}x)" if floor else ""
    cells.append(f"{rss(first, program) / 1024:.1f} / {rss(last, program) / 1024:.1f} MiB{ratios}")
    print(f"| {name} | " + " | ".join(cells) + " |")

def check(ok):
    return "✓" if ok else "✗"
def ratios(program, floor):
    return [ir(n, program) / ir(n, floor) for n in sizes]
def line(target, values, limit):
    text = ", ".join(f"{v:.3f}x" for v in values)
    print(f"| {target} | {text} {check(all(v <= limit for v in values))} |")
at = ", ".join(f"{int(n):,}" for n in sizes)
print("\n| target (instructions at " + at + " secrets) | this run |")
print("|---|---|")
line("figment provider into a map ≤ 1.10x `floor + figment`", ratios("user figment", "floor figment-map"), 1.10)
line("full-model list, blocking, ≤ 1.10x `floor`", ratios("user blocking", "floor list"), 1.10)
line("full-model list, async, ≤ 1.10x `floor`", ratios("user async", "floor list"), 1.10)
line("full-model list below the official crate (blocking, async)",
     [max(ir(n, "user blocking"), ir(n, "user async")) / ir(n, "official") for n in sizes], 0.9999)
users = [("user blocking", "floor list"), ("user async", "floor list"), ("user figment", "floor figment-map")]
for n, limit in (("10", 1.5), ("10000", 1.3)):
    if n in sizes:
        values = [rss(n, p) / rss(n, f) for p, f in users]
        text = ", ".join(f"{v:.2f}x" for v in values)
        print(f"| peak RSS at {int(n):,} ≤ {limit}x the floor's (blocking, async, figment) | {text} {check(all(v <= limit for v in values))} |")
PY
