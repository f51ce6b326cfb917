import Foundation

/// Runs the real `navet` and `navetd` binaries, built by `swift build` next to the test
/// bundle, and captures what they print.
public struct CLIRunner: Sendable {
    public struct Result: Sendable {
        public let code: Int32
        public let out: String
        public let err: String
    }

    /// The folder holding the built products.
    public static let productsFolder: URL = {
        var candidates: [URL] = []
        if let folder = ProcessInfo.processInfo.environment["NAVET_BIN_DIR"] {
            candidates.append(URL(fileURLWithPath: folder))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent())
            candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent())
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        // Both binaries, from the same build: a release tool must not pick a debug server.
        for folder in candidates where ["navet", "navetd"].allSatisfy({
            FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent($0).path)
        }) {
            return folder
        }
        fatalError("navet binary not found near \(candidates.map(\.path)); run 'swift build' first or set NAVET_BIN_DIR")
    }()

    public let workingDirectory: URL
    public var environment: [String: String]

    public init(workingDirectory: URL, environment: [String: String] = ["LANG": "C.UTF-8"]) {
        self.workingDirectory = workingDirectory
        self.environment = environment
    }

    public func navet(_ arguments: String..., stdin: String? = nil) throws -> Result {
        try run("navet", arguments, stdin: stdin)
    }

    public func navetd(_ arguments: String...) throws -> Result {
        try run("navetd", arguments)
    }

    /// Runs `program`; `stdin`, when given, is written to its standard input (otherwise
    /// standard input is empty).
    public func run(_ program: String, _ arguments: [String], stdin: String? = nil) throws -> Result {
        try launch(Self.productsFolder.appendingPathComponent(program), arguments, environment: environment, stdin: stdin)
    }

    /// Runs `script` with /bin/sh in the working folder, `$NAVET` and `$NAVETD` naming the
    /// binaries: for bytes a Swift String cannot carry (invalid UTF-8 in arguments or
    /// standard input) and for redirections (`> /dev/full`, a closed descriptor).
    public func shell(_ script: String) throws -> Result {
        var shellEnvironment = environment
        shellEnvironment["NAVET"] = Self.productsFolder.appendingPathComponent("navet").path
        shellEnvironment["NAVETD"] = Self.productsFolder.appendingPathComponent("navetd").path
        return try launch(URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: shellEnvironment, stdin: nil)
    }

    private func launch(_ executable: URL, _ arguments: [String], environment: [String: String],
                        stdin: String?) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = workingDirectory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            // Small texts only: fits in the pipe's buffer, so this cannot block.
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        }
        // Read both pipes before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(code: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self))
    }
}
