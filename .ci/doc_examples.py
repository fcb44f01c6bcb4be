#!/usr/bin/env python3
"""Fails when a public item has no rustdoc example.

Reads the rustdoc JSON of the crate (`cargo +nightly rustdoc --all-features --lib -- -Z
unstable-options --output-format json`), walks what a user can name from the crate's root (modules,
re-exports, inherent impls, trait items) and checks each item rustdoc's own coverage report expects
an example on (functions, methods, structs, enums, unions, traits, macros; not fields, variants,
constants or type aliases) for a Rust code block in its docs. Prints a table per file and every item
without one, and exits 1 when any is missing.

    python3 .ci/doc_examples.py [target/doc/infisical_config.json] [--list]

rustdoc's own count (`--show-coverage --output-format json`) skips what macros generate (the builders'
setters), so it is checked too but is not enough:

    python3 .ci/doc_examples.py --coverage coverage.json
"""

import json
import re
import sys
from collections import defaultdict

FENCE = re.compile(r"^\s*(```+|~~~+)\s*([^\n`]*)$", re.M)
# Code blocks rustdoc does not test, so they are no example.
NOT_RUST = {"text", "console", "sh", "bash", "shell", "toml", "json", "yaml", "ini", "sql", "diff", "dotenv", "env"}
COUNTED = {"function", "struct", "enum", "union", "trait", "macro"}


def has_example(docs):
    if not docs:
        return False
    opening = True
    for m in FENCE.finditer(docs):
        if opening:
            words = {w.strip() for w in re.split(r"[,\s]+", m.group(2)) if w.strip()}
            if not (words & NOT_RUST) and "ignore" not in words:
                return True
        opening = not opening
    return False


def coverage(path):
    """rustdoc's coverage report: every item documented, every item it expects an example on with one."""
    files = json.load(open(path))
    keys = ("total", "with_docs", "total_examples", "with_examples")
    total, docs, wanted, examples = (sum(f[k] for f in files.values()) for k in keys)
    print(f"rustdoc coverage: {docs}/{total} documented, {examples}/{wanted} with examples")
    short = [(name, f) for name, f in sorted(files.items()) if f["with_docs"] < f["total"] or f["with_examples"] < f["total_examples"]]
    for name, f in short:
        print(f"  {name}: {f['with_docs']}/{f['total']} documented, {f['with_examples']}/{f['total_examples']} examples")
    if short:
        sys.exit(1)


def main():
    if sys.argv[1:2] == ["--coverage"]:
        return coverage(sys.argv[2])
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = args[0] if args else "target/doc/infisical_config.json"
    listing = "--list" in sys.argv
    doc = json.load(open(path))
    index = doc["index"]
    root = index[str(doc["root"])]

    counted = {}  # id -> (file, line, path, has example)
    seen = set()

    def item(id_):
        return index.get(str(id_))

    def count(it, path):
        span = it.get("span") or {}
        where = (span.get("filename", "?"), (span.get("begin") or [0])[0])
        counted[it["id"]] = (where[0], where[1], path, has_example(it.get("docs")))

    def walk(id_, prefix, name=None):
        it = item(id_)
        if it is None or it.get("crate_id", 0) != 0:
            return
        kind, inner = next(iter(it["inner"].items()))
        name = name or it.get("name") or ""
        path = f"{prefix}::{name}" if prefix else name
        if kind == "use":
            target = inner.get("id")
            if target is None:
                return
            if inner.get("is_glob"):
                glob = item(target)
                if glob and "module" in glob["inner"]:
                    for child in glob["inner"]["module"]["items"]:
                        walk(child, prefix)
                return
            walk(target, prefix, inner.get("name"))
            return
        key = (it["id"], path)
        if key in seen:
            return
        seen.add(key)
        if kind == "module":
            for child in inner["items"]:
                walk(child, path)
            return
        if kind in COUNTED and it["id"] not in counted:
            count(it, path)
        impls = inner.get("impls", []) if kind in ("struct", "enum", "union") else []
        for impl_id in impls:
            impl = item(impl_id)
            if impl is None:
                continue
            body = impl["inner"]["impl"]
            if body.get("trait") is not None or body.get("is_synthetic") or body.get("blanket_impl") is not None:
                continue
            for method in body["items"]:
                m = item(method)
                if m and m.get("visibility") == "public" and "function" in m["inner"] and m["id"] not in counted:
                    count(m, f"{path}::{m['name']}")
        if kind == "trait":
            for method in inner["items"]:
                m = item(method)
                if m and "function" in m["inner"] and m["id"] not in counted:
                    count(m, f"{path}::{m['name']}")

    for child in root["inner"]["module"]["items"]:
        walk(child, "infisical_config")

    per_file = defaultdict(lambda: [0, 0])
    missing = []
    for file, line, path, ok in counted.values():
        per_file[file][0] += 1
        per_file[file][1] += ok
        if not ok:
            missing.append((file, line, path))
    total = sum(v[0] for v in per_file.values())
    with_ex = sum(v[1] for v in per_file.values())
    print(f"{'file':<48} {'items':>6} {'examples':>9}")
    for file in sorted(per_file):
        n, ok = per_file[file]
        print(f"{file:<48} {n:>6} {ok:>9}")
    print(f"{'total':<48} {total:>6} {with_ex:>9} ({100.0 * with_ex / max(total, 1):.1f}%)")
    if missing:
        print(f"\n{len(missing)} public items without an example:")
        for file, line, path in sorted(missing)[: None if listing else 40]:
            print(f"  {file}:{line}  {path}")
        if not listing and len(missing) > 40:
            print(f"  ... and {len(missing) - 40} more (--list for all)")
        sys.exit(1)


if __name__ == "__main__":
    main()
