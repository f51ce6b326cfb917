import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NavetCore
import NavetStore
import NavetSync
import NavetWire

/// The client side of HTTP sync: round trips until nothing is pending and the server has
/// nothing more. Used by `navet sync` and by the load tool, so both measure the same thing.
public struct SyncClient {
    public enum Failure: Error {
        case notEnrolled
        case badURL(String)
        /// No answer: nothing was lost.
        /// The transport's own text, with the `errno` or the unknown host name when known.
        case unreachable(String, errno: Int32? = nil, unknownHost: String? = nil)
        /// The overall limit (seconds) passed after `rounds` complete round trips: nothing
        /// was lost; what those round trips carried is kept.
        case timedOut(limit: Double, rounds: Int)
        /// A 4xx answer with the server's reason code.
        case refused(reason: String, status: Int)
        /// A 5xx or unexpected answer: nothing was lost.
        case serverFailed(status: Int)
        /// The address answered, but not as a Navet central store's sync endpoint (HTTP 404
        /// or 405, a 4xx without a Navet reason, or a 200 that is not a Navet reply): a wrong
        /// --server or enrollment URL. Not recorded as a refusal; nothing was lost.
        case notNavetServer(status: Int)
        case sync(SyncError)
        case store(StoreError)
    }

    public struct Report: Sendable {
        public var sent = 0
        public var received = 0
        public var rounds = 0
        public var epochChanged = false
        /// The last reply said more changes wait at the server (a paged download).
        public var more = false
        /// Own changes renumbered because the file was behind its own history.
        public var renumbered = 0
        public var caughtUp = false
        /// Own changes the central store refused one by one (taken back; `navet status`).
        public var refused = 0
        /// Values deleted by the central store's redactions.
        public var redacted = 0
        /// A redaction's purge could not complete (another process holds the file).
        public var purgePending = false
        /// Where the time went, summed over the round trips (the load tool's breakdown).
        public var timing = Timing()
    }

    /// Seconds on the monotonic clock, summed over a run's round trips.
    public struct Timing: Sendable {
        /// The upload built, compressed and signed (pending changes and the read-log page
        /// read, the upload noted), and the request signed.
        public var upload = 0.0
        /// The request sent and the reply received: the server's time and the network.
        public var http = 0.0
        /// The reply decoded, verified and applied in its transaction, the directory replaced
        /// and the read-log acknowledgement stored.
        public var apply = 0.0
        /// What decides whether another round trip is needed, and the sync noted at the end.
        public var finish = 0.0

        public init() {}
    }

    public let store: ReplicaStore
    public let base: URL
    let secret: [UInt8]
    let transport = HTTPTransport()
    /// The overall limit for one `run`, in seconds.
    public let timeout: TimeInterval

    /// `timeout` is the limit for a whole `run` (all its round trips), in seconds.
    public init(store: ReplicaStore, server: URL? = nil, timeout: TimeInterval = SyncClient.defaultTimeout) throws(Failure) {
        let enrollment: (server: ReplicaID, url: String, secret: [UInt8])?
        do {
            enrollment = try store.enrollment()
        } catch {
            throw .store(error)
        }
        guard let enrollment else { throw .notEnrolled }
        guard let base = server ?? URL(string: enrollment.url) else { throw .badURL(enrollment.url) }
        self.store = store
        self.base = base
        self.secret = enrollment.secret
        self.timeout = timeout
    }

    /// The default overall limit of `navet sync`, in seconds.
    public static let defaultTimeout: TimeInterval = 300

    /// Syncs until done, or until `timeout` seconds have passed since the call (then throws
    /// `timedOut`; each complete round trip is kept). `progress` is called after each round trip.
    ///
    /// When the last reply brought changes, one more (empty) round trip tells the server the
    /// new cursor, so its view of this replica's lag is current.
    public func run(progress: (Report) -> Void = { _ in }) throws(Failure) -> Report {
        let deadline = Deadline(seconds: timeout)
        let endpoint = base.appendingPathComponent("v1").appendingPathComponent("sync")
        var report = Report()
        var mark = DispatchTime.now()
        func lap() -> Double {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - mark.uptimeNanoseconds) / 1e9
            mark = DispatchTime.now()
            return seconds
        }
        while true {
            report.rounds += 1
            let now = Format.now()
            report.timing.finish += lap()
            let upload: (bytes: [UInt8], bundle: NavetWire.Bundle)
            do {
                // The directory (organisation names) once per sync, with the first round trip.
                upload = try Sync.upload(store, now: now, wantsDirectory: report.rounds == 1)
            } catch {
                throw .sync(error)
            }
            let signature = RequestSignature.sign(method: "POST", path: "/v1/sync", body: upload.bytes,
                                                  replica: store.replicaID, secret: secret, now: now)
            report.timing.upload += lap()
            let response: (status: Int, body: [UInt8])
            do {
                response = try transport.post(endpoint, body: upload.bytes,
                                              headers: signature.headers + [("Navet-Client", "navet/\(Version.string)")],
                                              deadline: deadline)
            } catch {
                if error.timedOut { throw .timedOut(limit: timeout, rounds: report.rounds - 1) }
                throw .unreachable(error.message, errno: error.errno, unknownHost: error.unknownHost)
            }
            report.timing.http += lap()
            guard response.status == 200 else {
                let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                let reason = (object?["reason"] as? String).map {
                    WireStrings.formatRefusal(String($0.prefix(64)), message: object?["message"] as? String)
                }
                // navetd answers POST /v1/sync with 200 or a Navet refusal; 404, 405, 501 (a
                // server that does not know POST) or a 4xx without a reason is something else.
                if [404, 405, 501].contains(response.status) || ((400..<500).contains(response.status) && reason == nil) {
                    throw .notNavetServer(status: response.status)
                }
                if (400..<500).contains(response.status), let reason {
                    // Only a Navet refusal is recorded for 'navet status'.
                    try? store.noteRefusal(reason, now: Format.now())
                    throw .refused(reason: reason, status: response.status)
                }
                throw .serverFailed(status: response.status)
            }
            let applied: (summary: ImportSummary, more: Bool)
            do {
                applied = try Sync.applyReply(response.body, to: store, now: Format.now())
            } catch .malformed {
                // A 200 that is no Navet reply: another web server at that address.
                throw .notNavetServer(status: response.status)
            } catch {
                throw .sync(error)
            }
            report.timing.apply += lap()
            report.epochChanged = report.epochChanged || applied.summary.epochChanged
            report.renumbered += applied.summary.renumbered
            report.caughtUp = report.caughtUp || applied.summary.caughtUp
            report.refused += applied.summary.refused
            report.redacted += applied.summary.redacted
            report.purgePending = applied.summary.purgePending
            report.sent += upload.bundle.changes.count
            report.received += applied.summary.applied
            report.more = applied.more
            let pending: Int
            do {
                pending = try store.pendingCount()
            } catch {
                throw .store(error)
            }
            progress(report)
            // Done when the server has nothing more, everything sent is acknowledged and the
            // server knows the cursor this replica now holds (a reply that brought changes
            // is followed by one more round trip that carries the new cursor).
            // A new redaction acknowledgement is worth one more round trip too: the server
            // learns the purge is complete.
            let acknowledged = (try? store.redactionAck()).map { $0 > upload.bundle.redactionAck } ?? false
            // Under need to know a reply may move the cursor past changes it withheld
            // without bringing any: the server learns the new cursor (and the replica's lag
            // returns to 0) with one more round trip.
            // Once told, a cursor that moves again is not chased: on a busy night other
            // replicas write between any two round trips, and chasing their changes (which
            // this replica may not see) cost a round trip, two commits under the store's lock,
            // each time. A round trip that carried nothing but the cursor (the reply before
            // moved it; an upload always carries the read log's header) told it.
            let toldCursor = report.rounds > 1 && upload.bundle.changes.isEmpty
                && (upload.bundle.readLog.map { $0.entries.isEmpty && !$0.ownCheckFailed } ?? true)
            let cursorMoved = !toldCursor && ((try? store.status().cursor).map { $0 > upload.bundle.cursor } ?? false)
            // A read log longer than one upload's page goes on while the store acknowledges more.
            let readLogBehind = upload.bundle.readLog.map { run in
                (run.entries.last.map { $0.seq < run.last } ?? false)
                    && ((try? store.readLogAcknowledged()).map { $0 >= run.from } ?? false)
            } ?? false
            let progressed = !upload.bundle.changes.isEmpty || applied.summary.applied > 0 || applied.more || acknowledged
                || cursorMoved || readLogBehind
            if (!applied.more && pending == 0 && applied.summary.applied == 0 && !acknowledged && !cursorMoved && !readLogBehind)
                || !progressed {
                break
            }
        }
        do {
            try store.noteSync(now: Format.now())
        } catch {
            throw .store(error)
        }
        report.timing.finish += lap()
        return report
    }
}

/// `--server URL` and `--timeout SECONDS` (1 to 3600), as `navet sync` and `navet verify` take them.
enum ServerOptions {
    static func parse(_ arguments: ParsedArguments, _ context: Context, defaultTimeout: TimeInterval)
        throws(CLIError) -> (server: URL?, timeout: TimeInterval)
    {
        var server: URL?
        if let text = arguments.value("--server") {
            guard let url = ServerURL.parse(text) else {
                throw CLIError(.usage, context.t("error.badURL", text), helpHint: true)
            }
            server = url
        }
        guard let text = arguments.value("--timeout") else { return (server, defaultTimeout) }
        guard let seconds = DecimalNumber.parse(text, in: 1...3600) else {
            throw CLIError(.usage, context.t("error.badTimeout", text), helpHint: true)
        }
        return (server, TimeInterval(seconds))
    }
}

struct SyncCommand: Command {
    static let spec = CommandSpec(["sync"], help: "sync", options: [
        OptionSpec("--server", value: "URL", help: "opt.server"),
        OptionSpec("--timeout", value: "SECONDS", help: "opt.timeout"),
    ])
    let server: URL?
    let timeout: TimeInterval

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        (server, timeout) = try ServerOptions.parse(arguments, context, defaultTimeout: SyncClient.defaultTimeout)
    }

    /// "5" for 5 s, "2.5" for 2.5 s.
    static func secondsText(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        let lock = try context.lockForSync()
        defer { withExtendedLifetime(lock) {} }
        let report: SyncClient.Report
        var shown = ""
        do throws(SyncClient.Failure) {
            let client = try SyncClient(store: store, server: server, timeout: timeout)
            shown = client.base.absoluteString
            report = try client.run { report in
                if report.more {
                    context.err(context.t("out.syncProgress", String(report.rounds), String(report.sent), String(report.received)))
                }
            }
        } catch {
            switch error {
            case .notEnrolled: throw CLIError(.validation, context.t("error.notEnrolled"))
            case .badURL(let url): throw CLIError(.validation, context.t("error.badURL", url))
            case .unreachable(let message, let code, let host):
                let reason = host.map { context.t("net.unknownHost", Format.line($0)) } ?? code.map(context.systemError)
                    ?? context.networkFailure(message)
                throw CLIError(.unreachable, context.t("error.unreachable", shown, reason))
            case .timedOut(let limit, let rounds):
                throw CLIError(.unreachable, context.t("error.syncTimedOut", shown, SyncCommand.secondsText(limit), String(rounds)))
            case .refused(let reason, _):
                throw CLIError(.refused, context.t("error.syncRefused", shown, context.refusalText(reason)))
            case .serverFailed(let status): throw CLIError(.unreachable, context.t("error.serverFailed", shown, String(status)))
            case .notNavetServer(let status): throw CLIError(.unreachable, context.t("error.notNavetServer", shown, String(status)))
            case .sync(let syncError): throw context.describe(syncError, file: shown)
            case .store(let storeError): throw context.describe(storeError)
            }
        }
        if report.epochChanged { context.err(context.t("out.epochChanged")) }
        if report.caughtUp { context.err(context.t("out.caughtUp", String(report.renumbered))) }
        let status = try context.store { () throws(StoreError) in try store.status() }
        if context.json {
            context.printJSON(["server": shown, "sent": report.sent, "received": report.received, "rounds": report.rounds,
                               "pending": status.pending, "cursor": status.cursor, "conflicts": status.conflicts,
                               "caught_up": report.caughtUp, "renumbered": report.renumbered, "refused": report.refused,
                               "redacted": report.redacted, "purge_pending": status.purgePending])
        } else {
            context.out(context.t("out.synced", String(report.sent), String(report.received), String(status.conflicts)))
            if report.redacted > 0 { context.out(context.t("out.redacted", String(report.redacted))) }
        }
        try context.finishFiltered(refused: report.refused, purgePending: status.purgePending)
    }
}

extension Context {
    /// The words for a refusal reason code, in the user's language (see `SyncStrings`).
    func refusalText(_ reason: String) -> String {
        SyncStrings.refusalText(reason, strings)
    }
}
