#!/usr/bin/env python3
"""Per-function differences between two callgrind files (valgrind 3.19's callgrind_annotate has no
--diff): what a change moved, or what a program pays for over its floor.

    benches/instructions/diff.py BEFORE.out AFTER.out [--inclusive] [--top N]

Functions are matched by name, whatever binary they are in; the largest changes first.
"""
import argparse
import re
import subprocess
import sys


def per_function(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100", path],
        capture_output=True, text=True, check=True).stdout
    costs, total = {}, 0
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)", line)
        if not m:
            continue
        count, name = int(m.group(1).replace(",", "")), m.group(2)
        if name == "PROGRAM TOTALS":
            total = count
            continue
        # `file:function [binary]`: the function, without where it was found.
        name = re.sub(r"\s*\[[^\]]*\]$", "", name)
        name = name.split(":", 1)[1] if ":" in name and not name.startswith("<") else name
        costs[name] = costs.get(name, 0) + count
    return costs, total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--inclusive", action="store_true", help="with what each function calls")
    parser.add_argument("--top", type=int, default=30, help="how many functions (30)")
    args = parser.parse_args()
    before, before_total = per_function(args.before, args.inclusive)
    after, after_total = per_function(args.after, args.inclusive)
    print(f"total: {before_total:,} -> {after_total:,} ({after_total - before_total:+,})\n")
    print("| function | before | after | change |")
    print("|---|--:|--:|--:|")
    for name in sorted(set(before) | set(after), key=lambda n: -abs(after.get(n, 0) - before.get(n, 0)))[:args.top]:
        b, a = before.get(name, 0), after.get(name, 0)
        print(f"| `{name[:160]}` | {b:,} | {a:,} | {a - b:+,} |")


main()
