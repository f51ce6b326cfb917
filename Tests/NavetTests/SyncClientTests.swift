import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import NavetCommands
import NavetSync
import NavetTestSupport
import Testing

/// A loopback server that accepts connections, reads the request and then answers one byte
/// every `interval` seconds, forever, until stopped.
final class TrickleServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false

    init(interval: Double = 0.5) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let listener = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                Thread.detachNewThread { [self] in
                    var buffer = [UInt8](repeating: 0, count: 65536)
                    _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress!, $0.count, 0) }
                    let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".utf8)
                    var index = 0
                    while !isStopped {
                        var byte = index < head.count ? head[index] : UInt8(ascii: "x")
                        index += 1
                        if send(client, &byte, 1, Int32(MSG_NOSIGNAL)) != 1 { break }
                        usleep(UInt32(interval * 1_000_000))
                    }
                    close(client)
                }
            }
        }
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

@Suite struct SyncClientTests {
    let folder = TemporaryDirectory(prefix: "navet-syncclient")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// Runs the real `navet` with a guard: a run still going after 60 s is killed and fails.
    func navetGuarded(_ arguments: [String], language: String = "C.UTF-8") throws -> (code: Int32, err: String, ended: Bool) {
        let process = Process()
        process.executableURL = CLIRunner.productsFolder.appendingPathComponent("navet")
        process.arguments = arguments
        process.environment = ["LANG": language]
        process.currentDirectoryURL = folder.url
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        let finished = ended.wait(timeout: .now() + 60) == .success
        if !finished { process.terminate(); process.waitUntilExit() }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text, finished)
    }

    func enroll(_ name: String, url: String, organisation: String = "Socialtjänsten Umeå") throws {
        _ = try cli.navetd("--db", "central.db", "init")  // the central store is created explicitly
        let orgs = try cli.navetd("--db", "central.db", "org", "list").out
        if !orgs.contains(organisation) {
            #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", organisation,
                                   "--kind", "social_services", "--municipality", "Umeå").code == 0)
        }
        let enrolled = try cli.navetd("--db", "central.db", "replica", "enroll", "--org", organisation,
                                      "--out", "\(name).enroll", "--url", url)
        #expect(enrolled.code == 0, "\(enrolled.err)")
        #expect(try cli.navet("--db", "\(name).db", "init", "--enroll", "\(name).enroll").code == 0)
    }

    /// Item 18: a server that trickles one byte every 0.5 s forever. `--timeout` is one limit
    /// for the whole sync: the command ends (exit 6, a message naming the limit), loses
    /// nothing, in both languages.
    @Test func aTricklingServerCannotStretchTheTimeout() throws {
        let server = try TrickleServer(interval: 0.5)
        defer { server.stop() }
        try enroll("a", url: "http://127.0.0.1:\(server.port)")
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Sara").code == 0)

        let english = try navetGuarded(["--db", "a.db", "sync", "--timeout", "1"])
        #expect(english.ended, "navet sync still waited after 60 s")
        #expect(english.code == 6, "\(english.err)")
        #expect(english.err.contains("did not finish within the limit of 1 seconds (--timeout)"), "\(english.err)")
        #expect(english.err.contains("Nothing was lost"))

        let swedish = try navetGuarded(["--db", "a.db", "sync", "--timeout", "2"], language: "sv_SE.UTF-8")
        #expect(swedish.ended)
        #expect(swedish.code == 6, "\(swedish.err)")
        #expect(swedish.err.contains("inom gränsen på 2 sekunder (--timeout)"), "\(swedish.err)")

        let status = try JSONSerialization.jsonObject(with: Data(try cli.navet("--db", "a.db", "--json", "status").out.utf8))
            as? [String: Any]
        #expect(status?["pending"] as? Int == 1)
    }

    /// Item 17: right after a complete sync, `replica list` shows lag 0 for both replicas,
    /// though each received the other's changes in its last reply.
    @Test func lagIsZeroAfterACompleteSync() throws {
        try enroll("a", url: "http://127.0.0.1:9")
        try enroll("b", url: "http://127.0.0.1:9")
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        for name in ["Sara", "Omar", "Lina"] {
            #expect(try cli.navet("--db", "a.db", "child", "add", "--name", name).code == 0)
        }
        #expect(try cli.navet("--db", "b.db", "child", "add", "--name", "Amir").code == 0)
        for replica in ["a.db", "b.db", "a.db"] {
            let synced = try cli.navet("--db", replica, "sync", "--server", server.url)
            #expect(synced.code == 0, "\(synced.err)")
        }
        let listed = try cli.navetd("--db", "central.db", "--json", "replica", "list")
        let records = try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]] ?? []
        #expect(records.count == 2)
        for record in records {
            #expect(record["lag"] as? Int == 0, "\(record)")
        }
        // A change made after the sync is lag for the other replica only.
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Nour").code == 0)
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        let after = try JSONSerialization.jsonObject(
            with: Data(try cli.navetd("--db", "central.db", "--json", "replica", "list").out.utf8)) as? [[String: Any]] ?? []
        let lags = after.map { $0["lag"] as? Int ?? -1 }.sorted()
        #expect(lags.count == 2 && lags[0] == 0 && lags[1] > 0, "\(after)")
    }

    /// Item 8: refusals through a real server name their own cause (revoked, unknown).
    @Test func refusalsFromARealServerNameTheirCause() throws {
        try enroll("a", url: "http://127.0.0.1:9")
        let server = try ServerProcess(database: "central.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        // A replica enrolled at another central store is unknown here.
        let other = TemporaryDirectory(prefix: "navet-other")
        let otherCLI = CLIRunner(workingDirectory: other.url)
        _ = try otherCLI.navetd("--db", "central.db", "init")  // the central store is created explicitly
        #expect(try otherCLI.navetd("--db", "central.db", "org", "add", "--name", "Skola", "--kind", "school",
                                    "--municipality", "Umeå").code == 0)
        #expect(try otherCLI.navetd("--db", "central.db", "replica", "enroll", "--org", "Skola", "--out", "x.enroll",
                                    "--url", "http://127.0.0.1:9").code == 0)
        #expect(try otherCLI.navet("--db", "x.db", "init", "--enroll", "x.enroll").code == 0)
        let unknown = try otherCLI.navet("--db", "x.db", "sync", "--server", server.url)
        #expect(unknown.code != 0)
        #expect(unknown.err.contains("is not enrolled at this central store"), "\(unknown.err)")

        let replica = try cli.navet("--db", "a.db", "--json", "status").out
        let id = (try JSONSerialization.jsonObject(with: Data(replica.utf8)) as? [String: Any])?["replica"] as? String ?? ""
        #expect(try cli.navetd("--db", "central.db", "replica", "revoke", id).code == 0)
        let revoked = try cli.navet("--db", "a.db", "--lang", "sv", "sync", "--server", server.url)
        #expect(revoked.code != 0)
        #expect(revoked.err.contains("är spärrad; kontakta stödkontoret"), "\(revoked.err)")
        // Its signed request is counted where the operator looks: it keeps trying.
        let list = try JSONSerialization.jsonObject(
            with: Data(try cli.navetd("--db", "central.db", "--json", "replica", "list").out.utf8)) as? [[String: Any]]
        let record = list?.first { $0["replica"] as? String == id }
        #expect(record?["pending_refusals"] as? Int == 1 && record?["last_refusal"] as? String == "revoked_replica",
                "\(String(describing: record))")
    }

    /// Item 8: every reason code the server can send has its own words in both languages;
    /// a code from a newer server is shown as unknown, with the code, never as another cause.
    @Test func everyRefusalReasonHasItsOwnWords() {
        for language in [Language.english, .swedish] {
            let strings = Strings(language)
            var seen: Set<String> = []
            for reason in RefusalReason.allCases {
                let text = SyncStrings.refusalText(reason.rawValue, strings)
                #expect(SyncStrings.refusals[reason.rawValue] != nil, "no words for \(reason.rawValue)")
                #expect(!text.contains(reason.rawValue), "\(reason.rawValue) shown as a code: \(text)")
                #expect(seen.insert(text).inserted, "two reasons share the words \(text)")
            }
            let unknown = SyncStrings.refusalText("quota_exceeded", strings)
            #expect(unknown.contains("'quota_exceeded'"))
            #expect(!RefusalReason.allCases.contains { SyncStrings.refusalText($0.rawValue, strings) == unknown })
            #expect(SyncStrings.refusalText("http_404", strings).contains("HTTP 404"))
            // A hostile code cannot put control characters on the terminal.
            let hostile = SyncStrings.refusalText("x\u{1b}[2Jy", strings)
            #expect(!hostile.unicodeScalars.contains { $0.value == 0x1b })
        }
        // Sequence reuse has its own reason, not folded into a schema break.
        #expect(SyncStrings.refusalText("sequence_reused", Strings(.english)).contains("reuses a sequence number"))
        #expect(!SyncStrings.refusalText("invalid_change", Strings(.english)).contains("sequence number"))
    }

    /// The socket client's response parser, on bytes.
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", false, 200, "abc"),
        ("HTTP/1.1 422 Unprocessable\r\ncontent-length: 2\r\n\r\n{}", false, 422, "{}"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", false, 200, "abcde"),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close", true, 200, "until close"),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", false, 200, "z"),
    ])
    func responsesParse(_ text: String, _ complete: Bool, _ status: Int, _ body: String) throws {
        let parsed = try ResponseParser.parse(Array(text.utf8), complete: complete)
        #expect(parsed?.status == status)
        #expect(parsed.map { String(decoding: $0.body, as: UTF8.self) } == body)
    }

    @Test func incompleteAndMalformedResponses() throws {
        #expect(try ResponseParser.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab".utf8), complete: false) == nil)
        #expect(try ResponseParser.parse(Array("HTTP/1.1 200 OK\r\nContent-Le".utf8), complete: false) == nil)
        #expect(try ResponseParser.parse(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nab".utf8), complete: false) == nil)
        for bad in ["SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"] {
            #expect(throws: HTTPTransport.Failure.self) { try ResponseParser.parse(Array(bad.utf8), complete: true) }
        }
        // Cut short: the connection ended before the declared length.
        #expect(throws: HTTPTransport.Failure.self) {
            try ResponseParser.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab".utf8), complete: true)
        }
        // The server went away before or while sending its head (killed, stopped): said as
        // such, not as an address that does not speak HTTP.
        for cut in ["", "HT", "HTTP/1.", "HTTP/1.1 200 OK\r\nContent-Le"] {
            do {
                _ = try ResponseParser.parse(Array(cut.utf8), complete: true)
                Issue.record("'\(cut)' parsed")
            } catch {
                #expect(error.message == "the connection closed before the answer was complete", "'\(cut)'")
            }
        }
        do {
            _ = try ResponseParser.parse(Array("SSH-2.0-OpenSSH_9.2".utf8), complete: true)
            Issue.record("SSH parsed")
        } catch {
            #expect(error.message == "the answer is not HTTP")
        }
    }
}
