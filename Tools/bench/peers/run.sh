#!/bin/sh
# The CRDT engines on W1's change set, both workloads (Tools/bench/README.md,
# "Engines side by side (issue 15)"):
#
#   Tools/bench/peers/run.sh [--rounds N] [--json] [navet-bench flags: --replicas N --changes N --seed N]
#
# Makes a Python venv with pycrdt, loro and automerge if it is missing ($PEERS_VENV,
# default /tmp/peers-venv), builds navet-bench in release mode ($NAVET_BENCH_SCRATCH, default
# .build), exports the change set with --values names and --values random into a temporary
# folder, and runs peers.py on each. Not part of swift test.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
venv=${PEERS_VENV:-/tmp/peers-venv}
scratch=${NAVET_BENCH_SCRATCH:-$root/.build}
rounds=5
json=
bench_flags=
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --json) json=--json; shift ;;
        --replicas|--changes|--seed) bench_flags="$bench_flags $1 $2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

if ! "$venv/bin/python" -c 'import pycrdt, loro, automerge.core' 2>/dev/null; then
    echo "run.sh: making the venv $venv" >&2
    python3 -m venv "$venv"
    # automerge 1.0.0rc1 is the Automerge project's own binding (automerge.core); the
    # older 0.1.x releases under the same name are a different, minimal package.
    "$venv/bin/pip" install -q pycrdt==0.14.13 loro==1.17.1 automerge==1.0.0rc1
fi

(cd "$root" && swift build -c release --scratch-path "$scratch" --product navet-bench >&2)

work=$(mktemp -d "${TMPDIR:-/tmp}/navet-peers-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
for values in names random; do
    # shellcheck disable=SC2086
    "$scratch/release/navet-bench" --export-changes "$work/w1-$values.jsonl" --values "$values" $bench_flags >&2
    "$venv/bin/python" "$root/Tools/bench/peers/peers.py" "$work/w1-$values.jsonl" --rounds "$rounds" $json
    echo
done
