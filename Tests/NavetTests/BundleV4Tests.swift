import Foundation
import NavetCore
import NavetSync
import NavetTestSupport
import Testing
@testable import NavetWire

private typealias F = BundleFixtures

/// Format version 4 (Protocol/BUNDLE.md, "Changes from version 3"): predicted columns,
/// byte planes and texts grouped by cell; version 3 still read and answered in kind.
@Suite struct BundleV4Tests {
    /// Random bundles round-trip in both versions, each version's payload is canonical (the
    /// decoded changes encode to the same bytes), and the file says which version it is.
    @Test func bothVersionsRoundTripCanonically() throws {
        var rng = F.SeededRandom(seed: 0xB4_0004)
        for _ in 0..<60 {
            let bundle = F.randomBundle(using: &rng)
            for version: UInt16 in [3, 4] {
                let file = BundleCodec.encode(bundle, signer: F.signer(for: bundle), version: version)
                #expect(file[5] == UInt8(version))
                let signed = try F.decode(file)
                #expect(signed.bundle == bundle)
                #expect(signed.formatVersion == version)
                let payload = BundlePayload.encode(bundle.changes, limits: .v1, version: version)
                let again = try BundlePayload.decodeBeforeSection(payload, limits: .v1, version: version)
                #expect(again.changes == bundle.changes && again.end == payload.count)
                #expect(BundlePayload.encode(again.changes, limits: .v1, version: version) == payload)
            }
        }
    }

    /// Every attribute survives, including values the predictions do not expect: a tag that
    /// changes within a cell, a kind that changes, lengths that shrink and grow, empty texts,
    /// interleaved origins, several record types sharing a field name, extreme wall times.
    @Test func predictionsThatFailStillRoundTrip() throws {
        let a = F.replicaA, b = F.replicaB
        let child = RecordID(rawValue: 0xC1), note = RecordID(rawValue: 0xD1)
        let changes = [
            F.change(a, seq: 1, version: 1, wallTime: Int64.min, type: "child", record: child, field: "name", value: .text("Åsa"), tag: .basic),
            F.change(b, seq: 1, version: 1, wallTime: Int64.max, type: "note", record: note, field: "name", value: .text(""), tag: .care),
            F.change(a, seq: 2, version: 2, replaces: [Stamp(version: 1, origin: a)], wallTime: 0, type: "child", record: child,
                     field: "name", value: .null, tag: .protected),
            F.change(a, seq: 3, version: 3, replaces: [Stamp(version: 2, origin: a)], wallTime: -1, type: "child", record: child,
                     field: "name", value: .text(String(repeating: "x", count: 300)), tag: .protected),
            F.change(b, seq: 2, version: 1, wallTime: 5, type: "note", record: note, field: "name", value: .int(-7), tag: .care),
            F.change(a, seq: 4, version: 4, replaces: [Stamp(version: 3, origin: a)], wallTime: 1, type: "child", record: child,
                     field: "name", value: .text("a"), tag: .basic),
            F.change(b, seq: 3, version: 2, replaces: [Stamp(version: 1, origin: b)], wallTime: 6, type: "note", record: note,
                     field: "name", value: .bool(true), tag: .care),
        ]
        let bundle = F.upload(changes)
        for version: UInt16 in [3, 4] {
            let file = BundleCodec.encode(bundle, signer: F.signer(for: bundle), version: version)
            #expect(try F.decode(file).bundle.changes == changes)
        }
    }

    /// Many record types and fields over few changes: the cells are numbered by rank, not
    /// by key (BundlePayload.Cells), with the same bytes' meaning.
    @Test func sparseCellsRoundTrip() throws {
        let tags: [NavetCore.Tag] = [.basic, .care, .asylum]
        var changes = [Change]()
        for i in 0..<40 {
            let value: FieldValue = i % 5 == 0 ? .int(Int64(i)) : .text(String(repeating: "v", count: i % 7))
            changes.append(F.change(F.replicaA, seq: UInt64(i + 1), wallTime: Int64(i) * 1_000, type: "type\(i * 7 % 30)",
                                    record: RecordID(rawValue: UInt64(0xC0 + i % 4)), field: "field\(i * 11 % 30)",
                                    value: value, tag: tags[i % 3]))
        }
        let bundle = F.upload(changes)
        let payload = BundlePayload.encode(changes, limits: .v1, version: 4)
        #expect(try BundlePayload.decode(payload, limits: .v1, version: 4) == changes)
        let file = BundleCodec.encode(bundle, signer: F.signer(for: bundle))
        #expect(try F.decode(file).bundle == bundle)
    }

    /// The version 4 payload of W1-like changes: the tag and kind columns are zeros where
    /// the cell repeats, the wall times are in planes, and the texts are grouped by cell.
    @Test func layoutOfTheNewColumns() throws {
        let a = F.replicaA
        let r1 = RecordID(rawValue: 0xB1), r2 = RecordID(rawValue: 0xB2)
        let changes = [
            F.change(a, seq: 1, version: 1, wallTime: 1000, record: r1, field: "name", value: .text("Ali"), tag: .basic),
            F.change(a, seq: 2, version: 1, wallTime: 1001, record: r1, field: "dossier", value: .text("12-345678"), tag: .asylum),
            F.change(a, seq: 3, version: 1, wallTime: 1002, record: r2, field: "name", value: .text("Sara"), tag: .basic),
            F.change(a, seq: 4, version: 1, wallTime: 1003, record: r2, field: "dossier", value: .bool(false), tag: .asylum),
        ]
        let payload = BundlePayload.encode(changes, limits: .v1, version: 4)
        // After the tables: origin (4 × 0), seq (4 × 0), version (4 × 1).
        var w = ByteWriter()
        w.varint(4)
        w.varint(1); w.u64(a.rawValue)
        w.varint(2); w.u64(0xB1); w.u64(0xB2)
        for table in [["child"], ["dossier", "name"], ["asylum", "basic"]] {
            w.varint(table.count)
            for name in table { w.varint(name.utf8.count); w.append(Array(name.utf8)) }
        }
        w.append([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
        // Wall times: zigzag deltas 2000, 2, 2, 2 → varints [d0 0f] [02] [02] [02]; planes.
        w.append([0xD0, 0x02, 0x02, 0x02, 0x0F])
        w.append([0, 0, 0, 0])  // type
        w.append([0, 0, 1, 1])  // record
        w.append([1, 0, 1, 0])  // field: name = 1, dossier = 0
        // Tags: the first tag of a cell is predicted as index 0 (asylum): name's basic is
        // written out (1 + 1), then repeats; dossier's asylum is predicted.
        w.append([2, 0, 0, 0])
        w.append([0, 0, 0, 0])  // replaces counts
        // Kinds: text predicted; the bool false in dossier's cell is written as 3 + 1.
        w.append([0, 0, 0, 4])
        // Text lengths per cell: name 3, dossier 9, name 4 (delta 1).
        w.zigzag(3); w.zigzag(9); w.zigzag(1)
        // Texts grouped by cell in key order: (child, dossier), then (child, name).
        w.append(Array("12-345678".utf8)); w.append(Array("AliSara".utf8))
        #expect(payload == w.bytes)
        #expect(try BundlePayload.decode(payload, limits: .v1, version: 4) == changes)
    }

    /// A version 3 upload is merged and answered with a version 3 reply, which the replica
    /// applies; a version 4 upload gets a version 4 reply.
    @Test func aVersionThreeUploadIsAnsweredInVersionThree() throws {
        let sync = try SyncHarness(replicas: 2)
        let now: Int64 = 1_790_000_100_000
        _ = try sync.replicas[0].createRecord(type: "child", values: ["name": .text("Sara")], now: now)
        _ = try sync.replicas[1].createRecord(type: "child", values: ["name": .text("Ali")], now: now)
        try sync.sync(1, now: now)

        let made = try Sync.upload(sync.replicas[0], now: now + 1)
        let written = try BundleCodec.decode(made.bytes).signature
        let secret = try #require(try sync.replicas[0].enrollment()).secret
        let signer = BundleSigner(keyID: written.keyID, secret: secret, timestamp: written.timestamp, nonce: written.nonce)
        let old = BundleCodec.encode(made.bundle, signer: signer, version: 3)
        #expect(old[5] == 3)
        let accepted = try sync.service.accept(old, arrival: .file, now: now + 2)
        #expect(accepted.applied == 1)
        #expect(accepted.reply[5] == 3, "the reply is in the upload's version")
        #expect(try BundleCodec.decode(accepted.reply).formatVersion == 3)
        _ = try Sync.applyReply(accepted.reply, to: sync.replicas[0], now: now + 3)
        #expect(try sync.replicas[0].allChanges().contains { $0.value == .text("Ali") })

        let current = try Sync.upload(sync.replicas[0], now: now + 4).bytes
        #expect(current[5] == 4)
        #expect(try sync.service.accept(current, arrival: .file, now: now + 5).reply[5] == 4)
    }
}
