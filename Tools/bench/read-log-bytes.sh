#!/usr/bin/env bash
# Bytes per read-log entry on the wire (issue 13, "Benchmark"): one replica, one child,
# N displays (`navet child show --purpose`), and the upload file's size before and after.
# The entries are alike (one user, one command, one record), so this is the compressed
# floor: each entry's own SHA-256 (32 bytes) does not compress; its `prev_hash` repeats the
# entry before and does.
# Usage: Tools/bench/read-log-bytes.sh [N]   (after `swift build`; default N = 500)
set -euo pipefail
N=${1:-500}
BIN=${BIN:-$(cd "$(dirname "$0")/../.." && pwd)/.build/debug}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"
"$BIN/navetd" --db central.db init >/dev/null
"$BIN/navetd" --db central.db org add --name "Socialtjänsten Umeå" --kind social_services --municipality Umeå >/dev/null
"$BIN/navetd" --db central.db replica enroll --org "Socialtjänsten Umeå" --out s.enroll --url http://127.0.0.1:9 >/dev/null
"$BIN/navet" --db s.db init --enroll s.enroll >/dev/null 2>&1
child=$("$BIN/navet" --db s.db --json child add --name "Amina Rahimi" --birth-date 2009-03-14 |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
"$BIN/navet" --db s.db export --force before.navet >/dev/null 2>&1
for _ in $(seq 1 "$N"); do "$BIN/navet" --db s.db child show "$child" --purpose "Inför SIP-möte" >/dev/null; done
"$BIN/navet" --db s.db export --force after.navet >/dev/null 2>&1
before=$(stat -c %s before.navet)
after=$(stat -c %s after.navet)
echo "read-log bytes: $N displays, upload $before -> $after bytes: $(( (after - before) / N )) bytes per entry (compressed)"
