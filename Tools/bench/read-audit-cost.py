#!/usr/bin/env python3
"""The cost of read auditing on `navet child show` (issue 13, "Benchmark").

Builds `navet` twice in release mode: as people run it, and a second time in its own build
folder (.build-noaudit) with NAVET_BENCH_WITHOUT_READ_AUDIT, which leaves out the read-log
entry of a display and nothing else. Makes a replica of N children with
`navet-bench --replica N`, then runs `navet child show ID` with each binary in alternating
rounds and reports the median process time (user + system CPU, from getrusage) and wall
time of each, and their ratio. Run from the project root on a quiet machine:

    python3 Tools/bench/read-audit-cost.py [--children 100000] [--rounds 31] [--keep DIR]
"""
import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


def build(extra, path):
    command = ["swift", "build", "-c", "release", "--build-path", path] + extra
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def timed(argv, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu * 1000, wall * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--keep", help="keep the replica in this folder (and reuse it when it is there)")
    args = parser.parse_args()

    print("building navet twice (release; with and without the read-log entry)...", file=sys.stderr)
    build(["--product", "navet-bench"], ".build")
    build(["--product", "navet"], ".build")
    build(["--product", "navet", "-Xswiftc", "-DNAVET_BENCH_WITHOUT_READ_AUDIT"], ".build-noaudit")
    audited = os.path.abspath(".build/release/navet")
    unaudited = os.path.abspath(".build-noaudit/release/navet")

    folder = args.keep or tempfile.mkdtemp(prefix="navet-read-audit-")
    os.makedirs(folder, exist_ok=True)
    db = os.path.join(folder, f"replica-{args.children}.db")
    if not os.path.exists(db):
        print(f"making a replica of {args.children} children...", file=sys.stderr)
        subprocess.run([".build/release/navet-bench", "--replica", str(args.children), "--out", db], check=True)
    env = {key: value for key, value in os.environ.items() if key != "NAVET_USER"}
    # The first command adds the login as the replica's first user.
    subprocess.run([audited, "--db", db, "user", "list"], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with sqlite3.connect(db) as connection:
        ids = [row[0] for row in connection.execute(
            "SELECT id FROM children_view ORDER BY id LIMIT ?", (args.rounds,))]
        entries_before = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    results = {"with read audit": ([], []), "without": ([], [])}
    for round_number in range(args.rounds):
        child = ids[round_number % len(ids)]
        order = [("with read audit", audited), ("without", unaudited)]
        if round_number % 2:
            order.reverse()
        for name, binary in order:
            cpu, wall = timed([binary, "--db", db, "child", "show", child], env)
            results[name][0].append(cpu)
            results[name][1].append(wall)
    with sqlite3.connect(db) as connection:
        entries_after = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    print(f"navet child show ID on a replica of {args.children:,} children, {args.rounds} alternating rounds "
          f"({os.cpu_count()} cores; medians):")
    for name, (cpu, wall) in results.items():
        print(f"  {name:16} process time {statistics.median(cpu):7.1f} ms   wall {statistics.median(wall):7.1f} ms")
    with_cpu = statistics.median(results["with read audit"][0])
    without_cpu = statistics.median(results["without"][0])
    print(f"  ratio (with / without): process time {with_cpu / without_cpu:.2f}, "
          f"difference {with_cpu - without_cpu:+.1f} ms")
    print(f"  read-log entries written: {entries_after - entries_before} (one per audited display, none without)")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
