import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `navetd serve` on a loopback port chosen by the kernel, for tests and tools.
/// Its address is read from the "listening" line it logs.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var address = ""
    public var url: String { "http://\(address)" }
    private let lock = NSLock()
    private var buffer = Data()

    /// Starts the server on `database` and waits (up to 20 s) until it listens.
    public init(database: String, workingDirectory: URL, arguments: [String] = []) throws {
        process.executableURL = CLIRunner.productsFolder.appendingPathComponent("navetd")
        process.arguments = ["--db", database, "serve", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = workingDirectory
        process.environment = ["LANG": "C.UTF-8"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            self.buffer.append(data)
            self.lock.unlock()
        }
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains("\"listening\"") }),
               let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let address = object["address"] as? String {
                self.address = address
                return
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        process.terminate()
        throw Failure(message: "navetd did not start: \(log)")
    }

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Everything the server logged so far.
    public var log: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// SIGTERM, then waits for a graceful exit; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the process dies wherever it is.
    public func crash() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
