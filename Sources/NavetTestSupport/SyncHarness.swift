import NavetCore
import NavetStore
import NavetSync
import NavetWire

/// A central store and replicas in one temporary folder, synced through real bundle bytes
/// (encoded, then decoded) exactly as the file path does.
public final class SyncHarness {
    public let folder = TemporaryDirectory(prefix: "navet-sync")
    public let central: CentralStore
    public private(set) var replicas: [ReplicaStore] = []

    public init(replicas count: Int, now: Int64 = 1_790_000_000_000) throws {
        central = try CentralStore.create(path: folder.path("central.db"), now: now)
        for index in 0..<count {
            replicas.append(try ReplicaStore.create(path: folder.path("replica\(index).db"), now: now))
        }
    }

    /// The bytes a replica would write with `navet export`.
    public func export(_ index: Int, now: Int64) throws -> [UInt8] {
        BundleCodec.encode(try Sync.makeUpload(replicas[index], now: now))
    }

    /// What `navetd import` does with an upload: merge, then the reply bytes.
    public func serverImport(_ upload: [UInt8], now: Int64) throws -> [UInt8] {
        let bundle = try BundleCodec.decode(upload)
        return BundleCodec.encode(try Sync.acceptUpload(bundle, into: central, now: now).reply)
    }

    /// What `navet import` does with a reply.
    @discardableResult
    public func importReply(_ index: Int, _ reply: [UInt8], now: Int64) throws -> ImportSummary {
        try Sync.applyReply(try BundleCodec.decode(reply), to: replicas[index], now: now)
    }

    /// One full round trip for one replica.
    public func sync(_ index: Int, now: Int64) throws {
        try importReply(index, try serverImport(try export(index, now: now), now: now), now: now)
    }

    /// Syncs every replica twice over, so that everyone has everything.
    public func syncAll(now: Int64) throws {
        for _ in 0..<2 {
            for index in replicas.indices { try sync(index, now: now) }
        }
    }
}

extension SyncHarness {
    /// The recipient named in a reply's bytes.
    public func decodeRecipient(_ reply: [UInt8]) throws -> ReplicaID? {
        try BundleCodec.decode(reply).recipient
    }
}
