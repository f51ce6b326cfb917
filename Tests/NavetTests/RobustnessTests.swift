import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NavetTestSupport
import Testing

/// The programs under hostile surroundings, through the real binaries: output that cannot
/// be written, a server whose log reader went away.
@Suite struct RobustnessTests {
    let folder = TemporaryDirectory(prefix: "navet-robust")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    /// Runs a shell script in the work folder with $NAVET and $NAVETD naming the binaries.
    func shell(_ script: String) throws -> CLIRunner.Result { try cli.shell(script) }

    // MARK: Output that cannot be written

    @Test func fullStandardOutputIsExitFiveAndTheChangeIsReported() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        let added = try shell(#""$NAVET" --db a.db child add --name FullTest --birth-date 2011-01-01 > /dev/full"#)
        #expect(added.code == 5)
        #expect(!added.err.contains("Fatal error"))
        #expect(added.err.contains("Could not write to standard output"))
        #expect(added.err.contains("the change was made"))
        #expect(added.err.split(separator: "\n").count == 1)
        // The change was made, as the message says.
        #expect(try cli.navet("--db", "a.db", "child", "list").out.contains("FullTest"))

        for script in [#""$NAVET" --db a.db child list > /dev/full"#,
                       #""$NAVET" --db a.db --json child list > /dev/full"#,
                       #""$NAVET" --db a.db child list >&-"#,
                       #""$NAVETD" --db c.db init > /dev/full"#,
                       #""$NAVETD" --db c.db org list > /dev/full"#] {
            let result = try shell(script)
            #expect(result.code == 5, "\(script): \(result.err)")
            #expect(!result.err.contains("Fatal error"), "\(script)")
        }
        let json = try shell(#""$NAVET" --db a.db --json child list > /dev/full"#)
        let object = try JSONSerialization.jsonObject(with: Data(json.err.utf8)) as? [String: Any]
        #expect(object?["exit_code"] as? Int == 5, "\(json.err)")
        let swedish = try shell(#""$NAVET" --lang sv --db a.db child list > /dev/full"#)
        #expect(swedish.code == 5)
        #expect(swedish.err.contains("Kunde inte skriva till standardutmatningen"))
    }

    @Test func failedErrorOutputKeepsTheCommandsOwnExitCode() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        // Nothing can be reported at all, but the exit code still says what happened.
        for script in [#""$NAVET" --db a.db child show zz 2> /dev/full"#,
                       #""$NAVET" --db a.db --json child show zz 2> /dev/full"#,
                       #""$NAVET" --db a.db child show zz >&- 2>&-"#] {
            let result = try shell(script)
            #expect(result.code == 3, "\(script): \(result.err)")
        }
        let both = try shell(#""$NAVET" --db a.db child list > /dev/full 2> /dev/full"#)
        #expect(both.code == 5)
    }

    /// The server's log reader goes away after the first line; later log lines fail with
    /// EPIPE, and the server keeps answering.
    @Test func serverKeepsServingWhenItsLogCannotBeWritten() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        let starter = Process()
        starter.executableURL = URL(fileURLWithPath: "/bin/sh")
        starter.arguments = ["-c", #"sh -c 'echo $$ > pid; exec "$NAVETD" --db c.db serve --listen 127.0.0.1:0 2>&1 > /dev/null' | head -n 1 > first.log"#]
        starter.currentDirectoryURL = folder.url
        starter.environment = ["LANG": "C.UTF-8", "NAVETD": CLIRunner.productsFolder.appendingPathComponent("navetd").path]
        starter.standardOutput = FileHandle.nullDevice
        starter.standardError = FileHandle.nullDevice
        try starter.run()
        var address: String?
        for _ in 0..<1000 where address == nil {
            if let text = try? String(contentsOfFile: folder.path("first.log"), encoding: .utf8), text.hasSuffix("\n"),
               let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                address = object["address"] as? String
            }
            usleep(20_000)
        }
        let pid = Int32((try? String(contentsOfFile: folder.path("pid"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        defer {
            if pid > 0 { kill(pid, SIGKILL) }
            starter.waitUntilExit()
        }
        let url = try #require(address.map { "http://\($0)/v1/health" })
        for _ in 0..<5 {
            #expect(try TestHTTP.request("GET", url).status == 200)
        }
        #expect(pid > 0 && kill(pid, 0) == 0)
    }

    // MARK: Numbers in options

    /// Every numeric option of both programs takes plain decimal digits within its range
    /// and nothing else; each refusal is a usage error (exit 2) that changed nothing.
    @Test func everyNumericOptionTakesOnlyPlainDigits() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        let bad = ["1.5", "1e3", "0x10", "-1", "+5", " 5", "9223372036854775808", "1_000", ""]
        var runs: [(String, [String], String)] = []
        for value in bad {
            runs.append(("navet", ["--db", "a.db", "sync", "--timeout", value], value))
            runs.append(("navet", ["--db", "a.db", "conflicts", "resolve", "x", "name", "--choose", value], value))
            for option in ["--max-body", "--max-header", "--head-timeout", "--request-timeout", "--max-connections", "--clock-window"] {
                runs.append(("navetd", ["--db", "c.db", "serve", "--listen", "127.0.0.1:0", option, value], value))
            }
            runs.append(("navetd", ["--db", "c.db", "serve", "--listen", "127.0.0.1:0", "--silent-after", value + "d"], value))
            runs.append(("navetd", ["--db", "c.db", "replica", "list", "--silent", value + "h"], value))
            runs.append(("navetd", ["--db", "c.db", "serve", "--listen", "127.0.0.1:" + value], value))
        }
        for port in ["99999", "0", "65536", "0x50", "-1", "1e3", ""] {
            runs.append(("navet", ["--db", "a.db", "sync", "--server", "http://127.0.0.1:\(port)"], port))
            runs.append(("navetd", ["--db", "c.db", "replica", "enroll", "--org", "X", "--out", "x.enroll",
                                    "--url", "http://127.0.0.1:\(port)/"], port))
        }
        for (program, arguments, value) in runs {
            let result = try cli.run(program, arguments)
            #expect(result.code == 2, "\(program) \(arguments) accepted '\(value)': \(result.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.enroll")))
        let timeout = try cli.navet("--db", "a.db", "--lang", "sv", "sync", "--timeout", "1e3")
        #expect(timeout.err.contains("--timeout behöver ett helt antal sekunder från 1 till 3600, inte '1e3'"), "\(timeout.err)")
        let port = try cli.navet("--db", "a.db", "sync", "--server", "http://127.0.0.1:99999")
        #expect(port.err.contains("with a port, if any, from 1 to 65535"), "\(port.err)")
        // Plain values at the bounds are still taken (the sync then fails: not enrolled).
        #expect(try cli.navet("--db", "a.db", "sync", "--timeout", "3600", "--server", "http://127.0.0.1:65535").code != 2)
        #expect(try cli.navetd("--db", "c.db", "replica", "list", "--silent", "99999d").code == 0)
    }

    // MARK: A command's output is never its own input

    @Test func aReplyNeverOverwritesTheUploadItReads() throws {
        #expect(try cli.navetd("--db", "central.db", "init").code == 0)
        #expect(try cli.navetd("--db", "central.db", "org", "add", "--name", "HVB Norr", "--kind", "residential_home",
                               "--municipality", "Luleå").code == 0)
        #expect(try cli.navetd("--db", "central.db", "replica", "enroll", "--org", "HVB Norr", "--out", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "child", "add", "--name", "Elias").code == 0)
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.navet"), withDestinationPath: "up.navet")
        try FileManager.default.linkItem(atPath: folder.path("up.navet"), toPath: folder.path("hard.navet"))
        let upload = FileManager.default.contents(atPath: folder.path("up.navet"))
        let central = try SQLite3Tool.run(folder.path("central.db"), ".dump")
        for target in ["up.navet", "./up.navet", "link.navet", "hard.navet", folder.path("up.navet")] {
            for force in [false, true] {
                let result = try cli.run("navetd", ["--db", "central.db", "import", "up.navet", "--reply", target]
                                                   + (force ? ["--force"] : []))
                #expect(result.code == 5, "\(target): \(result.err)")
                #expect(result.err.contains("is the file up.navet this command reads"), "\(result.err)")
            }
        }
        #expect(FileManager.default.contents(atPath: folder.path("up.navet")) == upload)
        #expect(try SQLite3Tool.run(folder.path("central.db"), ".dump") == central)
        let swedish = try cli.navetd("--lang", "sv", "--db", "central.db", "import", "up.navet", "--reply", "up.navet", "--force")
        #expect(swedish.err.contains("som kommandot läser"), "\(swedish.err)")
        // A different reply file is still written.
        #expect(try cli.navetd("--db", "central.db", "import", "up.navet", "--reply", "reply.navet").code == 0)

        // Restoring the store from itself is refused too, and changes nothing.
        #expect(try cli.navetd("--db", "central.db", "backup", "b1.db").code == 0)
        let before = try SQLite3Tool.run(folder.path("central.db"), ".dump")
        let restored = try cli.navetd("--db", "central.db", "restore", "./central.db")
        #expect(restored.code == 5, "\(restored.err)")
        #expect(try SQLite3Tool.run(folder.path("central.db"), ".dump") == before)
    }

    // MARK: restore while serve runs

    /// `navetd restore` refuses while `navetd serve` serves the same store (exit 5, "stop
    /// navetd first", nothing changed); the other commands still work meanwhile; after the
    /// server stops, the restore goes through.
    @Test func restoreRefusesWhileTheStoreIsServed() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        #expect(try cli.navetd("--db", "c.db", "backup", "b1.db").code == 0)
        let server = try ServerProcess(database: "c.db", workingDirectory: folder.url)
        let refused = try cli.navetd("--db", "c.db", "restore", "b1.db")
        #expect(refused.code == 5, "\(refused.err)")
        #expect(refused.err.contains("Stop navetd first"), "\(refused.err)")
        let swedish = try cli.navetd("--lang", "sv", "--db", "c.db", "restore", "b1.db")
        #expect(swedish.err.contains("Stoppa navetd först"), "\(swedish.err)")
        #expect(try cli.navetd("--db", "c.db", "org", "add", "--name", "HVB Norr", "--kind", "residential_home",
                               "--municipality", "Luleå").code == 0)
        #expect(try cli.navetd("--db", "c.db", "replica", "enroll", "--org", "HVB Norr", "--out", "a.enroll").code == 0)
        #expect(try cli.navetd("--db", "c.db", "replica", "list").code == 0)
        #expect(try cli.navetd("--db", "c.db", "backup", "b2.db").code == 0)
        // The server still serves the store it opened, with what was added meanwhile.
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        #expect(try cli.navet("--db", "a.db", "sync", "--server", server.url).code == 0)
        #expect(server.stop() == 0)
        #expect(try cli.navetd("--db", "c.db", "restore", "b1.db").code == 0)
    }

    // MARK: navet demo leaves nothing behind

    /// Without --keep the demo's temporary folder (enrollment files hold secrets) is removed
    /// every time: after a normal run, and when the demo is stopped with SIGTERM or SIGINT.
    @Test func demoAlwaysRemovesItsTemporaryFolder() throws {
        let temporary = folder.path("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        var runner = cli
        runner.environment["TMPDIR"] = temporary
        for _ in 0..<4 {
            // Every write in the demo is one the default policy allows: no refusal (exit 7),
            // no error, no warning.
            let demo = try runner.navet("demo")
            #expect(demo.code == 0 && demo.err.isEmpty, "\(demo.err)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
        }
        for number in [SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = CLIRunner.productsFolder.appendingPathComponent("navet")
            process.arguments = ["demo"]
            process.environment = runner.environment
            process.currentDirectoryURL = folder.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<2000 where (try? FileManager.default.contentsOfDirectory(atPath: temporary))?.isEmpty ?? true {
                usleep(1_000)
            }
            kill(process.processIdentifier, number)
            process.waitUntilExit()
            // Either the signal arrived (128 + number) or the demo had already finished.
            #expect(process.terminationStatus == 0 || process.terminationStatus == 128 + number,
                    "exit status \(process.terminationStatus)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
        }
    }

    // MARK: Slow clients

    /// Opens a loopback TCP connection to `address` ("127.0.0.1:PORT") and sends `text`.
    func connect(_ address: String, sending text: String) throws -> Int32 {
        let port = try #require(UInt16(address.split(separator: ":").last ?? ""))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_port = port.bigEndian
        peer.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        _ = Array(text.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return fd
    }

    /// Everything the server sends on `fd` until it closes the connection.
    func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Connections that send only part of a request's head take every slot; they are cut
    /// off with 408 after --head-timeout (though --request-timeout is long), and a normal
    /// client is served again.
    @Test func slowHeadsAreCutOffAndTheServerServesAgain() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        let server = try ServerProcess(database: "c.db", workingDirectory: folder.url,
                                       arguments: ["--head-timeout", "1", "--request-timeout", "3600", "--max-connections", "2"])
        defer { server.stop() }
        let slow = try [connect(server.address, sending: "GET /v1/he"), connect(server.address, sending: "GET /v1/he")]
        for fd in slow {
            #expect(readAll(fd).hasPrefix("HTTP/1.1 408"))
            close(fd)
        }
        // The server frees a slot when its connection thread ends, just after the close.
        var status = 0
        for _ in 0..<100 where status != 200 {
            status = try TestHTTP.request("GET", server.url + "/v1/health").status
            if status != 200 { usleep(20_000) }
        }
        #expect(status == 200)
        // A head that is complete in time gives its body the longer --request-timeout:
        // a slow body is not cut off at the head's limit.
        let body = try connect(server.address, sending: "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab")
        defer { close(body) }
        usleep(1_500_000)
        _ = Array("cde".utf8).withUnsafeBytes { send(body, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(body, Int32(SHUT_WR))
        let answer = readAll(body)
        #expect(!answer.hasPrefix("HTTP/1.1 408") && answer.hasPrefix("HTTP/1.1 "), "\(answer.prefix(80))")
    }
}

/// Outputs that are not regular files (a device like /dev/null, a pipe, a socket) are
/// never replaced, not even with --force: renaming over /dev/null as root would remove it
/// for the whole machine. A FIFO in the test folder stands in for the device.
@Suite struct SpecialFileTests {
    let folder = TemporaryDirectory(prefix: "navet-special")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    @Test func aFileThatIsNotRegularIsNeverReplaced() throws {
        #expect(try cli.navet("--db", "a.db", "init").code == 0)
        #expect(mkfifo(folder.path("pipe"), 0o600) == 0)
        for arguments in [["export", "pipe"], ["export", "--force", "pipe"]] {
            let result = try cli.run("navet", ["--db", "a.db"] + arguments)
            #expect(result.code == 5 && result.err.contains("not a regular file"), "\(arguments): \(result.err)")
            var info = stat()
            #expect(lstat(folder.path("pipe"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "\(arguments)")
        }
        let swedish = try cli.run("navet", ["--lang", "sv", "--db", "a.db", "export", "--force", "pipe"])
        #expect(swedish.code == 5 && swedish.err.contains("ingen vanlig fil"), "\(swedish.err)")
    }
}
