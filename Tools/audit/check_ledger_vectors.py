#!/usr/bin/env python3
"""An independent oracle for Protocol/vectors/audit/ledger.json (Protocol/AUDIT.md).

Re-encodes every ledger row from its fields with the canonical encoding AUDIT.md specifies,
hashes it with hashlib's SHA-256, follows the chain, and recomputes the checkpoint's MAC
with hmac (HMAC-SHA256), and the signed base of a pruned read log. Uses nothing of Navet's Swift code.

    python3 Tools/audit/check_ledger_vectors.py [Protocol/vectors/audit/ledger.json]
"""
import hashlib
import hmac
import json
import struct
import sys


def u64(value):
    return struct.pack(">Q", value & 0xFFFFFFFFFFFFFFFF)


def text(value):
    data = value.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def encode_row(row, previous):
    return (b"NAVET-LEDGER-1" + previous + u64(row["id"]) + u64(int(row["replica"], 16))
            + text(row["organisation"]) + u64(int(row["child"], 16)) + text(row["rule"])
            + text(row["covers"]) + text(row["exceptions"]) + u64(row["first_change"])
            + u64(row["last_change"]) + u64(row["count"]) + bytes([1 if row["backfill"] else 0])
            + u64(row["sent_at"]) + u64(row["policy_version"]))


def main(path):
    with open(path, encoding="utf-8") as handle:
        vectors = json.load(handle)
    previous = bytes(32)
    for row in vectors["rows"]:
        assert row["previous"] == previous.hex(), f"row {row['id']}: previous hash"
        encoding = encode_row(row, previous)
        assert encoding.hex() == row["encoding"], f"row {row['id']}: encoding"
        digest = hashlib.sha256(encoding).digest()
        assert digest.hex() == row["hash"], f"row {row['id']}: hash"
        previous = digest
    checkpoint = vectors["checkpoint"]
    assert checkpoint["head"] == previous.hex(), "checkpoint head is the last row's hash"
    message = (b"NAVET-CHECKPOINT-1" + u64(int(checkpoint["server"], 16)) + u64(checkpoint["row"])
               + bytes.fromhex(checkpoint["head"]) + u64(checkpoint["signed_at"]))
    assert message.hex() == checkpoint["message"], "checkpoint message"
    mac = hmac.new(bytes.fromhex(vectors["key"]), message, hashlib.sha256).hexdigest()
    assert mac == checkpoint["mac"], "checkpoint MAC"
    base = vectors["read_log_base"]
    message = (b"NAVET-READ-LOG-BASE-1" + u64(int(base["server"], 16)) + u64(int(base["replica"], 16))
               + u64(base["seq"]) + bytes.fromhex(base["hash"]) + u64(base["signed_at"]))
    assert message.hex() == base["message"], "read-log base message"
    mac = hmac.new(bytes.fromhex(vectors["key"]), message, hashlib.sha256).hexdigest()
    assert mac == base["mac"], "read-log base MAC"
    print(f"ok: {len(vectors['rows'])} rows, 1 checkpoint and 1 read-log base match")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Protocol/vectors/audit/ledger.json")
