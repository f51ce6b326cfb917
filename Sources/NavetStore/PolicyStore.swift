import NavetCore
import NavetCrypto
import NavetPolicy
import NavetSQLite

/// One loaded policy, as `navetd policy show` lists them.
public struct PolicyVersion: Hashable, Sendable {
    /// 1, 2, 3… in the order loaded; 0 is the embedded default (never stored).
    public let version: UInt64
    public let label: String
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    public let sha256: String
    /// Milliseconds since 1970; nil for the embedded default.
    public let loadedAt: Int64?
}

/// What `policyInForce` last read, so that a sync that finds the same version reuses it.
struct PolicyCache {
    let version: UInt64
    let sha256: String
    let policy: AccessPolicy
    let label: String
}

/// The need-to-know policies on the central store (layout 9, table `policies`).
///
/// The text of every loaded file is kept as loaded, numbered 1, 2, 3… by the store; the
/// last one is in force, and until one is loaded the embedded default
/// (`PolicyFile.defaultText`) is, as version 0. A file is parsed before anything is
/// written, so a bad file changes nothing.
extension CentralStore {
    /// Loads a policy file: checks it (`PolicyFile.parse`) and, if its bytes differ from
    /// the policy in force, stores it as the next version, in force from the next sync on
    /// (a running `navetd serve` included).
    /// - Returns: the version now in force: the new one, or the current one when `bytes`
    ///   are byte-identical to it (no row is added).
    /// - Throws: `StoreError.invalidPolicy` for a bad file (nothing changed), or a store error.
    public func loadPolicy(bytes: [UInt8], now: Int64) throws(StoreError) -> UInt64 {
        let policy: AccessPolicy
        do throws(PolicyError) {
            policy = try PolicyFile.parse(bytes)
        } catch {
            throw .invalidPolicy(error)
        }
        let digest = Hex.encode(SHA256.hash(bytes))
        let text = String(decoding: bytes, as: UTF8.self)
        return try StoreError.wrap {
            try db.transaction {
                let latest = try db.query("SELECT version, sha256, text FROM policies ORDER BY version DESC LIMIT 1").first
                if let latest, case .integer(let version) = latest[0], latest[1] == .text(digest), latest[2] == .text(text) {
                    return UInt64(clamping: version)
                }
                try db.query("INSERT INTO policies(label, text, sha256, loaded_at) VALUES (?, ?, ?, ?)",
                             [.text(policy.label), .text(text), .text(digest), .integer(now)])
                return UInt64(clamping: db.lastInsertRowID)
            }
        }
    }

    /// The policy in force: the last one loaded, or the embedded default as version 0.
    ///
    /// Cheap enough to call at every sync: one indexed read of the newest row's version and
    /// digest; the text is parsed again only when they differ from the last call's, so a
    /// policy loaded by another process (`navetd policy load` while `navetd serve` runs) is
    /// in force from the next sync. Not thread-safe on its own: call it where the store's
    /// other methods are called (under `SyncService`'s lock).
    /// - Throws: `StoreError.storedPolicyUnreadable` if the stored text no longer parses or
    ///   no longer matches its digest: never a silent fall back to the default.
    public func policyInForce() throws(StoreError) -> (version: UInt64, policy: AccessPolicy, label: String) {
        try StoreError.wrap {
            guard let latest = try db.query("SELECT version, sha256 FROM policies ORDER BY version DESC LIMIT 1").first,
                  case .integer(let number) = latest[0], case .text(let digest) = latest[1]
            else {
                let policy = PolicyFile.defaultPolicy
                return (0, policy, policy.label)
            }
            let version = UInt64(clamping: number)
            if let cache = policyCache, cache.version == version, cache.sha256 == digest {
                return (version, cache.policy, cache.label)
            }
            guard case .text(let text)? = try db.scalar("SELECT text FROM policies WHERE version = ?", [.integer(number)]),
                  Hex.encode(SHA256.hash(Array(text.utf8))) == digest
            else { throw StoreError.storedPolicyUnreadable(version: version, nil) }
            let policy: AccessPolicy
            do throws(PolicyError) {
                policy = try PolicyFile.parse(Array(text.utf8))
            } catch {
                throw StoreError.storedPolicyUnreadable(version: version, error)
            }
            policyCache = PolicyCache(version: version, sha256: digest, policy: policy, label: policy.label)
            return (version, policy, policy.label)
        }
    }

    /// Every loaded policy, oldest first (without the embedded default).
    public func policyHistory() throws(StoreError) -> [PolicyVersion] {
        try StoreError.wrap {
            try db.query("SELECT version, label, sha256, loaded_at FROM policies ORDER BY version").compactMap { row in
                guard case .integer(let version) = row[0], case .text(let label) = row[1], case .text(let digest) = row[2],
                      case .integer(let loadedAt) = row[3]
                else { return nil }
                return PolicyVersion(version: UInt64(clamping: version), label: label, sha256: digest, loadedAt: loadedAt)
            }
        }
    }

    /// The text of a loaded version as it was loaded (0: the embedded default), or nil if
    /// there is no such version.
    public func policyText(version: UInt64) throws(StoreError) -> String? {
        if version == 0 { return PolicyFile.defaultText }
        return try StoreError.wrap {
            guard version <= UInt64(Int64.max),
                  case .text(let text)? = try db.scalar("SELECT text FROM policies WHERE version = ?",
                                                        [.integer(Int64(version))])
            else { return nil }
            return text
        }
    }
}
