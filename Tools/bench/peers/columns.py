#!/usr/bin/env python3
"""Bytes per column of Navet's upload bundles (Tools/bench/README.md, "Bytes per change,
second round (issue 15)").

    python3 Tools/bench/peers/columns.py CHANGES.jsonl [--layout 3|4|both]

CHANGES.jsonl is a change file of `navet-bench --export-changes` (one upload per replica,
in file order). The script re-implements the payload of Protocol/BUNDLE.md ("Payload",
format versions 3 and 4) and BundleCodec's compressor (level 6, a deflate block ended
with Z_BLOCK at a section end once 256 bytes went into the block; layout 3 with zlib's
default strategy, as version 3 was written before version 4, and layout 4 with
Z_FILTERED, as BundleCodec writes now). The whole-file sizes it prints for layout 4 must
equal the `navetBytesPerChange` of `FILE.navet.json` from this tree, and those for
layout 3 the figure of a tree before version 4 (15.16 and 8.73 on W1); it checks nothing
else. `--opts` applies only some of layout 4's parts, to measure each alone. Per column it gives:

- raw: the column's uncompressed bytes per change;
- alone: the column compressed on its own (level 6, one zlib stream, minus the 6 bytes of
  zlib header and Adler-32), per change: what the column costs in isolation;
- in bundle: the compressed bytes of the whole payload attributed to the column, measured
  as the growth of the compressed output (flushed with Z_BLOCK) while the column is fed in.
  Sections shorter than a block share it, so small neighbours may be attributed together.

Standard library only; Python's zlib must be the same zlib build as Navet's for the
figures to agree byte for byte.
"""

import argparse
import json
import sys
import zlib

FRAME = 174  # header 76, checksum 32, signature length 2, signature 64
MIN_BLOCK = 256


def varint(n, out):
    assert n >= 0
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def zigzag(n, out):
    n &= (1 << 64) - 1
    signed = n - (1 << 64) if n >= 1 << 63 else n
    varint(((signed << 1) ^ (signed >> 63)) & ((1 << 64) - 1), out)


def name_table(names, out):
    varint(len(names), out)
    for name in names:
        varint(len(name), out)
        out.extend(name)


def kind_of(value):
    if value is None:
        return 0
    if isinstance(value, bool):
        return 4 if value else 3
    if isinstance(value, int):
        return 2
    return 1


OPTS = set()
LEVEL = 6
MEMLEVEL = 8
STRATEGY = zlib.Z_DEFAULT_STRATEGY


def planes(column):
    """Splits a column of varints into byte planes: plane k holds byte k of every varint
    longer than k bytes, in column order."""
    out = []
    k = 0
    values = []
    current = []
    for b in column:
        current.append(b)
        if b < 0x80:
            values.append(current)
            current = []
    while True:
        plane = bytearray(v[k] for v in values if len(v) > k)
        if not plane:
            return out
        out.append(plane)
        k += 1


def encode(changes, layout):
    """The payload as a list of (section name, bytes)."""
    origins = sorted({int(c["replica"], 16) for c in changes} |
                     {int(s["origin"], 16) for c in changes for s in c["replaces"]})
    records = sorted({int(c["record"], 16) for c in changes})
    types = sorted({c["type"].encode() for c in changes})
    fields = sorted({c["field"].encode() for c in changes})
    tags = sorted({c["tag"].encode() for c in changes})
    oi = {v: i for i, v in enumerate(origins)}
    ri = {v: i for i, v in enumerate(records)}
    ti = {v: i for i, v in enumerate(types)}
    fi = {v: i for i, v in enumerate(fields)}
    gi = {v: i for i, v in enumerate(tags)}
    sections = []

    tables = bytearray()
    varint(len(changes), tables)
    for table in (origins, records):
        varint(len(table), tables)
        for v in table:
            tables.extend(v.to_bytes(8, "big"))
    for table in (types, fields, tags):
        name_table(table, tables)
    sections.append(("tables", tables))

    def column(name, fill):
        out = bytearray()
        fill(out)
        sections.append((name, out))

    origin_of = [oi[int(c["replica"], 16)] for c in changes]
    column("origin", lambda o: [varint(i, o) for i in origin_of])

    def seqs(o):
        prev = [0] * len(origins)
        for c, i in zip(changes, origin_of):
            zigzag(c["seq"] - (prev[i] + 1), o)
            prev[i] = c["seq"]
    column("seq", seqs)
    column("version", lambda o: [varint(c["version"], o) for c in changes])

    wall = bytearray()
    prev = [0] * len(origins)
    for c, i in zip(changes, origin_of):
        zigzag(c["wall_time"] - prev[i], wall)
        prev[i] = c["wall_time"]
    if layout == 3 or "wallplanes" not in OPTS:
        sections.append(("wall time", wall))
    else:
        for k, plane in enumerate(planes(wall)):
            sections.append((f"wall time plane {k}", plane))
    type_of = [ti[c["type"].encode()] for c in changes]
    record_of = [ri[int(c["record"], 16)] for c in changes]
    field_of = [fi[c["field"].encode()] for c in changes]
    tag_of = [gi[c["tag"].encode()] for c in changes]
    cell_of = [t * len(fields) + f for t, f in zip(type_of, field_of)]
    column("type", lambda o: [varint(i, o) for i in type_of])
    def on(name):
        return layout == 4 and name in OPTS
    if on("recdelta"):
        def recs(o):
            prev = 0
            for i in record_of:
                zigzag(i - prev, o)
                prev = i
        column("record", recs)
    else:
        column("record", lambda o: [varint(i, o) for i in record_of])
    column("field", lambda o: [varint(i, o) for i in field_of])
    if on("tagpred"):
        def tagcol(o):
            last = {}
            for key, g in zip(cell_of, tag_of):
                varint(0 if last.get(key, 0) == g else g + 1, o)
                last[key] = g
        column("tag", tagcol)
    else:
        column("tag", lambda o: [varint(i, o) for i in tag_of])
    column("replaces count", lambda o: [varint(len(c["replaces"]), o) for c in changes])
    column("replaced origin", lambda o: [varint(oi[int(s["origin"], 16)], o) for c in changes for s in c["replaces"]])
    column("replaced version", lambda o: [zigzag(c["version"] - s["version"] - 1, o) for c in changes for s in c["replaces"]])
    if on("kindpred"):
        def kinds(o):
            last = {}
            for c, key in zip(changes, cell_of):
                k = kind_of(c["value"])
                o.append(0 if last.get(key, 1) == k else k + 1)
                last[key] = k
        column("kind", kinds)
    else:
        column("kind", lambda o: o.extend(kind_of(c["value"]) for c in changes))
    texts = [(key, c["value"].encode()) for c, key in zip(changes, cell_of) if kind_of(c["value"]) == 1]
    if on("lenpred"):
        def lens(o):
            prev = {}
            for f, t in texts:
                zigzag(len(t) - prev.get(f, 0), o)
                prev[f] = len(t)
        column("text length", lens)
    else:
        column("text length", lambda o: [varint(len(t), o) for _, t in texts])
    if on("textgroup"):
        # Texts grouped by field (field index order), change order within a field; one
        # section per field so each gets its own deflate block.
        for key in sorted({key for key, _ in texts}):
            name = types[key // len(fields)].decode() + "." + fields[key % len(fields)].decode()
            column("text " + name, lambda o, key=key: [o.extend(t) for g, t in texts if g == key])
    else:
        column("text", lambda o: [o.extend(t) for _, t in texts])
    column("int", lambda o: [zigzag(c["value"], o) for c in changes if kind_of(c["value"]) == 2])
    return sections


def compress(sections):
    """BundleCodec's compressor; returns (total compressed bytes, bytes per section)."""
    payload = b"".join(bytes(s) for _, s in sections)
    d = zlib.compressobj(LEVEL, zlib.DEFLATED, 15, MEMLEVEL, STRATEGY)
    out = 0
    attributed = {}
    start = 0
    block_start = 0
    pending = []
    running = 0
    for index, (name, data) in enumerate(sections):
        end = start + len(data)
        last = index == len(sections) - 1
        pending.append(name)
        running += len(d.compress(bytes(data)))
        start = end
        if last:
            running += len(d.flush(zlib.Z_FINISH))
        elif end - block_start >= MIN_BLOCK and end < len(payload):
            running += len(d.flush(zlib.Z_BLOCK))
            block_start = end
        else:
            continue
        key = "+".join(pending)
        attributed[key] = attributed.get(key, 0) + running
        out += running
        running = 0
        pending = []
    return out, attributed, len(payload)


def alone(data):
    if not data:
        return 0
    return len(zlib.compress(bytes(data), 6)) - 6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("changes")
    parser.add_argument("--layout", default="both", choices=["3", "4", "both"])
    parser.add_argument("--level", type=int, default=6)
    parser.add_argument("--memlevel", type=int, default=8)
    parser.add_argument("--strategy", default="auto", choices=["auto", "default", "filtered"],
                        help="zlib strategy; auto: default for layout 3, filtered for 4 (what BundleCodec writes)")
    parser.add_argument("--opts", default="tagpred,lenpred,textgroup,wallplanes,kindpred",
                        help="layout 4's parts to apply (tagpred, lenpred, textgroup, wallplanes, kindpred; "
                             "recdelta: record index as a delta, measured and not kept)")
    args = parser.parse_args()
    OPTS.update(args.opts.split(","))
    global LEVEL, MEMLEVEL, STRATEGY
    LEVEL, MEMLEVEL = args.level, args.memlevel
    uploads = {}
    order = []
    total = 0
    with open(args.changes, encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)
            if c["replica"] not in uploads:
                uploads[c["replica"]] = []
                order.append(c["replica"])
            uploads[c["replica"]].append(c)
            total += 1
    layouts = [3, 4] if args.layout == "both" else [int(args.layout)]
    for layout in layouts:
        strategy = args.strategy if args.strategy != "auto" else ("default" if layout == 3 else "filtered")
        STRATEGY = {"default": zlib.Z_DEFAULT_STRATEGY, "filtered": zlib.Z_FILTERED}[strategy]
        file_bytes = 0
        raw = {}
        alone_sum = {}
        in_bundle = {}
        payload_bytes = 0
        names = []
        for replica in order:
            sections = encode(uploads[replica], layout)
            size, attributed, plen = compress(sections)
            file_bytes += FRAME + size
            payload_bytes += plen
            for name, data in sections:
                if name not in names:
                    names.append(name)
                raw[name] = raw.get(name, 0) + len(data)
                alone_sum[name] = alone_sum.get(name, 0) + alone(data)
            for key, n in attributed.items():
                in_bundle[key] = in_bundle.get(key, 0) + n
        print(f"layout {layout} ({strategy} strategy): {len(order)} uploads, {total} changes, "
              f"{file_bytes} bytes, {file_bytes / total:.2f} bytes per change "
              f"(payload {payload_bytes / total:.2f} uncompressed)")
        print(f"  {'column':<28} {'raw':>7} {'alone':>7}")
        for name in names:
            print(f"  {name:<28} {raw[name] / total:7.3f} {alone_sum[name] / total:7.3f}")
        print(f"  {'frame (header, checksum, signature)':<28} {'':>7} {FRAME * len(order) / total:7.3f}")
        print(f"  in bundle (compressed, per block):")
        for key, n in in_bundle.items():
            print(f"    {key:<60} {n / total:7.3f}")
        print()


if __name__ == "__main__":
    main()
