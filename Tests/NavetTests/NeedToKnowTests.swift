import Foundation
import NavetCore
import NavetStore
import NavetSync
import NavetTestSupport
import NavetWire
import Testing

/// A region in one folder: a central store filtering under a fixed policy, and one enrolled
/// replica per organisation, synced through real signed bundle bytes.
final class Region {
    let folder = TemporaryDirectory(prefix: "navet-ntk")
    let central: CentralStore
    let service: SyncService
    let access: AccessContext
    var replicas: [String: ReplicaStore] = [:]
    var now: Int64 = 1_796_000_000_000  // 2026-11-30

    init(policy: AccessPolicy = Region.testPolicy, organisations: [(String, OrganisationKind)]) throws {
        central = try CentralStore.create(path: folder.path("central.db"), now: now)
        access = AccessContext(policy: policy, version: 1)
        service = SyncService(central: central, access: access)
        for (name, kind) in organisations {
            _ = try central.addOrganisation(name: name, kind: kind, municipality: "Strömsund", now: now)
            let enrolled = try central.enroll(organisation: name, now: now)
            replicas[name] = try ReplicaStore.create(
                path: folder.path("\(replicas.count).db"), enrolledAs: enrolled.replicaID, server: central.serverID,
                url: "http://127.0.0.1:1", secret: enrolled.secret, now: now)
        }
    }

    subscript(name: String) -> ReplicaStore { replicas[name]! }

    /// Round trips until nothing is pending and no more waits.
    func sync(_ name: String) throws {
        var more = true
        var rounds = 0
        while try more || self[name].pendingCount() > 0 {
            rounds += 1
            precondition(rounds < 50, "sync does not finish")
            now += 1000
            let upload = try Sync.upload(self[name], now: now).bytes
            let reply = try service.accept(upload, arrival: .file, now: now).reply
            more = try Sync.applyReply(reply, to: self[name], now: now).more
        }
    }

    func day(_ offset: Int) -> String {
        SwedishTime.date(at: now + Int64(offset) * 86_400_000)!.description
    }

    /// Every value a replica holds in any change, as text.
    func texts(_ name: String) throws -> Set<String> {
        Set(try self[name].allChanges().compactMap(\.value.displayText))
    }

    static let testPolicy = AccessPolicy(
        label: "test",
        rules: [
            .init(id: "social", roles: [.socialSecretary], read: [.basic, .school, .care, .search, .asylum, .protected],
                  write: [.basic, .care, .search, .asylum, .protected], why: "OSL 26:1"),
            .init(id: "guardian", roles: [.guardian], read: [.basic, .care, .search, .asylum, .school, .protected],
                  write: [.basic, .care, .search], why: "god man"),
            .init(id: "contact", roles: [.contactPerson], read: [.basic, .care, .search, .protected],
                  write: [.basic, .care, .search], why: "HVB"),
            .init(id: "school", roles: [.schoolMentor], read: [.basic, .school], write: [.school], why: "OSL 23:2"),
            .init(id: "health", roles: [.health], read: [.basic, .health], write: [.health], why: "OSL 25:1"),
            .init(id: "volunteer", roles: [.volunteer], read: [.basic], write: [], why: "agreement"),
            .init(id: "police", roles: [.police], read: [.basic, .search, .police], write: [.police], why: "OSL 18:1"),
        ],
        registrar: ["social_services": .socialSecretary, "residential_home": .contactPerson, "guardian": .guardian,
                    "school": .schoolMentor, "police": .police],
        hubAdministrators: [.socialSecretary, .guardian],
        consentWriters: [.guardian, .socialSecretary],
        missing: .init(kinds: ["police"], fields: [
            FieldRef("child", "name"), FieldRef("child", "birth_date"), FieldRef("child", "search_description"),
            FieldRef("missing", "last_seen_at"), FieldRef("missing", "last_seen_place"), FieldRef("missing", "risk"),
        ], why: "OSL 10:2"),
        keepChildNameForOwnNotes: true,
        why: Dictionary(uniqueKeysWithValues: AccessPolicy.whyKeys.map { ($0, "test") }))
}

@Suite struct NeedToKnowTests {
    static let organisations: [(String, OrganisationKind)] = [
        ("Socialtjänsten", .socialServices), ("Skolan", .school), ("Polisen", .police), ("Frivilliga", .volunteer),
        ("God man Berg", .guardian),
    ]

    /// Social services registers a child with a case note; nobody else sees anything.
    func registered(_ region: Region) throws -> RecordID {
        let social = region["Socialtjänsten"]
        let child = try social.createRecord(type: "child", values: [
            "name": .text("Canary Name Amina"), "asylum_status": .text("pending"),
            "search_description": .text("Canary Search"), "birth_date": .text("2010-05-01"),
        ], now: region.now)
        _ = try social.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("conversation"), "text": .text("Canary Case Note"),
        ], tag: .care, now: region.now)
        try region.sync("Socialtjänsten")
        return child
    }

    func addMember(_ region: Region, by writer: String, child: RecordID, organisation: String, role: HubRole,
                   end: String? = nil) throws -> RecordID {
        var values: [String: FieldValue] = [
            "child": .text(child.description), "organisation": .text(organisation), "role": .text(role.rawValue),
            "start_date": .text(region.day(-1)),
        ]
        if let end { values["end_date"] = .text(end) }
        let id = try region[writer].createRecord(type: "membership", values: values, now: region.now)
        try region.sync(writer)
        return id
    }

    @Test func noOrganisationSeesAChildByDefault() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        for name in ["Skolan", "Polisen", "Frivilliga", "God man Berg"] {
            try region.sync(name)
            #expect(try region[name].allChanges().isEmpty, "\(name) received something")
            #expect(try region.texts(name).isDisjoint(with: ["Canary Name Amina", "Canary Case Note"]))
        }
        // The registering organisation sees what its role gives it, on every replica.
        #expect(try region.central.organisation(of: region["Socialtjänsten"].replicaID)?.name == "Socialtjänsten")
        let grant = try region.central.grant(for: PolicyOrganisation(name: "Socialtjänsten", kind: "social_services"),
                                             child: child, context: region.access, now: region.now)
        #expect(grant.isRegistrar && grant.roles == [.socialSecretary])
    }

    @Test func aMemberGetsWhatItsRoleNeedsWithHistoryAndNoMore() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        try region["Socialtjänsten"].set(record: child, field: "name", value: .text("Canary Name Amina R"), now: region.now)
        try region.sync("Socialtjänsten")
        _ = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        try region.sync("Skolan")
        let school = try region.texts("Skolan")
        // basic, with its history; the membership record (basic) too; not asylum, search or the case note.
        #expect(school.contains("Canary Name Amina") && school.contains("Canary Name Amina R"))
        #expect(school.contains("Skolan"))
        #expect(!school.contains("pending") && !school.contains("Canary Search") && !school.contains("Canary Case Note"))
        // The others still see nothing.
        try region.sync("Frivilliga")
        #expect(try region["Frivilliga"].allChanges().isEmpty)
        // A later edit by social services reaches the school by the ordinary page.
        try region["Socialtjänsten"].set(record: child, field: "name", value: .text("Canary Name Amina Rahimi"), now: region.now)
        try region.sync("Socialtjänsten")
        try region.sync("Skolan")
        #expect(try region["Skolan"].snapshot(child).value("name") == .text("Canary Name Amina Rahimi"))
    }

    @Test func endingAMembershipRedactsWhatOthersWroteAndKeepsItsOwn() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        let membership = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        try region.sync("Skolan")
        _ = try region["Skolan"].createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Canary School Own"),
        ], tag: .school, now: region.now)
        try region.sync("Skolan")
        #expect(try region.central.refusals(of: region["Skolan"].replicaID, after: 0).isEmpty)
        try region["Socialtjänsten"].set(record: membership, field: "end_date", value: .text(region.day(-1)), now: region.now)
        try region.sync("Socialtjänsten")

        let school = region["Skolan"]
        let content = try school.uploadContent()
        let reply = try region.central.filteredReply(
            for: school.replicaID, after: content.cursor, uploadAck: content.acked, redactionAck: 0,
            presentedToken: content.token, behind: false, replyToken: 42, context: region.access, now: region.now)
        #expect(reply.changes.isEmpty)
        #expect(reply.permissions.isEmpty)
        let redacted = Set(reply.redactions.flatMap(\.changes))
        let held = try school.allChanges()
        let others = held.filter { $0.origin != school.replicaID }
        let own = held.filter { $0.origin == school.replicaID }
        // Everything others wrote goes, except the child's current name (its own note needs it).
        let keptName = others.filter { $0.recordType == "child" && $0.field == "name" }.max { $0.stamp < $1.stamp }
        for change in others where change != keptName {
            #expect(redacted.contains(ChangeRef(origin: change.origin, seq: change.seq)), "not redacted: \(change.field)")
        }
        for change in own { #expect(!redacted.contains(ChangeRef(origin: change.origin, seq: change.seq))) }
        #expect(reply.redactions.allSatisfy { $0.child == child && $0.reason == "access_ended" })
        // Resent until acknowledged; gone once acknowledged.
        let again = try region.central.filteredReply(
            for: school.replicaID, after: content.cursor, uploadAck: content.acked, redactionAck: 0,
            presentedToken: 42, behind: false, replyToken: 43, context: region.access, now: region.now)
        #expect(again.redactions == reply.redactions)
        let acked = try region.central.filteredReply(
            for: school.replicaID, after: content.cursor, uploadAck: content.acked,
            redactionAck: reply.redactions.last!.id, presentedToken: 43, behind: false, replyToken: 44,
            context: region.access, now: region.now)
        #expect(acked.redactions.isEmpty)
    }

    @Test func writeChecksRefuseOneChangeAtATimeAndTheQueueMovesOn() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        _ = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        try region.sync("Skolan")
        let school = region["Skolan"]
        let before = try school.allChanges().filter { $0.origin == school.replicaID }.map(\.seq).max() ?? 0
        // Basic is read but not written by a mentor; asylum is not even read; a school note is fine.
        try school.set(record: child, field: "name", value: .text("Canary Forged Name"), now: region.now)
        try school.set(record: child, field: "asylum_status", value: .text("granted"), now: region.now)
        _ = try school.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Canary Absence"),
        ], tag: .school, now: region.now)
        // The school adds itself as guardian: nobody grants themselves access.
        _ = try school.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("Skolan"), "role": .text("guardian"),
        ], now: region.now)
        try region.sync("Skolan")
        let refusals = try region.central.refusals(of: school.replicaID, after: 0)
        let reasons = Dictionary(grouping: refusals, by: \.reason).mapValues(\.count)
        #expect(reasons["tag_not_writable"] == 1)
        #expect(reasons["field_not_readable"] == 1)
        #expect(reasons["may_not_change_hub"] == 3)
        // Every change is acknowledged: refused ones do not block the queue.
        // 1 name + 1 asylum status + 3 note fields + 3 membership fields after `before`.
        #expect(try region.central.acknowledged(school.replicaID) == before + 8)
        // The refused values were taken back on the replica: it shows the server's again.
        #expect(try school.snapshot(child).value("name") == .text("Canary Name Amina"))
        #expect(try region.central.snapshot(child).value("name") == .text("Canary Name Amina"))
        // The accepted note reaches social services; the forged values reach nobody.
        try region.sync("Socialtjänsten")
        let social = try region.texts("Socialtjänsten")
        #expect(social.contains("Canary Absence"))
        #expect(!social.contains("Canary Forged Name") && !social.contains("granted"))
        // A volunteer may not record consent or register a child.
        let volunteer = region["Frivilliga"]
        _ = try volunteer.createRecord(type: "child", values: ["name": .text("Canary Volunteer Child")], now: region.now)
        try region.sync("Frivilliga")
        #expect(try region.central.refusals(of: volunteer.replicaID, after: 0).map(\.reason) == ["may_not_register"])
    }

    @Test func aReplicaWhoseAccessEndedWhileOfflineHasItsEditRefusedAndItsCopyPurged() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        let membership = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        try region.sync("Skolan")
        let school = region["Skolan"]
        #expect(try school.permissionsKnown())
        #expect(try region.texts("Skolan").contains("Canary Name Amina"))
        // Social services end the membership; the school, offline, still writes a school note.
        try region["Socialtjänsten"].set(record: membership, field: "end_date", value: .text(region.day(-1)), now: region.now)
        try region.sync("Socialtjänsten")
        _ = try school.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Canary Offline Note"),
        ], tag: .school, now: region.now)
        try region.sync("Skolan")
        // The note is refused on its own (the school is no longer in the hub) and taken back;
        // what others wrote is purged from the file; the queue moved on.
        #expect(try school.refusedChanges().map(\.reason) == ["not_in_hub", "not_in_hub", "not_in_hub"])
        #expect(try school.pendingCount() == 0)
        let raw = try Data(contentsOf: URL(fileURLWithPath: school.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: school.path + "-wal"))) ?? Data())
        #expect(raw.range(of: Data("Canary Case Note".utf8)) == nil)
        #expect(raw.range(of: Data("Canary Name Amina".utf8)) == nil)
        #expect(!(try region.texts("Socialtjänsten").contains("Canary Offline Note")))
    }

    /// Nobody grants themselves access: a consent that names its writer's organisation is
    /// refused as a whole, and so is a membership naming an unknown organisation (no
    /// half-written record). Any hub member reports a child missing, whatever its role
    /// reads; a former member goes on writing its own internal notes, and nothing else.
    @Test func selfConsentAndUnknownOrganisationsAreRefusedWholeAndAnyMemberReportsMissing() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        let social = region["Socialtjänsten"]
        _ = try social.createRecord(type: "consent", values: [
            "child": .text(child.description), "given_by": .text("child"), "organisation": .text("SOCIALTJANSTEN"),
            "tags": .text("health"), "purpose": .text("Canary Self Consent"),
        ], now: region.now)
        _ = try social.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("HVB Solgarden"), "role": .text("contact_person"),
            "person": .text("Canary Half Membership"), "start_date": .text(region.day(-1)),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        let reasons = try social.refusedChanges().map(\.reason)
        #expect(reasons.filter { $0 == "self_consent" }.count == 5, "\(reasons)")
        #expect(reasons.filter { $0 == "unknown_organisation" }.count == 5, "\(reasons)")
        #expect(try region.central.facts(of: child)?.consents.isEmpty == true)
        #expect(try region.central.facts(of: child)?.memberships.isEmpty == true)
        // A name typed before the replica knew the directory matches as people type it.
        _ = try social.createRecord(type: "membership", values: [
            "child": .text(child.description), "organisation": .text("god  man berg"), "role": .text("guardian"),
            "start_date": .text(region.day(-1)),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        #expect(try region.central.facts(of: child)?.memberships.map(\.organisation) == ["God man Berg"])
        try region.sync("God man Berg")
        #expect(try region.texts("God man Berg").contains("Canary Case Note"))

        // The school, a member whose role does not read the search fields, reports the child missing.
        let membership = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        try region.sync("Skolan")
        let school = region["Skolan"]
        let episode = try school.createRecord(type: "missing", values: [
            "child": .text(child.description), "last_seen_at": .text("2026-11-29T08:10+01:00"),
            "last_seen_place": .text("Canary School Yard"), "risk": .text("high"),
        ], now: region.now)
        // And records an item of the method's checklist (`missing_check`, schema 3) as any member may.
        _ = try school.createRecord(type: "missing_check", values: [
            "child": .text(child.description), "episode": .text(episode.description), "item": .text("social_services_told"),
            "done_at": .text("2026-11-29T08:30+01:00"), "done_by": .text("Canary Mentor"),
        ], now: region.now)
        try region.sync("Skolan")
        #expect(try school.refusedChanges().isEmpty)
        try region.sync("Socialtjänsten")
        #expect(try region.texts("Socialtjänsten").contains("Canary Mentor"))
        #expect(try region.central.facts(of: child)?.openEpisodes.count == 1)
        try region.sync("Polisen")
        #expect(try region.texts("Polisen").contains("Canary School Yard"))
        #expect(!(try region.texts("Polisen").contains("Canary Mentor")), "the missing rule does not name the checklist")

        // After its membership ended, the school's internal note stays; a school note does not.
        try social.set(record: membership, field: "end_date", value: .text(region.day(-1)), now: region.now)
        try region.sync("Socialtjänsten")
        _ = try school.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("observation"), "text": .text("Canary Internal After End"),
        ], tag: .internal, now: region.now)
        _ = try school.createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("school_absence"), "text": .text("Canary School After End"),
        ], tag: .school, now: region.now)
        try region.sync("Skolan")
        #expect(try region.texts("Skolan").contains("Canary Internal After End"))
        #expect(!(try region.texts("Skolan").contains("Canary School After End")))
        #expect(try school.refusedChanges().map(\.reason) == ["not_in_hub", "not_in_hub", "not_in_hub"])
    }

    @Test func consentWidensUntilRevokedAndProtectedIdentityStaysInTheHub() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        let consent = try region["Socialtjänsten"].createRecord(type: "consent", values: [
            "child": .text(child.description), "given_by": .text("guardian"), "organisation": .text("Frivilliga"),
            "tags": .text("basic"), "purpose": .text("Läxhjälp"), "until": .text(region.day(30)),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        try region.sync("Frivilliga")
        #expect(try region.texts("Frivilliga").contains("Canary Name Amina"))
        #expect(!(try region.texts("Frivilliga").contains("Canary Case Note")))
        // Protected identity: consent outside the hub no longer counts.
        try region["Socialtjänsten"].set(record: child, field: "protected_identity", value: .bool(true), now: region.now)
        try region.sync("Socialtjänsten")
        let volunteer = region["Frivilliga"]
        var content = try volunteer.uploadContent()
        var reply = try region.central.filteredReply(
            for: volunteer.replicaID, after: content.cursor, uploadAck: content.acked, redactionAck: 0,
            presentedToken: content.token, behind: false, replyToken: 7, context: region.access, now: region.now)
        #expect(reply.redactions.count == 1 && reply.changes.isEmpty)
        // Unprotected again: the consent counts again and the values come back.
        try region["Socialtjänsten"].set(record: child, field: "protected_identity", value: .bool(false), now: region.now)
        try region.sync("Socialtjänsten")
        content = try volunteer.uploadContent()
        reply = try region.central.filteredReply(
            for: volunteer.replicaID, after: content.cursor, uploadAck: content.acked, redactionAck: reply.redactions[0].id,
            presentedToken: 7, behind: false, replyToken: 8, context: region.access, now: region.now)
        #expect(reply.changes.contains { $0.value == .text("Canary Name Amina") })
        // Revoked: redacted.
        try region["Socialtjänsten"].set(record: consent, field: "revoked", value: .bool(true), now: region.now)
        try region.sync("Socialtjänsten")
        content = try volunteer.uploadContent()
        reply = try region.central.filteredReply(
            for: volunteer.replicaID, after: content.cursor, uploadAck: content.acked, redactionAck: 1,
            presentedToken: 8, behind: false, replyToken: 9, context: region.access, now: region.now)
        #expect(reply.redactions.count == 1 && reply.redactions[0].reason == "access_ended")
    }

    @Test func consentNeverCarriesPoliceOrProtectedInformationAndARoleWithoutARuleGivesNothing() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        _ = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Polisen", role: .police)
        try region.sync("Polisen")
        _ = try region["Polisen"].createRecord(type: "note", values: [
            "child": .text(child.description), "kind": .text("observation"), "text": .text("Canary Police Note"),
        ], tag: .police, now: region.now)
        try region.sync("Polisen")
        // A consent naming police and protected information gives the school none of it.
        _ = try region["Socialtjänsten"].createRecord(type: "consent", values: [
            "child": .text(child.description), "given_by": .text("child"), "organisation": .text("Skolan"),
            "tags": .text("police,protected"), "purpose": .text("Skolan"),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        try region.sync("Skolan")
        #expect(!(try region.texts("Skolan").contains("Canary Police Note")))
        // Protected identity: a volunteer entered in a role no rule gives its kind is not in
        // the hub, so a consent does not reach it either.
        try region["Socialtjänsten"].set(record: child, field: "protected_identity", value: .bool(true), now: region.now)
        _ = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Frivilliga", role: .migrationOfficer)
        _ = try region["Socialtjänsten"].createRecord(type: "consent", values: [
            "child": .text(child.description), "given_by": .text("guardian"), "organisation": .text("Frivilliga"),
            "tags": .text("basic,search"), "purpose": .text("Läxhjälp"),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        let grant = try region.central.grant(for: PolicyOrganisation(name: "Frivilliga", kind: "volunteer"), child: child,
                                             context: region.access, now: region.now)
        #expect(grant.isEmpty && !grant.inHub)
    }

    @Test func anOpenEpisodeGivesThePoliceTheSearchFieldsUntilItCloses() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        try region.sync("Polisen")
        #expect(try region["Polisen"].allChanges().isEmpty)
        let episode = try region["Socialtjänsten"].createRecord(type: "missing", values: [
            "child": .text(child.description), "last_seen_at": .text("2026-11-29T18:30+01:00"),
            "last_seen_place": .text("Canary Place"), "circumstances": .text("Canary Circumstances"),
            "risk": .text("high"),
        ], now: region.now)
        try region.sync("Socialtjänsten")
        try region.sync("Polisen")
        let police = try region.texts("Polisen")
        #expect(police.isSuperset(of: ["Canary Name Amina", "Canary Search", "Canary Place", "2010-05-01", "high"]))
        #expect(police.isDisjoint(with: ["Canary Case Note", "Canary Circumstances", "pending"]))
        // Closed: the rule ends and what it sent is redacted.
        try region["Socialtjänsten"].set(record: episode, field: "closed_at", value: .text("2026-11-30T09:00+01:00"),
                                         now: region.now)
        try region.sync("Socialtjänsten")
        let replica = region["Polisen"]
        let content = try replica.uploadContent()
        let reply = try region.central.filteredReply(
            for: replica.replicaID, after: content.cursor, uploadAck: content.acked, redactionAck: 0,
            presentedToken: content.token, behind: false, replyToken: 5, context: region.access, now: region.now)
        let redacted = Set(reply.redactions.flatMap(\.changes))
        let held = try replica.allChanges()
        #expect(!held.isEmpty && held.allSatisfy { redacted.contains(ChangeRef(origin: $0.origin, seq: $0.seq)) })
        #expect(reply.redactions.first?.reason == "episode_closed")
    }

    @Test func aReplyTheReplicaDidNotApplyIsBackfilledAgain() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        _ = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        let school = region["Skolan"]
        // The reply carrying the backfill is lost.
        region.now += 1000
        _ = try region.service.accept(try Sync.upload(school, now: region.now).bytes, arrival: .file, now: region.now)
        #expect(try school.allChanges().isEmpty)
        try region.sync("Skolan")
        #expect(try region.texts("Skolan").contains("Canary Name Amina"))
    }

    @Test func theLedgerRecordsRangesPerChildAndRule() throws {
        let region = try Region(organisations: Self.organisations)
        let child = try registered(region)
        try region.sync("Skolan")  // its cursor passes the child's changes: they come as backfill
        _ = try addMember(region, by: "Socialtjänsten", child: child, organisation: "Skolan", role: .schoolMentor)
        try region.sync("Skolan")
        let rows = try SQLite3Tool.run(region.central.path,
            "SELECT organisation, rule, count, backfill, policy_version FROM disclosures WHERE organisation = 'Skolan'")
            .split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0[1].hasPrefix("membership:") && $0[1].hasSuffix(":school_mentor:school") && $0[4] == "1" })
        // Backfill rows are marked, and the counts add up to what the school holds.
        #expect(rows.contains { $0[3] == "1" })
        #expect(rows.map { Int($0[2])! }.reduce(0, +) == (try region["Skolan"].allChanges().count))
    }
}
