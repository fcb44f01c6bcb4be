#!/usr/bin/env bash
# Runs fuzz targets with cargo-fuzz for a while each (not part of CI, see README.md):
#   fuzz/run.sh                      every target, 60 s each
#   fuzz/run.sh cache_file 300       one target, 5 minutes
# Needs `cargo install cargo-fuzz` and a nightly toolchain (the sanitizers take -Z flags). A crash
# leaves its input in fuzz/artifacts/<target>/ and stops the run with a non-zero status. The first
# build (sanitizers, aws-lc's C code) takes about 900 MB in fuzz/target/ and, on two busy cores, half
# an hour; it is timed apart from the fuzzing.
set -euo pipefail
cd "$(dirname "$0")"
targets=${1:-}
seconds=${2:-60}
if [[ -z $targets ]]; then
    targets=$(cargo +nightly fuzz list)
fi
for target in $targets; do
    echo "== $target: ${seconds}s"
    mkdir -p "corpus/$target"
    cargo +nightly fuzz build "$target"
    started=$(date +%s)
    # One job: the machine's other cores stay free.
    cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1
    echo "== $target: clean after $(( $(date +%s) - started ))s of fuzzing"
done
