#!/usr/bin/env python3
"""Merge navet-bench's change set in Yrs (pycrdt), Loro and Automerge.

    python3 Tools/bench/peers/peers.py CHANGES.jsonl [--rounds 5] [--engines yrs,loro,automerge] [--json]

CHANGES.jsonl is what `navet-bench --export-changes FILE` writes: one change per line
(Tools/bench/README.md, "The change file"). Each replica of the file becomes its own
document (its own peer, client or actor id: the replica id) and makes that replica's
edits in seq order: a record's creation (its consecutive first writes) is one
transaction that puts a map under the record's id with one entry per field; each later
edit is one transaction that overwrites one entry of that map. So each engine keeps the
history of the edits in its own way. Not timed: building the documents and encoding each
replica's update as it would be sent (the whole document from an empty state).

Timed: the server's merge, a fresh empty document that applies the 200 updates one by
one, decoding included (as Navet's merge decodes and verifies its bundles). The engines
take turns in rounds (which goes first rotates); medians are reported next to each round.
After the first round every cell of each merged document is checked against the
highest-stamp value of the file, untimed.

Needs `pip install pycrdt loro automerge==1.0.0rc1` (Tools/bench/peers/run.sh makes a
venv). Not part of `swift test`.
"""
import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time


def load(path):
    """Per replica (in file order): its changes, in seq order."""
    replicas = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            change = json.loads(line)
            replicas.setdefault(change["replica"], []).append(change)
    for changes in replicas.values():
        changes.sort(key=lambda change: change["seq"])
    return replicas


def transactions(changes):
    """A replica's edits as transactions: a record's creation (consecutive first writes of
    one record, `replaces` empty) is one; every other change is one of its own."""
    groups = []
    for change in changes:
        creates = not change["replaces"]
        last = groups[-1] if groups else None
        if creates and last and last[0] and last[1][0]["record"] == change["record"]:
            last[1].append(change)
        else:
            groups.append((creates, [change]))
    return groups


def expected_state(replicas):
    """(record, field) -> value of the highest stamp (version, then origin)."""
    best = {}
    for replica, changes in replicas.items():
        origin = int(replica, 16)
        for change in changes:
            key = (change["record"], change["field"])
            stamp = (change["version"], origin)
            if key not in best or stamp > best[key][0]:
                best[key] = (stamp, change["value"])
    return {key: value for key, (_, value) in best.items()}


class Yrs:
    name = "Yrs (pycrdt)"

    def __init__(self):
        import pycrdt

        self.pycrdt = pycrdt
        self.version = "pycrdt " + _version("pycrdt")

    def build(self, replica, groups):
        pycrdt = self.pycrdt
        # Yrs client ids are at most 53 bits.
        doc = pycrdt.Doc(client_id=replica & ((1 << 53) - 1))
        records = doc.get("records", type=pycrdt.Map)
        for creates, changes in groups:
            with doc.transaction():
                record = changes[0]["record"]
                if creates and record not in records:
                    records[record] = pycrdt.Map({change["field"]: change["value"] for change in changes})
                else:
                    entry = records[record]
                    for change in changes:
                        entry[change["field"]] = change["value"]
        return doc.get_update()

    def merge(self, updates):
        doc = self.pycrdt.Doc()
        for update in updates:
            doc.apply_update(update)
        return doc

    def cells(self, doc):
        records = doc.get("records", type=self.pycrdt.Map)
        for record in records.keys():
            entry = records[record]
            for field in entry.keys():
                yield (record, field), entry[field]


class Loro:
    name = "Loro"

    def __init__(self):
        import loro

        self.loro = loro
        self.version = "loro " + _version("loro")

    def build(self, replica, groups):
        loro = self.loro
        doc = loro.LoroDoc()
        doc.peer_id = replica
        records = doc.get_map("records")
        maps = {}
        for creates, changes in groups:
            record = changes[0]["record"]
            if creates and record not in maps:
                maps[record] = records.insert_container(record, loro.LoroMap())
            entry = maps[record]
            for change in changes:
                entry.insert(change["field"], change["value"])
            doc.commit()
        return doc.export(loro.ExportMode.Updates(loro.VersionVector()))

    def merge(self, updates):
        doc = self.loro.LoroDoc()
        for update in updates:
            doc.import_(update)
        return doc

    def cells(self, doc):
        for record, entry in doc.get_deep_value()["records"].items():
            for field, value in entry.items():
                yield (record, field), value


class Automerge:
    name = "Automerge"

    def __init__(self):
        from automerge import core

        self.core = core
        self.version = "automerge " + _version("automerge")

    def scalar(self, value):
        kinds = self.core.ScalarType
        if value is None:
            return kinds.Null, None
        if isinstance(value, bool):
            return kinds.Boolean, value
        if isinstance(value, int):
            return kinds.Int, value
        return kinds.Str, value

    def build(self, replica, groups):
        core = self.core
        doc = core.Document(actor_id=replica.to_bytes(8, "big"))
        maps = {}
        for creates, changes in groups:
            record = changes[0]["record"]
            with doc.transaction() as tx:
                if creates and record not in maps:
                    maps[record] = tx.put_object(core.ROOT, record, core.ObjType.Map)
                entry = maps[record]
                for change in changes:
                    kind, value = self.scalar(change["value"])
                    tx.put(entry, change["field"], kind, value)
        return doc.save()

    def merge(self, updates):
        core = self.core
        doc = core.Document()
        for update in updates:
            doc.merge(core.Document.load(update))
        return doc

    def cells(self, doc):
        core = self.core
        for record in doc.keys(core.ROOT):
            _, entry = doc.get(core.ROOT, record)
            for field in doc.keys(entry):
                (value, _) = doc.get(entry, field)
                # A scalar comes back as (ScalarType, value).
                yield (record, field), value[1]


ENGINES = {"yrs": Yrs, "loro": Loro, "automerge": Automerge}


def _version(package):
    try:
        from importlib.metadata import version

        return version(package)
    except Exception:
        return "?"


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def load_average():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("changes", help="the JSON lines file from navet-bench --export-changes")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each engine (default 5)")
    parser.add_argument("--engines", default="yrs,loro,automerge", help="comma-separated: yrs, loro, automerge")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    names = [name.strip() for name in args.engines.split(",") if name.strip()]
    for name in names:
        if name not in ENGINES:
            parser.error(f"unknown engine {name} (yrs, loro, automerge)")

    def say(message):
        print(message, file=sys.stderr, flush=True)

    replicas = load(args.changes)
    total = sum(len(changes) for changes in replicas.values())
    expected = expected_state(replicas)
    navet = None
    if os.path.exists(args.changes + ".navet.json"):
        with open(args.changes + ".navet.json") as handle:
            navet = json.load(handle)
    say(f"peers: {len(replicas)} replicas, {total:,} changes, {len(expected):,} cells from {args.changes}")

    engines = [ENGINES[name]() for name in names]
    updates = {}
    for engine in engines:
        started = time.perf_counter()
        updates[engine.name] = [
            engine.build(int(replica, 16), transactions(changes)) for replica, changes in replicas.items()
        ]
        say(f"peers: {engine.name}: built {len(replicas)} replica documents in {time.perf_counter() - started:.1f} s (not timed)")

    # One untimed merge of a single update per engine, so no round pays for first use.
    for engine in engines:
        engine.merge(updates[engine.name][:1])

    times = {engine.name: [] for engine in engines}
    cpu = {engine.name: [] for engine in engines}
    for round_number in range(args.rounds):
        start = round_number % len(engines)
        for engine in engines[start:] + engines[:start]:
            gc.collect()
            gc.disable()
            started, started_cpu = time.perf_counter(), time.process_time()
            doc = engine.merge(updates[engine.name])
            elapsed, used = time.perf_counter() - started, time.process_time() - started_cpu
            gc.enable()
            times[engine.name].append(elapsed)
            cpu[engine.name].append(used)
            say(f"  round {round_number + 1}/{args.rounds}  {engine.name:<14} {elapsed:.3f} s"
                f"  {total / elapsed:,.0f} changes/s  CPU {used:.3f} s")
            if round_number == 0:
                seen = dict(engine.cells(doc))
                if seen != expected:
                    wrong = sum(1 for key, value in expected.items() if seen.get(key, object()) != value)
                    sys.exit(f"peers: {engine.name} merged to a different state: {wrong} of {len(expected)} cells differ")
            del doc

    results = []
    for engine in engines:
        seconds = statistics.median(times[engine.name])
        sent = sum(len(update) for update in updates[engine.name])
        results.append({
            "engine": engine.name, "version": engine.version, "seconds": times[engine.name],
            "medianSeconds": seconds, "changesPerSecond": total / seconds,
            "cpuSeconds": cpu[engine.name], "medianCPUSeconds": statistics.median(cpu[engine.name]),
            "updateBytes": sent, "bytesPerChange": sent / total,
        })

    summary = {
        "file": args.changes, "replicas": len(replicas), "changes": total, "cells": len(expected),
        "values": navet.get("values") if navet else None, "rounds": args.rounds,
        "machine": machine(), "loadAverage": load_average(), "engines": results,
        "navetBytesPerChange": navet.get("navetBytesPerChange") if navet else None,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    lines = [
        f"peers: {len(replicas)} replicas, {total:,} changes ({summary['values'] or '?'} values), in memory;"
        f" {args.rounds} rounds, alternating; medians",
        f"  {summary['machine']}; load average {summary['loadAverage']}",
        "",
        f"  {'engine':<14} {'median s':>9} {'changes/s':>11} {'CPU s':>8} {'bytes/change':>13}  version",
    ]
    for result in results:
        lines.append(
            f"  {result['engine']:<14} {result['medianSeconds']:>9.3f} {result['changesPerSecond']:>11,.0f}"
            f" {result['medianCPUSeconds']:>8.3f} {result['bytesPerChange']:>13.2f}  {result['version']}"
        )
    if navet:
        lines.append(f"  {'Navet':<14} {'':>9} {'':>11} {'':>8} {navet['navetBytesPerChange']:>13.2f}  signed upload bundles")
    lines.append("")
    for result in results:
        lines.append(f"  rounds, s: {result['engine']}: " + ", ".join(f"{value:.3f}" for value in result["seconds"])
                     + "; CPU " + ", ".join(f"{value:.3f}" for value in result["cpuSeconds"]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
