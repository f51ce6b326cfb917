import Foundation
@testable import NavetCommands
import NavetCore
@testable import NavetStore
import NavetSync
import NavetTestSupport
import NavetWire
import Testing

/// The replica's side of write checks (Protocol/BUNDLE.md, "Refusals", "Permissions"): own
/// changes the central store refused are taken back and listed by `navet status`; the
/// permissions a reply carries let the CLI refuse such an edit up front.
@Suite struct RefusalTests {
    let folder = TemporaryDirectory(prefix: "navet-refusal")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    static let server = ReplicaID(rawValue: 0x5e5e)
    static let other = ReplicaID(rawValue: 0x0a0a)
    static let child = RecordID(rawValue: 0xC41D)
    static let secondChild = RecordID(rawValue: 0xC42D)

    func enrolled(_ name: String = "navet.db") throws -> ReplicaStore {
        try ReplicaStore.create(path: folder.path(name), enrolledAs: ReplicaID(rawValue: 0x1234), server: Self.server,
                                url: "http://127.0.0.1:1", secret: [UInt8](repeating: 7, count: 32), now: 0)
    }

    @discardableResult
    func apply(to replica: ReplicaStore, cursor: UInt64 = 0, newCursor: UInt64 = 0, ack: UInt64 = 0,
               changes: [Change] = [], refusals: [ChangeRefusal] = [],
               permissions: [ChildPermission]? = nil) throws -> ImportSummary {
        let bundle = NavetWire.Bundle(kind: .reply, schemaVersion: Schema.current.version, sender: Self.server,
                                      recipient: replica.replicaID, createdAt: 0, cursor: cursor, newCursor: newCursor,
                                      ack: ack, changes: changes, refusals: refusals, permissions: permissions)
        try Sync.check(bundle, kind: .reply, schema: replica.schema)
        return try Sync.apply(bundle, token: 0, to: replica, now: 1_764_000_000_000).summary
    }

    /// A child registered by another organisation, as the central store sends it.
    func receiveChild(_ replica: ReplicaStore, _ record: RecordID = Self.child, name: String = "Server Name") throws {
        let seq: UInt64 = record == Self.child ? 1 : 2
        try apply(to: replica, newCursor: seq, changes: [
            Change(origin: Self.other, seq: seq, version: 1, replaces: [], wallTime: 1, recordType: "child",
                   recordID: record, field: "name", value: .text(name), tag: .basic),
        ])
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: Refusals

    @Test func aRefusedChangeIsTakenBackAndTheServersValueShownAgain() throws {
        let replica = try enrolled()
        try receiveChild(replica)
        try replica.set(record: Self.child, field: "name", value: .text("Local Name"), now: 10)
        try replica.set(record: Self.child, field: "languages", value: .text("dari"), now: 11)
        #expect(try replica.pendingChanges().map(\.seq) == [1, 2])

        let summary = try apply(to: replica, cursor: 1, newCursor: 1, ack: 2,
                                refusals: [ChangeRefusal(seq: 1, reason: "tag_not_writable")])
        #expect(summary.refused == 1)
        #expect(try replica.snapshot(Self.child).value("name") == .text("Server Name"))
        #expect(try replica.snapshot(Self.child).value("languages") == .text("dari"), "the rest applies")
        #expect(try replica.conflicts().isEmpty)
        #expect(try replica.pendingChanges().isEmpty, "never sent again")
        #expect(try replica.status().pending == 0)
        let refused = try replica.refusedChanges()
        #expect(refused.count == 1)
        #expect(refused.first?.seq == 1 && refused.first?.field == "name" && refused.first?.value == "Local Name")
        #expect(refused.first?.reason == "tag_not_writable" && refused.first?.recordID == Self.child)
        // The same reply again changes nothing.
        #expect(try apply(to: replica, cursor: 1, newCursor: 1, ack: 2,
                          refusals: [ChangeRefusal(seq: 1, reason: "tag_not_writable")]).refused == 0)
        #expect(try replica.refusedChanges().count == 1)
        // A later edit goes on from the server's value, with the next sequence number.
        let next = try #require(try replica.set(record: Self.child, field: "name", value: .text("Again"), now: 12))
        #expect(next.seq == 3)
        #expect(next.replaces == [Stamp(version: 1, origin: Self.other)])
    }

    @Test func aRefusedRegistrationTakesTheChildAwayAndUnknownRefusalsAreIgnored() throws {
        let replica = try enrolled()
        let own = try replica.createRecord(type: "child", values: ["name": .text("Mine"), "birth_date": .text("2010-01-01")],
                                           now: 10)
        let seqs = try replica.pendingChanges().map(\.seq)
        #expect(seqs.count == 2)
        let summary = try apply(to: replica, ack: 2, refusals: seqs.map { ChangeRefusal(seq: $0, reason: "may_not_register") }
                                + [ChangeRefusal(seq: 99, reason: "not_in_hub")])
        #expect(summary.refused == 2)
        #expect(try replica.records(ofType: "child").isEmpty)
        #expect(throws: StoreError.self) { try replica.snapshot(own) }
        #expect(try replica.refusedChanges().map(\.seq).sorted() == seqs)
        #expect(try replica.integrityCheck() == ["ok"])
    }

    @Test func statusListsRefusedChangesWithTheirReasons() throws {
        let replica = try enrolled()
        try receiveChild(replica)
        try replica.set(record: Self.child, field: "name", value: .text("Local Name"), now: 10)
        try replica.set(record: Self.child, field: "languages", value: .text("dari"), now: 11)
        try apply(to: replica, cursor: 1, newCursor: 1, ack: 2, refusals: [
            ChangeRefusal(seq: 1, reason: "tag_not_writable"), ChangeRefusal(seq: 2, reason: "a_future_reason"),
        ])
        let english = try cli.navet("--db", replica.path, "status")
        #expect(english.code == 0, "\(english.err)")
        #expect(english.out.contains("The central store refused 2 of this replica's changes"), "\(english.out)")
        #expect(english.out.contains("Local Name"))
        #expect(english.out.contains("may not write information under this confidentiality tag"))
        #expect(english.out.contains("does not know (a_future_reason)"))
        let swedish = try cli.navet("--db", replica.path, "--lang", "sv", "status")
        #expect(swedish.out.contains("Centrallagret avvisade 2 ändringar"), "\(swedish.out)")
        #expect(swedish.out.contains("får inte skriva uppgifter i den här sekretessklassen"))
        // Field names and refusal codes in Swedish, never the codes.
        #expect(swedish.out.contains("barn") && swedish.out.contains("språk"), "\(swedish.out)")
        for code in ["tag_not_writable", "languages", "child "] { #expect(!swedish.out.contains(code), "\(code): \(swedish.out)") }
        let object = try json(try cli.navet("--db", replica.path, "--json", "status").out)
        #expect(object["permissions_known"] as? Bool == false)
        let refused = try #require(object["refused_changes"] as? [[String: Any]])
        #expect(refused.count == 2)
        let name = try #require(refused.first { $0["field"] as? String == "name" })
        #expect(name["reason"] as? String == "tag_not_writable")
        #expect(name["value"] as? String == "Local Name")
        #expect(name["record"] as? String == Self.child.description)
        #expect(name["seq"] as? Int == 1)
        #expect((name["reason_text"] as? String)?.contains("confidentiality tag") == true)
    }

    /// Every reason code the policy can give has words in both languages; other codes get
    /// the generic text with the code.
    @Test func everyWriteRefusalCodeHasItsOwnWords() {
        for code in WriteRefusal.allCases {
            let words = FilterStrings.writeRefusals[code.rawValue]
            #expect(words != nil, "\(code)")
            #expect(words.map { !$0.0.isEmpty && !$0.1.isEmpty && $0.0 != $0.1 } == true, "\(code)")
        }
        #expect(FilterStrings.writeRefusals.count == WriteRefusal.allCases.count)
    }

    /// After `navet enroll` (a new replica id) the refusals kept so far stay listed, a new
    /// refusal with the same sequence number is kept beside them, and the permissions and
    /// redaction ids of the old enrollment are gone.
    @Test func enrollingAgainKeepsRefusalsAndForgetsPermissions() throws {
        let replica = try enrolled()
        try receiveChild(replica)
        try replica.set(record: Self.child, field: "name", value: .text("First try"), now: 10)
        try apply(to: replica, cursor: 1, newCursor: 1, ack: 1, refusals: [ChangeRefusal(seq: 1, reason: "not_in_hub")],
                  permissions: [Self.permission(Self.child, read: [.basic], write: [])])
        #expect(try replica.writeCheck(child: Self.child, tag: .basic) == .tagNotWritable)

        let newID = ReplicaID(rawValue: 0x4321)
        _ = try replica.enroll(as: newID, server: Self.server, url: "http://127.0.0.1:1",
                               secret: [UInt8](repeating: 8, count: 32), now: 20)
        let again = try ReplicaStore.open(path: replica.path)
        #expect(try !again.permissionsKnown())
        #expect(try again.writeCheck(child: Self.child, tag: .basic) == nil)
        try again.set(record: Self.child, field: "name", value: .text("Second try"), now: 30)
        #expect(try again.pendingChanges().map(\.seq) == [1])
        try apply(to: again, cursor: 1, newCursor: 1, ack: 1, refusals: [ChangeRefusal(seq: 1, reason: "tag_not_writable")])
        #expect(try again.refusedChanges().compactMap(\.value).sorted() == ["First try", "Second try"])
        #expect(try again.snapshot(Self.child).value("name") == .text("Server Name"))
    }

    // MARK: Permissions

    static func permission(_ child: RecordID, read: Set<NavetCore.Tag>, write: Set<NavetCore.Tag>) -> ChildPermission {
        ChildPermission(child: child, read: read, write: write, roles: [.contactPerson])
    }

    @Test func permissionsReplaceTheStoredSetAndDecideTheWriteCheck() throws {
        let replica = try enrolled()
        try receiveChild(replica)
        try receiveChild(replica, Self.secondChild, name: "Second")
        // Before any permissions arrive nothing is refused up front.
        #expect(try replica.writeCheck(child: Self.child, tag: .health) == nil)
        #expect(try !replica.permissionsKnown())

        try apply(to: replica, cursor: 2, newCursor: 2,
                  permissions: [Self.permission(Self.child, read: [.basic, .care, .health], write: [.basic, .care])])
        #expect(try replica.permissionsKnown())
        #expect(try replica.writeCheck(child: Self.child, tag: .basic) == nil)
        #expect(try replica.writeCheck(child: Self.child, tag: .health) == .tagNotWritable)
        #expect(try replica.writeCheck(child: Self.child, tag: .asylum) == .fieldNotReadable)
        #expect(try replica.writeCheck(child: Self.child, tag: .internal) == nil, "an organisation's own notes")
        #expect(try replica.writeCheck(child: Self.secondChild, tag: .basic) == .notInHub)

        // A child registered here is writable until the central store acknowledges it.
        let own = try replica.createRecord(type: "child", values: ["name": .text("Mine")], now: 20)
        #expect(try replica.writeCheck(child: own, tag: .health) == nil)
        // A reply without permissions keeps the set; one with them replaces it.
        try apply(to: replica, cursor: 2, newCursor: 2, ack: 1)
        #expect(try replica.writeCheck(child: own, tag: .basic) == .notInHub, "acknowledged, and not in the set")
        #expect(try replica.permissions(child: Self.child)?.write == [.basic, .care])
        try apply(to: replica, cursor: 2, newCursor: 2, ack: 1, permissions: [
            Self.permission(Self.secondChild, read: [.basic], write: [.basic]),
            Self.permission(own, read: [.basic, .health], write: [.basic, .health]),
        ])
        #expect(try replica.allPermissions().map(\.child).sorted() == [own, Self.secondChild].sorted())
        #expect(try replica.writeCheck(child: Self.child, tag: .basic) == .notInHub)
        #expect(try replica.writeCheck(child: own, tag: .health) == nil)
        // An empty set is still a known set: nothing may be written about any child.
        try apply(to: replica, cursor: 2, newCursor: 2, ack: 1, permissions: [])
        #expect(try replica.allPermissions().isEmpty)
        #expect(try replica.writeCheck(child: Self.secondChild, tag: .basic) == .notInHub)
    }

    @Test func theCLIRefusesUpFrontAnEditTheServerWouldRefuse() throws {
        let replica = try enrolled()
        try receiveChild(replica)
        try receiveChild(replica, Self.secondChild, name: "Second")
        try apply(to: replica, cursor: 2, newCursor: 2,
                  permissions: [Self.permission(Self.child, read: [.basic, .care, .health], write: [.care])])
        let path = replica.path
        let id = Self.child.description
        let initial = try replica.allChanges().count

        let set = try cli.navet("--db", path, "child", "set", id, "name", "New Name")
        #expect(set.code == 2, "\(set.err)")
        #expect(set.err.contains("may not write basic information about child \(id)"), "\(set.err)")
        #expect(set.err.contains("It may write: case"), "\(set.err)")
        let swedish = try cli.navet("--db", path, "--lang", "sv", "child", "set", id, "namn", "Nytt Namn")
        #expect(swedish.code == 2)
        #expect(swedish.err.contains("sekretessklassen grunduppgifter"), "\(swedish.err)")
        #expect(swedish.err.contains("Inget har ändrats"))

        let health = try cli.navet("--db", path, "note", "add", "--child", id, "--kind", "observation", "--text", "x",
                                   "--tag", "health")
        #expect(health.code == 2, "\(health.err)")
        #expect(health.err.contains("may not write health information"), "\(health.err)")
        let asylum = try cli.navet("--db", path, "note", "add", "--child", id, "--kind", "observation", "--text", "x",
                                   "--tag", "asylum")
        #expect(asylum.code == 2)
        #expect(asylum.err.contains("may not read asylum information"), "\(asylum.err)")
        let notInHub = try cli.navet("--db", path, "--json", "note", "add", "--child", Self.secondChild.description,
                                     "--kind", "observation", "--text", "x")
        #expect(notInHub.code == 2)
        #expect(notInHub.err.contains("not in the hub"), "\(notInHub.err)")
        #expect(try ReplicaStore.open(path: path).allChanges().count == initial, "nothing changed")
        // Resolving a conflict writes a value too: two concurrent languages from elsewhere.
        try apply(to: replica, cursor: 2, newCursor: 4, changes: [3, 4].map { seq in
            Change(origin: ReplicaID(rawValue: 0x0c00 + seq), seq: 1, version: 1, replaces: [], wallTime: 2,
                   recordType: "child", recordID: Self.child, field: "languages", value: .text("lang \(seq)"), tag: .basic)
        })
        let before = try replica.allChanges().count
        let resolve = try cli.navet("--db", path, "conflicts", "resolve", id, "languages", "--choose", "1")
        #expect(resolve.code == 2, "\(resolve.err)")
        #expect(resolve.err.contains("may not write basic information"), "\(resolve.err)")
        #expect(try ReplicaStore.open(path: path).allChanges().count == before, "nothing changed")

        // What the organisation may write goes through.
        let note = try cli.navet("--db", path, "note", "add", "--child", id, "--kind", "observation", "--text", "seen today")
        #expect(note.code == 0, "\(note.err)")
        // A child registered here is the organisation's own until the central store acknowledges it.
        let added = try cli.navet("--db", path, "--json", "child", "add", "--name", "Mine")
        let own = try #require(try json(added.out)["id"] as? String)
        #expect(try cli.navet("--db", path, "child", "set", own, "languages", "dari").code == 0)
    }
}

/// The same through reply files and the real `navet`, once the bundle format carries
/// redactions, refusals and permissions (format version 3, made on another branch). Until
/// then these tests are skipped: the tests above apply `Bundle` values directly.
@Suite struct FilteredReplyFileTests {
    let folder = TemporaryDirectory(prefix: "navet-filtered-file")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }
    static let secret = [UInt8](repeating: 7, count: 32)

    /// Whether a reply's filtering fields survive encoding and decoding.
    static let codecCarriesFiltering: Bool = {
        let replica = ReplicaID(rawValue: 0x1234)
        let bundle = NavetWire.Bundle(
            kind: .reply, schemaVersion: Schema.current.version, sender: RefusalTests.server, recipient: replica,
            createdAt: 0, cursor: 0, changes: [],
            redactions: [Redaction(id: 1, child: RefusalTests.child, reason: "membership_ended",
                                   changes: [ChangeRef(origin: RefusalTests.other, seq: 1)])],
            refusals: [ChangeRefusal(seq: 1, reason: "not_in_hub")],
            permissions: [ChildPermission(child: RefusalTests.child, read: [.basic], write: [.basic], roles: [])])
        let bytes = BundleCodec.encode(bundle, signer: .fresh(keyID: replica, secret: secret, now: 0))
        guard let decoded = try? BundleCodec.decode(bytes).bundle else { return false }
        return decoded.redactions == bundle.redactions && decoded.refusals == bundle.refusals
            && decoded.permissions == bundle.permissions
    }()

    /// Writes `bundle` as the reply to a fresh `navet export` of `db` (a replica applies only
    /// the answer to its latest upload: Protocol/BUNDLE.md, "Which reply a replica applies").
    func writeReply(_ bundle: NavetWire.Bundle, _ name: String, answering db: String) throws -> String {
        let path = folder.path(name)
        let upload = folder.path(name + ".up")
        #expect(try cli.navet("--db", db, "export", "--force", upload).code == 0)
        let uploadNonce = try BundleCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: upload)))).signature.nonce
        let bytes = BundleCodec.encode(bundle, signer: Sync.replySigner(keyID: bundle.recipient!, secret: Self.secret,
                                                                        now: 1_764_000_000_000, answering: uploadNonce).0)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(.enabled(if: FilteredReplyFileTests.codecCarriesFiltering, "needs bundle format v3"))
    func importOfAPartlyRefusedReplyExits7AndPurgesWhatItRedacts() throws {
        let replica = try ReplicaStore.create(path: folder.path("navet.db"), enrolledAs: ReplicaID(rawValue: 0x1234),
                                              server: RefusalTests.server, url: "http://127.0.0.1:1",
                                              secret: Self.secret, now: 0)
        let canary = "CANARY-FILE-REPLY-7e7e"
        let theirs = [
            Change(origin: RefusalTests.other, seq: 1, version: 1, replaces: [], wallTime: 1, recordType: "child",
                   recordID: RefusalTests.child, field: "name", value: .text("Server Name"), tag: .basic),
            Change(origin: RefusalTests.other, seq: 2, version: 1, replaces: [], wallTime: 1, recordType: "child",
                   recordID: RefusalTests.child, field: "search_description", value: .text(canary), tag: .search),
        ]
        func reply(_ build: (inout NavetWire.Bundle) -> Void) -> NavetWire.Bundle {
            var bundle = NavetWire.Bundle(kind: .reply, schemaVersion: Schema.current.version, sender: RefusalTests.server,
                                          recipient: replica.replicaID, createdAt: 0, cursor: 0, changes: [])
            build(&bundle)
            return bundle
        }
        let first = try writeReply(reply { $0.newCursor = 2; $0.changes = theirs }, "first.reply", answering: replica.path)
        #expect(try cli.navet("--db", replica.path, "import", first).code == 0)
        #expect(try cli.navet("--db", replica.path, "child", "set", RefusalTests.child.description, "name", "Mine").code == 0)

        let second = try writeReply(reply {
            $0.cursor = 2; $0.newCursor = 2; $0.ack = 1
            $0.refusals = [ChangeRefusal(seq: 1, reason: "tag_not_writable")]
            $0.redactions = [Redaction(id: 4, child: RefusalTests.child, reason: "policy_changed",
                                       changes: [ChangeRef(origin: RefusalTests.other, seq: 2)])]
            $0.permissions = [ChildPermission(child: RefusalTests.child, read: [.basic], write: [], roles: [])]
        }, "second.reply", answering: replica.path)
        let imported = try cli.navet("--db", replica.path, "import", second)
        #expect(imported.code == 7, "\(imported.out)\(imported.err)")
        #expect(imported.err.contains("Partly refused"), "\(imported.err)")
        let swedish = try cli.navet("--db", replica.path, "--lang", "sv", "import", second)
        #expect(swedish.code == 4 && swedish.err.contains("redan inläst"), "the same reply again is refused: \(swedish.err)")

        let status = try cli.navet("--db", replica.path, "status")
        #expect(status.out.contains("Mine") && status.out.contains("confidentiality tag"), "\(status.out)")
        #expect(try cli.navet("--db", replica.path, "child", "set", RefusalTests.child.description, "name", "X").code == 2)
        for file in [replica.path, replica.path + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(file)")
        }
        let upload = folder.path("upload.bundle")
        #expect(try cli.navet("--db", replica.path, "export", upload).code == 0)
        let sent = try BundleCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: upload)))).bundle
        #expect(sent.redactionAck == 4)
        #expect(sent.changes.isEmpty, "the refused change is never sent again")
    }
}
