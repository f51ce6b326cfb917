import Foundation
import NavetCore
import NavetCrypto
import NavetPolicy
@testable import NavetStore
import NavetTestSupport
import Testing

/// Policies in the central store (layout 10): versions, the default as version 0, a bad
/// file that changes nothing, and a policy loaded by another process seen at the next read.
@Suite struct PolicyStoreTests {
    let folder = TemporaryDirectory(prefix: "navet-policy-store")

    static let office = PolicyFile.defaultText.replacingOccurrences(of: "\"default 2026-11\"", with: "\"Region Norr 2026-12\"")
        .replacingOccurrences(of: "\"read\": [\"basic\"],\n      \"write\": [],", with: "\"read\": [\"basic\", \"school\"],\n      \"write\": [],")

    @Test func theDefaultIsInForceUntilAPolicyIsLoaded() throws {
        let central = try CentralStore.create(path: folder.path("c.db"), now: 0)
        let inForce = try central.policyInForce()
        #expect(inForce.version == 0)
        #expect(inForce.policy == PolicyFile.defaultPolicy)
        #expect(inForce.label == "default 2026-11")
        #expect(try central.policyHistory().isEmpty)
        #expect(try central.policyText(version: 0) == PolicyFile.defaultText)
        #expect(try central.policyText(version: 1) == nil)
    }

    @Test func versionsAreNumberedAndAnIdenticalTextAddsNone() throws {
        let central = try CentralStore.create(path: folder.path("c.db"), now: 0)
        #expect(try central.loadPolicy(bytes: Array(Self.office.utf8), now: 1000) == 1)
        #expect(try central.loadPolicy(bytes: Array(Self.office.utf8), now: 2000) == 1)
        let inForce = try central.policyInForce()
        #expect(inForce.version == 1 && inForce.label == "Region Norr 2026-12")
        #expect(inForce.policy.rules.last?.read == [.basic, .school])
        #expect(try central.loadPolicy(bytes: Array(PolicyFile.defaultText.utf8), now: 3000) == 2)
        #expect(try central.policyInForce().policy == PolicyFile.defaultPolicy)
        // Going back to an earlier text is a new version: the history says what held when.
        #expect(try central.loadPolicy(bytes: Array(Self.office.utf8), now: 4000) == 3)
        let history = try central.policyHistory()
        #expect(history.map(\.version) == [1, 2, 3])
        #expect(history.map(\.loadedAt) == [1000, 3000, 4000])
        #expect(history.map(\.label) == ["Region Norr 2026-12", "default 2026-11", "Region Norr 2026-12"])
        #expect(history[0].sha256 == history[2].sha256 && history[0].sha256.count == 64)
        #expect(try central.policyText(version: 1) == Self.office)
    }

    @Test func aBadFileChangesNothing() throws {
        let central = try CentralStore.create(path: folder.path("c.db"), now: 0)
        _ = try central.loadPolicy(bytes: Array(Self.office.utf8), now: 1000)
        let bad = Self.office.replacingOccurrences(of: "\"basic\", \"school\"],\n      \"write\": [],",
                                                   with: "\"basic\", \"scool\"],\n      \"write\": [],")
        #expect(throws: StoreError.self) { try central.loadPolicy(bytes: Array(bad.utf8), now: 2000) }
        do {
            _ = try central.loadPolicy(bytes: Array(bad.utf8), now: 2000)
        } catch let StoreError.invalidPolicy(error) {
            #expect(error.problem == .unknownTag("scool"))
            #expect(error.path == "rules[7].read[1]")
        }
        #expect(try central.policyHistory().count == 1)
        #expect(try central.policyInForce().version == 1)
    }

    /// `navetd policy load` in another process while `navetd serve` runs: the server's next
    /// `policyInForce` (one per sync) sees the new version; between loads it reuses its parse.
    @Test func aPolicyLoadedElsewhereIsSeenAtTheNextRead() throws {
        let path = folder.path("c.db")
        let server = try CentralStore.create(path: path, now: 0)
        #expect(try server.policyInForce().version == 0)
        let other = try CentralStore.open(path: path)
        _ = try other.loadPolicy(bytes: Array(Self.office.utf8), now: 1000)
        #expect(try server.policyInForce().version == 1)
        #expect(server.policyCache?.version == 1)
        _ = try other.loadPolicy(bytes: Array(PolicyFile.defaultText.utf8), now: 2000)
        #expect(try server.policyInForce().label == "default 2026-11")
        #expect(try server.policyInForce().version == 2)
    }

    /// A stored text that no longer parses, or no longer matches its digest, is an error:
    /// never a silent fall back to the default.
    @Test func aDamagedStoredPolicyIsAnError() throws {
        let central = try CentralStore.create(path: folder.path("c.db"), now: 0)
        _ = try central.loadPolicy(bytes: Array(Self.office.utf8), now: 1000)
        _ = try central.policyInForce()
        // Edited behind Navet's back, digest and all.
        let edited = Self.office.replacingOccurrences(of: "\"navet_policy\": 1", with: "\"navet_policy\": 2")
        try central.db.query("UPDATE policies SET text = ?, sha256 = ? WHERE version = 1",
                             [.text(edited), .text(NavetCrypto.Hex.encode(NavetCrypto.SHA256.hash(Array(edited.utf8))))])
        do {
            _ = try central.policyInForce()
            Issue.record("a stored policy that does not parse was accepted")
        } catch let StoreError.storedPolicyUnreadable(version, error) {
            #expect(version == 1)
            #expect(error?.problem == .unsupportedVersion(found: "2", supported: 1))
        }
        // The text changed without its digest.
        try central.db.query("UPDATE policies SET text = ? WHERE version = 1", [.text(Self.office + " ")])
        do {
            _ = try central.policyInForce()
            Issue.record("a stored policy whose digest does not match was accepted")
        } catch let StoreError.storedPolicyUnreadable(version, error) {
            #expect(version == 1 && error == nil)
        }
        // Loading a good policy puts things right.
        #expect(try central.loadPolicy(bytes: Array(PolicyFile.defaultText.utf8), now: 2000) == 2)
        #expect(try central.policyInForce().version == 2)
    }
}
