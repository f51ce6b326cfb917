#!/usr/bin/env python3
"""The CLI at scale (issue 15, point 4): `navet child list` and `navet child show PREFIX`
on a replica of N children, two `navet` binaries side by side, against one sqlite3 query.

Makes the replica with `navet-bench --replica N --out FILE` (once; `--keep DIR` keeps and
reuses it), then runs each command with each binary in alternating rounds (which binary goes
first alternates too), and reports per command and binary the medians of wall time, process
time (user + system CPU) and peak resident set size (`ru_maxrss` from wait4, the figure
`/usr/bin/time -v` prints as "Maximum resident set size"), with every round, plus the same
for the sqlite3 query that reads the list's visible columns from the same table. It checks
that both binaries print the same bytes for each command. Run from the project root:

    swift build -c release --scratch-path .build-rel
    cp .build-rel/release/navet /tmp/navet-base     # before your change: the baseline
    python3 Tools/bench/cli-scale.py --base /tmp/navet-base [--children 100000] [--rounds 5] [--keep DIR]

Without --base only the current binary is measured. Each display appends its read-log entry
to the replica (a list of 100,000 children: an entry of 1.7 MB), as it does for people.
Each binary works on its own copy of the replica, made afresh for each run (a binary opens
a file in its own layout, migrating it, and an older binary refuses a newer layout); the
sqlite3 query reads the copy of the binary measured.
"""
import argparse
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

# The list's visible columns (id, name, birth date, asylum status, whether a field is in
# conflict) from the same table, sorted by name, one statement.
LIST_QUERY = """
SELECT printf('%016x', record_id),
       max(CASE WHEN field = 'name' THEN value END) AS name,
       max(CASE WHEN field = 'birth_date' THEN value END),
       max(CASE WHEN field = 'asylum_status' THEN value END),
       max(heads > 1)
FROM cells WHERE record_type = 'child' GROUP BY record_id ORDER BY name;
"""


def run(argv, env):
    """Runs argv with stdout to a temporary file; returns (wall s, cpu s, peak RSS MiB, digest)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        err = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed ({process.returncode}): {err}")
        out.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: out.read(1 << 20), b""):
            digest.update(chunk)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base", help="the baseline navet binary (e.g. a copy made before the change)")
    parser.add_argument("--navet", default=".build-rel/release/navet", help="the navet binary measured")
    parser.add_argument("--bench", default=".build-rel/release/navet-bench", help="navet-bench, to make the replica")
    parser.add_argument("--keep", help="keep the replica in this folder (and reuse it when it is there)")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("sqlite3 is needed (apt-get install sqlite3)")

    folder = args.keep or tempfile.mkdtemp(prefix="navet-cli-scale-")
    os.makedirs(folder, exist_ok=True)
    db = os.path.join(folder, f"replica-{args.children}.navet")
    if not os.path.exists(db):
        print(f"making a replica of {args.children} children...", file=sys.stderr)
        subprocess.run([args.bench, "--replica", str(args.children), "--out", db], check=True)
    env = {key: value for key, value in os.environ.items() if key not in ("NAVET_USER", "NAVET_DB")}
    binaries = [("new", os.path.abspath(args.navet))]
    if args.base:
        binaries.insert(0, ("base", os.path.abspath(args.base)))
    copies = {}
    for name, binary in binaries:
        copies[name] = os.path.join(folder, f"replica-{args.children}-{name}.navet")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(copies[name] + suffix):
                os.remove(copies[name] + suffix)
        shutil.copyfile(db, copies[name])
        # The first command migrates the copy and adds the login as its first user.
        subprocess.run([binary, "--db", copies[name], "user", "list"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with sqlite3.connect(db) as connection:
        child = connection.execute(
            "SELECT printf('%016x', record_id) FROM cells WHERE record_type = 'child' AND field = 'name' "
            "ORDER BY record_id LIMIT 1 OFFSET ?", (args.children // 2,)).fetchone()[0]
    prefix = child[:8]
    commands = [
        ("child list", ["child", "list"]),
        ("child list --json", ["--json", "child", "list"]),
        ("child list --name amina", ["child", "list", "--name", "amina"]),
        (f"child show {prefix}", ["child", "show", prefix]),
        (f"child show {child}", ["child", "show", child]),
    ]
    load_before = os.getloadavg()
    results = {}
    digests = {}
    for round_number in range(args.rounds):
        print(f"round {round_number + 1}/{args.rounds}", file=sys.stderr)
        for label, arguments in commands:
            order = binaries if round_number % 2 == 0 else list(reversed(binaries))
            for name, binary in order:
                wall, cpu, rss, digest = run([binary, "--db", copies[name]] + arguments, env)
                results.setdefault((label, name), []).append((wall, cpu, rss))
                digests.setdefault(label, {}).setdefault(name, set()).add(digest)
        wall, cpu, rss, _ = run(["sqlite3", copies["new"], LIST_QUERY], env)
        results.setdefault(("sqlite3 list query", "sqlite3"), []).append((wall, cpu, rss))
    load_after = os.getloadavg()

    sizes = ", ".join(f"{name} {os.path.getsize(path) / 2**20:,.0f} MiB" for name, path in copies.items())
    print(f"replica: {args.children:,} children, {os.path.getsize(db) / 2**20:,.0f} MiB as made ({db}; after the run: {sizes}); "
          f"{args.rounds} alternating rounds; load average before {load_before[0]:.2f} {load_before[1]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f}")
    print()
    print("| command | binary | median wall s | median user+sys s | median peak RSS MiB | rounds: wall s / cpu s / RSS MiB |")
    print("|---|---|---:|---:|---:|---|")
    for (label, name), rows in results.items():
        walls, cpus, rsss = zip(*rows)
        each = ", ".join(f"{w:.3f}/{c:.3f}/{r:.0f}" for w, c, r in rows)
        print(f"| `{label}` | {name} | {statistics.median(walls):.3f} | {statistics.median(cpus):.3f} | "
              f"{statistics.median(rsss):.1f} | {each} |")
    print()
    for label, by_binary in digests.items():
        same = len(set.union(*by_binary.values())) == 1
        print(f"{label}: output {'identical' if same else 'DIFFERS'} across binaries and rounds")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
