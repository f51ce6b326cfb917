import Foundation

/// The standard `sqlite3` command-line tool, used by tests as an independent reader of
/// the files Navet writes.
public enum SQLite3Tool {
    /// Runs `sqlite3 PATH ARGUMENTS...` and returns its standard output, trimmed.
    public static func run(_ path: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
