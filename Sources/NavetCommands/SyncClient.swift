import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NavetCore
import NavetStore
import NavetSync
import NavetWire

/// POSTs bytes and waits for the answer. Blocking, for a command-line client.
struct HTTPTransport {
    struct Failure: Error {
        let message: String
    }

    let timeout: TimeInterval

    func post(_ url: URL, body: [UInt8], headers: [(String, String)]) throws(Failure) -> (status: Int, body: [UInt8]) {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/vnd.navet.bundle", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        final class Box: @unchecked Sendable {
            var result: Result<(Int, [UInt8]), Failure> = .failure(Failure(message: "no answer"))
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        let session = URLSession(configuration: configuration)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(Failure(message: error.localizedDescription))
            } else if let http = response as? HTTPURLResponse {
                box.result = .success((http.statusCode, Array(data ?? Data())))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        session.finishTasksAndInvalidate()
        return try box.result.get()
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
        if let text = arguments.value("--server") {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CLIError(.usage, context.t("error.badURL", text), helpHint: true)
            }
            server = url
        } else {
            server = nil
        }
        if let text = arguments.value("--timeout") {
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw CLIError(.usage, context.t("error.badTimeout", text), helpHint: true)
            }
            timeout = seconds
        } else {
            timeout = 60
        }
    }

    func run(_ context: Context) throws(CLIError) {
        let store = try context.openReplica()
        guard let enrollment = try context.store({ () throws(StoreError) in try store.enrollment() }) else {
            throw CLIError(.validation, context.t("error.notEnrolled"))
        }
        guard let base = server ?? URL(string: enrollment.url) else {
            throw CLIError(.validation, context.t("error.badURL", enrollment.url))
        }
        let endpoint = base.appendingPathComponent("v1").appendingPathComponent("sync")
        let transport = HTTPTransport(timeout: timeout)
        var sent = 0
        var received = 0
        var rounds = 0
        while true {
            rounds += 1
            let now = Format.now()
            let upload: (bytes: [UInt8], bundle: NavetWire.Bundle)
            do {
                upload = try Sync.upload(store, now: now)
            } catch {
                throw context.describe(error, file: endpoint.absoluteString)
            }
            let signature = RequestSignature.sign(method: "POST", path: "/v1/sync", body: upload.bytes,
                                                  replica: store.replicaID, secret: enrollment.secret, now: now)
            let response: (status: Int, body: [UInt8])
            do {
                response = try transport.post(endpoint, body: upload.bytes, headers: signature.headers)
            } catch {
                throw CLIError(.unreachable, context.t("error.unreachable", base.absoluteString, error.message))
            }
            guard response.status == 200 else {
                throw refusal(response, context: context, server: base.absoluteString)
            }
            let applied: (summary: ImportSummary, more: Bool)
            do {
                applied = try Sync.applyReply(response.body, to: store, now: Format.now())
            } catch {
                throw context.describe(error, file: endpoint.absoluteString)
            }
            if applied.summary.epochChanged { context.err(context.t("out.epochChanged")) }
            sent += upload.bundle.changes.count
            received += applied.summary.applied
            let pending = try context.store { () throws(StoreError) in try store.status() }.pending
            if rounds > 1 || applied.more || pending > 0 {
                context.err(context.t("out.syncProgress", String(rounds), String(sent), String(received)))
            }
            // Done when the server has nothing more and everything sent is acknowledged.
            let progressed = !upload.bundle.changes.isEmpty || applied.summary.applied > 0 || applied.more
            if (!applied.more && pending == 0) || !progressed { break }
        }
        try context.store { () throws(StoreError) in try store.noteSync(now: Format.now()) }
        let status = try context.store { () throws(StoreError) in try store.status() }
        if context.json {
            context.printJSON(["server": base.absoluteString, "sent": sent, "received": received, "rounds": rounds,
                               "pending": status.pending, "cursor": status.cursor, "conflicts": status.conflicts])
        } else {
            context.out(context.t("out.synced", String(sent), String(received), String(status.conflicts)))
        }
    }

    /// A 4xx answer is a refusal (exit 4); a 5xx or an unexpected answer means the server
    /// failed, so nothing was lost and the sync can be tried again (exit 6).
    func refusal(_ response: (status: Int, body: [UInt8]), context: Context, server: String) -> CLIError {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let reason = object?["reason"] as? String ?? "http_\(response.status)"
        if (400..<500).contains(response.status) {
            return CLIError(.refused, context.t("error.syncRefused", server, context.refusalText(reason)))
        }
        return CLIError(.unreachable, context.t("error.serverFailed", server, String(response.status)))
    }
}

extension Context {
    /// The words for a refusal reason code, in the user's language.
    func refusalText(_ reason: String) -> String {
        let key = "refusal." + reason
        return Strings.table[key] == nil ? reason : t(key)
    }
}
