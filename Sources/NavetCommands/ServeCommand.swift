import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetCore
import NavetHTTP
import NavetStore
import NavetSync
import NavetWire

/// `navetd serve`: the central store over HTTP until SIGTERM or SIGINT.
///
/// Logs are JSON lines on stderr: events, replica ids, counts, statuses and durations,
/// never case data.
struct ServeCommand: Command {
    static let spec = CommandSpec(["serve"], help: "serve", options: [
        OptionSpec("--listen", value: "HOST:PORT", help: "opt.listen"),
        OptionSpec("--trusted-proxy-header", value: "NAME", help: "opt.proxyHeader"),
        OptionSpec("--max-body", value: "BYTES", help: "opt.maxBody"),
        OptionSpec("--max-header", value: "BYTES", help: "opt.maxHeader"),
        OptionSpec("--head-timeout", value: "SECONDS", help: "opt.headTimeout"),
        OptionSpec("--request-timeout", value: "SECONDS", help: "opt.requestTimeout"),
        OptionSpec("--max-connections", value: "N", help: "opt.maxConnections"),
        OptionSpec("--clock-window", value: "SECONDS", help: "opt.clockWindow"),
        OptionSpec("--silent-after", value: "DURATION", help: "opt.silentAfter"),
        OptionSpec("--policy", value: "FILE", help: "opt.servePolicy"),
    ])
    let address: HTTPServer.Address
    let proxyHeader: String?
    let limits: HTTPLimits
    let clockWindow: Int64
    let silentAfter: Int64
    /// A policy file to load before serving (PolicyCommands.swift).
    let policyFile: String?

    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError) {
        do throws(HTTPServerError) {
            address = try HTTPServer.Address.parse(arguments.value("--listen") ?? "127.0.0.1:8080")
        } catch {
            throw CLIError(.usage, context.t("error.badListen", Format.line(arguments.value("--listen") ?? ""), context.describeListen(error)),
                           helpHint: true)
        }
        func number(_ option: String, _ range: ClosedRange<Int>, default value: Int) throws(CLIError) -> Int {
            guard let text = arguments.value(option) else { return value }
            guard let parsed = DecimalNumber.parse(text, in: range) else {
                throw CLIError(.usage, context.t("error.badNumber", option, text, String(range.lowerBound), String(range.upperBound)),
                               helpHint: true)
            }
            return parsed
        }
        var limits = HTTPLimits()
        limits.maxBodyBytes = try number("--max-body", 1024...(512 << 20), default: 300 << 20)
        limits.maxHeaderBytes = try number("--max-header", 1024...(1 << 20), default: 16 * 1024)
        limits.headTimeout = .seconds(try number("--head-timeout", 1...3600, default: 10))
        limits.requestTimeout = .seconds(try number("--request-timeout", 1...3600, default: 60))
        limits.maxConnections = try number("--max-connections", 1...10_000, default: 256)
        self.limits = limits
        clockWindow = Int64(try number("--clock-window", 1...86_400, default: 300)) * 1000
        silentAfter = try Duration.parse(arguments.value("--silent-after") ?? "3d", option: "--silent-after", context: context)
        policyFile = arguments.value("--policy")
        proxyHeader = arguments.value("--trusted-proxy-header")
        if let proxyHeader, proxyHeader.isEmpty || proxyHeader.contains(where: { $0 == ":" || $0.isWhitespace }) {
            throw CLIError(.usage, context.t("error.badHeaderName", proxyHeader), helpHint: true)
        }
    }

    func run(_ context: Context) throws(CLIError) {
        // Each connection thread would otherwise get its own malloc arena, and each arena
        // keeps the high-water mark of the reply pages built in it: with many replicas
        // syncing at once that multiplied the peak memory (Tools/load measures it).
        _ = glibcMallopt(-8 /* M_ARENA_MAX, malloc.h */, 2)
        // Sockets send with MSG_NOSIGNAL; this covers the log on stderr when it is a pipe
        // whose reader went away: the write fails with EPIPE instead of ending the server.
        signal(SIGPIPE, SIG_IGN)
        let central = try context.openCentral()
        // Held until the process ends: `navetd restore` refuses while it is held.
        let lock: StoreLock
        switch StoreLock.acquire(context.databasePath, exclusive: false) {
        case .locked(let held): lock = held
        case .busy: throw CLIError(.io, context.t("error.storeBeingRestored", context.databasePath))
        case .failed(let code): throw CLIError(.io, context.t("error.storeLock", context.databasePath, String(cString: strerror(code))))
        }
        defer { withExtendedLifetime(lock) {} }
        // A bad policy file, or a stored policy that no longer reads, stops the start:
        // the server never serves under a policy other than the one meant.
        if let policyFile { _ = try context.loadPolicyFile(policyFile, into: central) }
        let policy = try context.store { () throws(StoreError) in try central.policyInForce() }
        let service = SyncService(central: central)
        service.httpWindow = clockWindow
        let log = JSONLog()
        let router = Router(service: service, proxyHeader: proxyHeader, log: log, silentAfter: silentAfter)
        let server: HTTPServer
        do throws(HTTPServerError) {
            server = try HTTPServer(address: address, limits: limits, log: nil) { request, connection in
                router.handle(request, peer: connection.peer.host)
            }
        } catch {
            throw CLIError(.io, context.t("error.cannotListen", address.description, context.describeListen(error)))
        }
        server.start()
        // The signals are handled before "listening" is logged: whoever waits for that line
        // (a supervisor, the tests' ServerProcess) may send SIGTERM at once.
        let signals = server.stopOnSignals { number in
            log.write(["event": "stopping", "signal": Int(number)])
        }
        log.write(["event": "listening", "address": server.address.description, "server": service.serverID.description,
                   "version": Version.string, "policy_version": policy.version])
        server.waitUntilStopped()
        signals.cancel()
        log.write(["event": "stopped"])
    }
}

/// glibc's `mallopt`; `malloc.h` is not part of Swift's Glibc module.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// JSON lines on stderr, one object per line, serialized so lines never interleave.
final class JSONLog: @unchecked Sendable {
    private let lock = NSLock()
    private let quiet: Bool

    init(quiet: Bool = false) { self.quiet = quiet }

    func write(_ fields: [String: Any]) {
        if quiet { return }
        var object = fields
        object["time"] = Format.time(Format.now())
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        let line = Array(data) + [0x0A]
        lock.lock()
        defer { lock.unlock() }
        // A closed or full stderr loses log lines but never stops the server (no trap, and
        // SIGPIPE is ignored while serving): the write fails and the line is dropped.
        var offset = 0
        while offset < line.count {
            let count = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            offset += count
        }
    }
}

/// Maps HTTP requests to the sync service. Knows the endpoints of `Protocol/HTTP.md`.
struct Router: Sendable {
    let service: SyncService
    let proxyHeader: String?
    let log: JSONLog
    /// Milliseconds without a sync after which a replica counts as silent.
    var silentAfter: Int64 = 3 * 86_400_000

    func handle(_ request: HTTPRequest, peer: String) -> HTTPResponse {
        let started = Date()
        // Only the configured header is trusted for the client's address, and nothing else.
        let client = proxyHeader.flatMap { request.headers[$0] }?.split(separator: ",").first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? peer
        var fields: [String: Any] = ["event": "request", "method": request.method, "path": request.path, "client": client]
        let response: HTTPResponse
        switch (request.method, request.path) {
        case ("POST", "/v1/sync"):
            response = sync(request, fields: &fields)
        case ("POST", "/v1/verify"):
            response = verify(request, fields: &fields)
        // RFC 9110 §9.1: HEAD wherever GET (the server sends the head without the body).
        case ("GET", "/v1/health"), ("HEAD", "/v1/health"):
            if let health = try? service.health() {
                response = json(200, ["status": "ok", "server": health.server.description,
                                      "epoch": Format.hex16(health.epoch)])
            } else {
                response = json(503, ["status": "unavailable", "server": service.serverID.description,
                                      "reason": RefusalReason.serverError.rawValue, "message": "store error"])
            }
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            response = HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                    body: Array(service.metrics.render(extra: healthGauges()).utf8))
        case (let method, _) where !Self.knownMethods.contains(method):
            // RFC 9110 §9.1: a method the server does not recognise is 501, on any path.
            response = json(501, ["reason": "not_implemented", "message": "method not implemented"])
        case (_, "/v1/sync"), (_, "/v1/verify"):
            response = json(405, ["reason": "method_not_allowed", "message": "method not allowed"], allow: "POST")
        case (_, "/v1/health"), (_, "/metrics"):
            response = json(405, ["reason": "method_not_allowed", "message": "method not allowed"], allow: "GET, HEAD")
        default:
            response = json(404, ["reason": "not_found", "message": "no such endpoint"])
        }
        fields["status"] = response.status
        fields["bytes_out"] = response.body.count
        fields["ms"] = Int(Date().timeIntervalSince(started) * 1000)
        log.write(fields)
        return response
    }

    /// Gauges an operator alerts on: replicas silent longer than `silentAfter`, and the
    /// age of the oldest last sync among active replicas.
    func healthGauges() -> [(name: String, help: String, value: Double)] {
        // Small tables only: a scrape holds the store's lock that every sync waits for
        // (counting each replica's lag here made a scrape scan the change log once per replica).
        let now = Format.now()
        guard let gauges = try? service.healthGauges(now: now, silentAfter: silentAfter) else { return [] }
        return [
            ("navet_read_log_broken_chains", "Replicas whose uploaded read log has a broken chain (navetd audit verify).",
             Double(gauges.brokenChains)),
            ("navet_read_log_restores", "Read logs found restored from a backup (a notice, not a break).",
             Double(gauges.restores)),
            ("navet_replicas_active", "Enrolled replicas that are not revoked.", Double(gauges.active)),
            ("navet_replicas_silent", "Active replicas without a successful sync for longer than --silent-after.",
             Double(gauges.silent)),
            ("navet_oldest_sync_age_seconds", "Seconds since the least recent successful sync of an active replica.",
             gauges.oldestSync.map { Double(now - $0) / 1000 } ?? 0),
        ]
    }

    func sync(_ request: HTTPRequest, fields: inout [String: Any]) -> HTTPResponse {
        let now = Format.now()
        let signature = RequestSignature { request.headers.only($0) }
        fields["replica"] = signature?.replica.description
        fields["bytes_in"] = request.body.count
        let clock = LockClock.start()
        defer {
            LockClock.stop()
            fields["lock_wait_ms"] = (clock.wait * 100_000).rounded() / 100
            for (phase, seconds) in clock.held { fields["held_\(phase)_ms"] = (seconds * 100_000).rounded() / 100 }
        }
        do throws(Refusal) {
            let nonceSeconds = try service.checkRequest(signature, method: "POST", path: "/v1/sync", body: request.body, now: now)
            let accepted = try service.accept(request.body, arrival: .http, expectedSigner: signature?.replica,
                                              client: request.headers["Navet-Client"], now: now)
            // Where the time went, in milliseconds (Tools/load `--region` sums these).
            func ms(_ seconds: Double) -> Double { (seconds * 100_000).rounded() / 100 }
            let timing = accepted.timing
            fields["nonce_ms"] = ms(nonceSeconds)
            fields["wait_ms"] = ms(timing.lockWait)
            fields["merge_ms"] = ms(timing.merge)
            fields["read_log_ms"] = ms(timing.readLog)
            fields["reply_ms"] = ms(timing.reply)
            fields["ledger_ms"] = ms(timing.ledger)
            fields["encode_ms"] = ms(timing.encode)
            fields["accept_ms"] = ms(timing.total)
            fields["applied"] = accepted.applied
            fields["sent"] = accepted.sent
            fields["more"] = accepted.more
            if accepted.readLogStored > 0 { fields["read_log_stored"] = accepted.readLogStored }
            for evidence in accepted.readLogEvidence {
                log.write(["event": evidence.alarm ? "read_log_break" : "read_log_restored", "replica": evidence.replica.description,
                           "seq": Int(clamping: evidence.seq), "reason": evidence.reason, "expected": evidence.expected])
            }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/vnd.navet.bundle"], body: accepted.reply)
        } catch {
            fields["refused"] = error.reason.rawValue
            // The operator's log says why the server failed; the replica gets the detail only.
            if error.reason == .serverError, let cause = error.cause { fields["cause"] = String(describing: cause) }
            return json(error.reason.httpStatus, ["reason": error.reason.rawValue, "message": error.detail])
        }
    }

    /// The methods of RFC 9110 §9 and PATCH (RFC 5789): a known method on a path that does
    /// not allow it is 405, any other method 501. Method names are case-sensitive.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

    func json(_ status: Int, _ object: [String: Any], allow: String? = nil) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let allow { headers.add("Allow", allow) }
        return HTTPResponse(status: status, headers: headers, body: Array(data))
    }
}
