import Foundation

/// Where the server's time went in one sync (seconds), for the request log line and the
/// load tool (Tools/load, `navet-load --region`). Measured with the monotonic clock; no
/// case data.
public struct SyncTiming: Sendable {
    /// Waiting for the store's lock before the merge (other replicas' syncs ahead of it).
    public var lockWait = 0.0
    /// `acceptUpload`: the write checks, the merge and its commit.
    public var merge = 0.0
    /// The uploaded read log stored and its chain checked.
    public var readLog = 0.0
    /// The filtered reply read in its transaction: grants, backfill, page, the disclosure
    /// ledger and its checkpoint, and the commit.
    public var reply = 0.0
    /// Of `reply`: the ledger rows and the signed checkpoint.
    public var ledger = 0.0
    /// The reply bundle encoded (compressed) and signed.
    public var encode = 0.0
    /// Everything from the decoded bundle to the encoded reply, lock wait included.
    public var total = 0.0

    public init() {}

    /// Seconds since `start` on the monotonic clock.
    public static func since(_ start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// The store lock's wait and hold times of one request, kept for the thread that handles it
/// (each HTTP connection has its own): `SyncService` adds to it, the request log reads it.
public final class LockClock: @unchecked Sendable {
    /// Seconds spent waiting for the lock, over every hold of the request.
    public var wait = 0.0
    /// Seconds the lock was held, by what it was held for ("nonce", "secret", "main", ...).
    public var held: [String: Double] = [:]

    private static let key = "navet.lockClock"

    /// The clock of the running thread, if one was started.
    static var current: LockClock? { Thread.current.threadDictionary[key] as? LockClock }

    /// Starts a clock for this thread (replacing any).
    public static func start() -> LockClock {
        let clock = LockClock()
        Thread.current.threadDictionary[key] = clock
        return clock
    }

    /// Removes this thread's clock.
    public static func stop() { Thread.current.threadDictionary.removeObject(forKey: key) }
}
