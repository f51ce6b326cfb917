import Foundation
import NavetCore
import NavetPolicy
import NavetStore
import NavetSync
import NavetTestSupport
import Testing
@testable import NavetWire

/// The grants part of permissions (Protocol/BUNDLE.md, "Grants"): what the replica decides
/// up front is the server's decision, after the permission crossed the wire and the store.
@Suite struct GrantTests {
    let folder = TemporaryDirectory(prefix: "navet-grants")
    static let policy = PolicyFile.defaultPolicy
    static let child = RecordID(rawValue: 0xC41D)
    static let episode = RecordID(rawValue: 0xE915)
    static let today = CalendarDate(iso: "2026-11-30")!

    /// Facts with a hub of several kinds, a consent and an open episode.
    static let facts = ChildFacts(
        child: child, registrar: "Socialtjänsten", protected: false,
        memberships: [
            .init(record: RecordID(rawValue: 0x101), organisation: "Skolan", role: .schoolMentor, start: nil, end: nil),
            .init(record: RecordID(rawValue: 0x102), organisation: "God man AB", role: .guardian, start: nil, end: nil),
            .init(record: RecordID(rawValue: 0x103), organisation: "Röda korset", role: .volunteer, start: nil, end: nil),
        ],
        consents: [.init(record: RecordID(rawValue: 0x201), organisation: "BUP", tags: [.health, .school], until: nil,
                         revoked: false)],
        openEpisodes: [episode])

    static let organisations = [
        PolicyOrganisation(name: "Socialtjänsten", kind: "social_services"), PolicyOrganisation(name: "Skolan", kind: "school"),
        PolicyOrganisation(name: "God man AB", kind: "guardian"), PolicyOrganisation(name: "Röda korset", kind: "volunteer"),
        PolicyOrganisation(name: "BUP", kind: "health"), PolicyOrganisation(name: "Polisen", kind: "police"),
        PolicyOrganisation(name: "Okänd", kind: "social_services"),
    ]

    /// `permission` through the access section and back.
    static func overTheWire(_ permission: ChildPermission, mayRegister: Bool) throws -> (ChildPermission, Bool?) {
        var bytes: [UInt8] = []
        AccessSection.write(AccessSection.Fields(permissions: [permission], mayRegister: mayRegister), to: &bytes)
        let fields = try AccessSection.decode(bytes, from: 0, kind: .reply)
        return (try #require(fields.permissions?.first), fields.mayRegister)
    }

    @Test func theReplicasDecisionIsTheServersForEveryFieldTagAndOrganisation() throws {
        for organisation in Self.organisations {
            let grant = Self.policy.grant(for: organisation, facts: Self.facts, today: Self.today)
            let sent = ChildPermission(child: Self.child, grant: grant)
            let (received, mayRegister) = try Self.overTheWire(sent, mayRegister: Self.policy.mayRegister(kind: organisation.kind))
            #expect(received == sent)
            #expect(mayRegister == (organisation.kind != "volunteer"))
            let replica = Grant(permission: received)
            for type in Schema.current.recordTypes {
                for field in type.fields {
                    for tag in NavetCore.Tag.vocabulary {
                        for kind in type.name == "note" ? Schema.noteKinds.map(Optional.some) : [nil] {
                            let server = Self.policy.refusal(writing: type.name, field: field.name, tag: tag, noteKind: kind,
                                                             grant: grant)
                            let local = replica.refusal(writing: type.name, field: field.name, tag: tag, noteKind: kind)
                            #expect(server == local, "\(organisation.name) \(type.name).\(field.name) \(tag)")
                        }
                    }
                }
            }
        }
        // The cases the trial found: the registrar and the guardian change the hub, the
        // school does not; the police read the search fields, read-only.
        func refusal(_ name: String, _ type: String, _ field: String, _ tag: NavetCore.Tag) -> WriteRefusal? {
            let organisation = Self.organisations.first { $0.name == name }!
            return Self.policy.refusal(writing: type, field: field, tag: tag,
                                       grant: Self.policy.grant(for: organisation, facts: Self.facts, today: Self.today))
        }
        #expect(refusal("Socialtjänsten", "membership", "end_date", .basic) == nil)
        #expect(refusal("God man AB", "consent", "revoked", .basic) == nil)
        #expect(refusal("Skolan", "membership", "end_date", .basic) == .mayNotChangeHub)
        #expect(refusal("Skolan", "consent", "revoked", .basic) == .mayNotRecordConsent)
        #expect(refusal("Polisen", "child", "search_description", .search) == .fieldReadOnly)
        #expect(refusal("Polisen", "child", "asylum_status", .asylum) == .fieldNotReadable)
        #expect(refusal("Okänd", "child", "name", .basic) == .notInHub)
    }

    @Test func theReplicaKeepsTheGrantsAndForgetsThemWhenAReplyDoesNotSay() throws {
        let server = ReplicaID(rawValue: 0x5e5e)
        let replica = try ReplicaStore.create(path: folder.path("navet.db"), enrolledAs: ReplicaID(rawValue: 0x1234),
                                              server: server, url: "http://127.0.0.1:1",
                                              secret: [UInt8](repeating: 7, count: 32), now: 0)
        func apply(_ permissions: [ChildPermission], mayRegister: Bool?) throws {
            let bundle = NavetWire.Bundle(kind: .reply, schemaVersion: Schema.current.version, sender: server,
                                          recipient: replica.replicaID, createdAt: 0, cursor: 0, changes: [],
                                          permissions: permissions, mayRegister: mayRegister)
            try Sync.check(bundle, kind: .reply, schema: replica.schema)
            _ = try Sync.apply(bundle, token: 0, to: replica, now: 1_764_000_000_000)
        }
        #expect(try replica.mayRegister() == nil)
        #expect(try replica.writeCheck(child: Self.child, recordType: "membership", field: "end_date", tag: .basic) == nil)
        let school = Self.policy.grant(for: Self.organisations[1], facts: Self.facts, today: Self.today)
        let police = Self.policy.grant(for: Self.organisations[5], facts: Self.facts, today: Self.today)
        let other = RecordID(rawValue: 0xC42D)
        try apply([ChildPermission(child: Self.child, grant: school), ChildPermission(child: other, grant: police)],
                  mayRegister: true)
        #expect(try replica.mayRegister() == true)
        #expect(try replica.permissions(child: other) == ChildPermission(child: other, grant: police))
        #expect(try replica.writeCheck(child: Self.child, recordType: "membership", field: "end_date", tag: .basic)
                == .mayNotChangeHub)
        #expect(try replica.writeCheck(child: other, recordType: "child", field: "name", tag: .basic) == .fieldReadOnly)
        // A server before the grants part: memberships and consents are not judged, registration unknown.
        try apply([ChildPermission(child: Self.child, read: school.read.keys.reduce(into: []) { $0.insert($1) },
                                   write: school.write, roles: school.roles)], mayRegister: nil)
        #expect(try replica.mayRegister() == nil)
        #expect(try replica.writeCheck(child: Self.child, recordType: "membership", field: "end_date", tag: .basic) == nil)
        #expect(try replica.writeCheck(child: Self.child, recordType: "child", field: "asylum_status", tag: .asylum)
                == .fieldNotReadable)
    }
}
