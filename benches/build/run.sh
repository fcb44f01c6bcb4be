#!/bin/sh
# Build figures of a minimal figment program (main.rs): crates compiled, cold release build time
# (fresh target folder, dependencies already downloaded) and the stripped release binary's size,
# for the default features, with `keyring` added, and with `rustls-ring` in place of the default TLS.
#
#   benches/build/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| features | crates compiled | cold release build | binary (stripped) |"
echo "|---|--:|--:|--:|"
for v in default keyring ring; do
    cargo fetch --quiet --manifest-path "$here/$v/Cargo.toml"
    start=$(date +%s)
    CARGO_TARGET_DIR="$work/$v" cargo build --release --manifest-path "$here/$v/Cargo.toml" 2> "$work/$v.log"
    took=$(( $(date +%s) - start ))
    crates=$(grep -c '^ *Compiling ' "$work/$v.log")
    strip -o "$work/$v.bin" "$work/$v/release/build-$v"
    size=$(stat -c %s "$work/$v.bin")
    case $v in keyring) name="default + keyring" ;; ring) name="\`rustls-ring\`, \`figment\` (no default)" ;; *) name=$v ;; esac
    echo "| $name | $crates | ${took} s | $(python3 -c "print(f'{$size / 1e6:.1f} MB')") |"
done
