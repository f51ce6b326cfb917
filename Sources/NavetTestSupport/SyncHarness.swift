import NavetCore
import NavetStore
import NavetSync
import NavetWire

/// A central store and enrolled replicas in one temporary folder, synced through real,
/// signed bundle bytes exactly as the file path does (`navet export`, `navetd import`,
/// `navet import`).
///
/// The harness tests the sync engine (merge, convergence, epochs, identity), so its server
/// does not filter by need to know: every replica receives every change, whatever its tag.
/// Need to know is tested with a filtering service (NeedToKnowTests' `Region`) and through
/// the real `navetd`.
public final class SyncHarness {
    public let folder = TemporaryDirectory(prefix: "navet-sync")
    public private(set) var central: CentralStore!
    public private(set) var service: SyncService!
    public private(set) var replicas: [ReplicaStore] = []

    public init(replicas count: Int, now: Int64 = 1_790_000_000_000) throws {
        central = try CentralStore.create(path: folder.path("central.db"), now: now)
        service = SyncService(central: central, unfiltered: true)
        _ = try central.addOrganisation(name: "Socialtjänsten Strömsund", kind: .socialServices,
                                        municipality: "Strömsund", now: now)
        for _ in 0..<count { try addReplica(now: now) }
    }

    /// Enrolls one more replica and creates its file.
    @discardableResult
    public func addReplica(now: Int64) throws -> ReplicaStore {
        let enrolled = try central.enroll(organisation: "Socialtjänsten Strömsund", now: now)
        let replica = try ReplicaStore.create(
            path: folder.path("replica\(replicas.count).db"), enrolledAs: enrolled.replicaID, server: central.serverID,
            url: "http://127.0.0.1:1", secret: enrolled.secret, now: now)
        replicas.append(replica)
        return replica
    }

    /// The bytes a replica would write with `navet export`.
    public func export(_ index: Int, now: Int64) throws -> [UInt8] {
        try Sync.upload(replicas[index], now: now).bytes
    }

    /// What `navetd import` does with an upload: verify, merge, then the signed reply.
    public func serverImport(_ upload: [UInt8], now: Int64) throws -> [UInt8] {
        try service.accept(upload, arrival: .file, now: now).reply
    }

    /// What `navet import` does with a reply.
    @discardableResult
    public func importReply(_ index: Int, _ reply: [UInt8], now: Int64) throws -> ImportSummary {
        try Sync.applyReply(reply, to: replicas[index], now: now).summary
    }

    /// Round trips for one replica until it has sent and received everything.
    public func sync(_ index: Int, now: Int64) throws {
        var more = true
        while try more || replicas[index].pendingCount() > 0 {
            let reply = try serverImport(try export(index, now: now), now: now)
            more = try Sync.applyReply(reply, to: replicas[index], now: now).more
        }
    }

    /// Syncs every replica twice over, so that everyone has everything.
    public func syncAll(now: Int64) throws {
        for _ in 0..<2 {
            for index in replicas.indices { try sync(index, now: now) }
        }
    }

    /// What `navetd restore` does: installs `backup` as the central store with a new epoch.
    /// The store is closed first, as an operator stops `navetd` before restoring.
    public func restoreServer(from backup: String) throws {
        let path = central.path
        service = nil
        central = nil
        try CentralStore.restore(from: backup, to: path)
        central = try CentralStore.open(path: path)
        service = SyncService(central: central, unfiltered: true)
    }

    /// The recipient named in a reply's bytes.
    public func decodeRecipient(_ reply: [UInt8]) throws -> ReplicaID? {
        try BundleCodec.decode(reply).bundle.recipient
    }
}
