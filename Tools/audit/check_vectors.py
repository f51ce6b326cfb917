#!/usr/bin/env python3
"""An independent oracle for the read audit's hash chain (Protocol/AUDIT.md).

Recomputes, with Python's hashlib and nothing of Navet, the canonical encoding and the
SHA-256 of every entry:

    Tools/audit/check_vectors.py                      # checks Protocol/vectors/audit/chain.json
    Tools/audit/check_vectors.py --db navet.db        # checks the audit_log of a replica file
    Tools/audit/check_vectors.py --generate           # rewrites chain.json from its inputs

Exits 0 when every encoding and hash matches and the chain links, 1 otherwise.
"""
import hashlib
import json
import os
import sqlite3
import struct
import sys

DOMAIN = b"navet-audit-entry-v1\x00"
GENESIS = bytes(32)
HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "..", "Protocol", "vectors", "audit", "chain.json")


def text(value):
    data = value.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def canonical(entry, previous):
    out = bytearray(DOMAIN)
    out += struct.pack(">Q", int(entry["replica"], 16))
    out += struct.pack(">Q", entry["seq"])
    out += struct.pack(">q", entry["time"])
    out += text(entry["user"]) + text(entry["kind"]) + text(entry["command"])
    out += struct.pack(">I", len(entry["records"]))
    for record in entry["records"]:
        out += struct.pack(">Q", int(record, 16))
    for name in ("fields", "tags"):
        out += struct.pack(">I", len(entry[name]))
        for item in entry[name]:
            out += text(item)
    if entry["purpose"] is None:
        out += b"\x00"
    else:
        out += b"\x01" + text(entry["purpose"])
    out += previous
    return bytes(out)


def check_chain(entries, label):
    previous = GENESIS
    ok = True
    for index, entry in enumerate(entries):
        seq = entry["seq"]
        if seq != index + 1:
            print(f"{label}: entry {index + 1} has seq {seq}")
            return False
        stored_previous = bytes.fromhex(entry["previous_hash"])
        if stored_previous != previous:
            print(f"{label}: seq {seq}: previous hash does not link")
            return False
        data = canonical(entry, previous)
        digest = hashlib.sha256(data).digest()
        if "canonical" in entry and entry["canonical"] != data.hex():
            print(f"{label}: seq {seq}: canonical encoding differs")
            ok = False
        if entry["hash"] != digest.hex():
            print(f"{label}: seq {seq}: hash differs")
            return False
        previous = digest
    return ok


def from_db(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute("SELECT seq, replica, time, user, kind, command, records, fields, tags, purpose, "
                      "prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
    entries = []
    for seq, replica, time, user, kind, command, records, fields, tags, purpose, previous, digest in rows:
        split = lambda value: value.split(",") if value else []
        entries.append({"seq": seq, "replica": "%016x" % (replica & 0xFFFFFFFFFFFFFFFF), "time": time, "user": user,
                        "kind": kind, "command": command, "records": split(records), "fields": split(fields),
                        "tags": split(tags), "purpose": purpose, "previous_hash": bytes(previous).hex(),
                        "hash": bytes(digest).hex()})
    return entries


def main(arguments):
    if "--db" in arguments:
        path = arguments[arguments.index("--db") + 1]
        entries = from_db(path)
        ok = check_chain(entries, path)
        print(f"{path}: {len(entries)} entries, {'chain intact' if ok else 'BROKEN'}")
        return 0 if ok else 1
    with open(VECTORS, encoding="utf-8") as handle:
        document = json.load(handle)
    if "--generate" in arguments:
        previous = GENESIS
        for entry in document["entries"]:
            entry["previous_hash"] = previous.hex()
            data = canonical(entry, previous)
            entry["canonical"] = data.hex()
            previous = hashlib.sha256(data).digest()
            entry["hash"] = previous.hex()
        with open(VECTORS, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    ok = check_chain(document["entries"], "chain.json")
    print(f"chain.json: {len(document['entries'])} entries, {'all match' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
