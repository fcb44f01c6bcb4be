#!/usr/bin/env bash
# Times whole processes, start-up included, with hyperfine: this crate's figment job, its client list
# and its env loader against the floors (bare reqwest + serde_json; the same plus figment) and the
# official `infisical` crate, all built in release in this run, against the bench server of
# benches/load.rs (`-- serve N`, v4 bodies of about 530 bytes a secret over ten folders). The rows
# marked rustls-ring are the same job built with that feature (`ring/`) instead of the default aws-lc-rs.
# Each program is its own package of one workspace, built alone: features are not shared between them.
#
#   benches/process/run.sh            # 10, 1,000 and 10,000 secrets
#   SIZES="1000" ROUNDS=100 benches/process/run.sh   # one size, more runs
#
# Needs hyperfine (Debian: apt install hyperfine) and GNU time; valgrind is optional. Prints one
# markdown table a size, as the README has them, then the targets, checked.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SIZES=${SIZES:-"10 1000 10000"}
# Rounds of RUNS each (after WARMUP runs), taking turns in a new order each round: short rounds, so
# that a slow spell of the machine falls on every program alike.
ROUNDS=${ROUNDS:-40}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
# With valgrind installed (Debian: apt install valgrind), each program's instructions are counted too.
valgrind=$(command -v valgrind || true)

# What is timed: a name for the table, and the program with its mode.
programs=(
    "floor|floor list"
    "floor + figment|floor figment"
    "official infisical crate (list only)|official"
    "figment job|job figment"
    "client list_values|job list"
    "env loader load|job env"
    "figment job, rustls-ring|job-ring figment"
    "client list_values, rustls-ring|job-ring list"
    "env loader load, rustls-ring|job-ring env"
    "start-up alone (client built, no request)|job build"
    "start-up alone, rustls-ring|job-ring build"
    "floor start-up alone (runtime and client, no request)|floor build"
)

for program in floor job job-ring official; do
    cargo build --quiet --release --manifest-path "$here/Cargo.toml" -p "$program"
done
load=$(cd "$root" && cargo bench --quiet --bench load --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable") and m["target"]["name"] == "load"][0])')
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
# Every program is timed from a fresh copy: a binary cargo just relinked and one left from an earlier
# build sit in the page cache differently: the same process took 18 to 31 more page faults from one
# than from a fresh copy (measured), whichever programs this run happened to rebuild.
bin="$work/bin"
mkdir "$bin"
for program in floor job job-ring official; do
    cp "$here/target/release/$program" "$bin/"
done

for n in $SIZES; do
    rm -f "$work/port"
    "$load" serve "$n" > "$work/port" &
    server=$!
    while [ ! -s "$work/port" ]; do sleep 0.05; done
    port=$(cat "$work/port")
    # The environment a service would have: the site and a machine identity, an empty home (no CLI
    # login), and nothing else of this shell's.
    mkdir -p "$work/home"
    set -- env -i HOME="$work/home" PATH=/usr/bin:/bin INFISICAL_URL="http://127.0.0.1:$port" \
        INFISICAL_UNIVERSAL_AUTH_CLIENT_ID=bench-id INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET=bench-secret
    cd "$work"
    for round in $(seq "$ROUNDS"); do
        # In a new order every round: no program always runs first, or right after another.
        args=()
        while IFS='|' read -r name program; do
            args+=(-n "$name" "$* $bin/$program")
        done < <(printf '%s\n' "${programs[@]}" | shuf)
        hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/$n-$round.json" \
            "${args[@]}" > /dev/null
    done
    for what in "floor list" "floor figment" official "job figment" "job list" "job env" "job build" "floor build" \
        "ring/job figment" "ring/job list" "ring/job env" "ring/job build"; do
        case $what in ring/*) program="$bin/job-ring ${what#ring/job }" ;; *) program="$bin/$what" ;; esac
        name=$(echo "$what" | tr ' /' --)
        # Peak RSS (KiB), the median of five runs.
        for _ in 1 2 3 4 5; do /usr/bin/time -f %M "$@" $program 2>&1 >/dev/null | tail -1; done \
            | sort -n | sed -n 3p > "$work/$n-rss-$name"
        # Instructions run, counted by valgrind: the same on every run, where times move by ±10 %.
        if [ -n "$valgrind" ]; then
            "$@" "$valgrind" --tool=callgrind --callgrind-out-file=/dev/null $program 2>&1 >/dev/null \
                | sed -n 's/.*I *refs: *//p' | tr -d , > "$work/$n-ir-$name"
        fi
    done
    kill "$server"
    python3 - "$work" "$n" <<'PY'
import glob, json, statistics, sys
work, n = sys.argv[1], sys.argv[2]
times = {}
for f in glob.glob(f"{work}/{n}-*.json"):
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
res = {c: {"median": statistics.median(t)} for c, t in times.items()}
rss = lambda f: int(open(f"{work}/{n}-rss-{f}").read())
def ir(f):
    try:
        return int(open(f"{work}/{n}-ir-{f}").read())
    except (OSError, ValueError):
        return None
rows = [("floor", "floor-list", None), ("floor + figment", "floor-figment", None),
        ("official infisical crate (list only)", "official", "floor"),
        ("figment job", "job-figment", "floor + figment"), ("client list_values", "job-list", "floor"),
        ("env loader load", "job-env", "floor"),
        ("figment job, rustls-ring", "ring-job-figment", "floor + figment"),
        ("client list_values, rustls-ring", "ring-job-list", "floor"),
        ("env loader load, rustls-ring", "ring-job-env", "floor"),
        ("start-up alone (client built, no request)", "job-build", None),
        ("start-up alone, rustls-ring", "ring-job-build", None),
        ("floor start-up alone (runtime and client, no request)", "floor-build", None)]
print(f"{int(n):,} secrets: {len(next(iter(times.values())))} runs each", file=sys.stderr)
print(f"\n**{int(n):,} secrets**\n")
print("| program | median | ratio | peak RSS | RSS ratio | instructions | ratio |")
print("|---|--:|---|--:|---|--:|---|")
for name, f, floor in rows:
    t = res[name]["median"] * 1e3
    ratio = f"{res[name]['median'] / res[floor]['median']:.2f}x {floor}" if floor else ""
    floor_file = {"floor": "floor-list", "floor + figment": "floor-figment"}.get(floor)
    rss_ratio = f"{rss(f) / rss(floor_file):.2f}x" if floor_file else ""
    count = f"{ir(f) / 1e6:.2f} M" if ir(f) else ""
    ir_ratio = f"{ir(f) / ir(floor_file):.2f}x" if floor_file and ir(f) and ir(floor_file) else ""
    print(f"| {name} | {t:.1f} ms | {ratio} | {rss(f) / 1024:.1f} MiB | {rss_ratio} | {count} | {ir_ratio} |")
# For the targets, after the last size.
summary = {name: {"median": res[name]["median"], "rss": rss(f)} for name, f, _ in rows}
json.dump(summary, open(f"{work}/summary-{n}.json", "w"))
PY
    cd "$here"
done

# The targets (issues 11 and 28): wall time within 1.10x of the floor the program is held to, faster
# than the official crate, peak RSS within 1.5x of the floor's at 10 secrets and 1.3x at 10,000.
python3 - "$work" $SIZES <<'PY'
import json, sys
work, sizes = sys.argv[1], sys.argv[2:]
runs = {n: json.load(open(f"{work}/summary-{n}.json")) for n in sizes}
def check(ok):
    return "✓" if ok else "✗"
at = ", ".join(f"{int(n):,}" for n in sizes)
print(f"\n| target (wall time at {at} secrets) | this run |")
print("|---|---|")
for program, floor in [("figment job", "floor + figment"), ("client list_values", "floor"), ("env loader load", "floor"),
                       ("figment job, rustls-ring", "floor + figment"), ("client list_values, rustls-ring", "floor"),
                       ("env loader load, rustls-ring", "floor")]:
    values = [runs[n][program]["median"] / runs[n][floor]["median"] for n in sizes]
    print(f"| {program} ≤ 1.10x `{floor}` | {', '.join(f'{v:.2f}x' for v in values)} {check(all(v <= 1.10 for v in values))} |")
ms = lambda n, p: runs[n][p]["median"] * 1e3
faster = [ms(n, "client list_values") < ms(n, "official infisical crate (list only)") for n in sizes]
text = ", ".join(f"{ms(n, 'client list_values'):.1f} vs {ms(n, 'official infisical crate (list only)'):.1f} ms" for n in sizes)
print(f"| `list_values` faster than the official crate (list only) | {text} {check(all(faster))} |")
for n, limit in (("10", 1.5), ("10000", 1.3)):
    if n in sizes:
        values = [runs[n][p]["rss"] / runs[n][f]["rss"] for p, f in
                  [("figment job", "floor + figment"), ("client list_values", "floor"), ("env loader load", "floor")]]
        print(f"| peak RSS at {int(n):,} ≤ {limit}x the floor's (figment job, list, env loader) | "
              f"{', '.join(f'{v:.2f}x' for v in values)} {check(all(v <= limit for v in values))} |")
PY
