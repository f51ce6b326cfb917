/// Path arithmetic on file names as the user typed them, without Foundation's
/// `NSString.deletingLastPathComponent`, which traps on a one-character path ("x", ".",
/// "é", "x/") in the Foundation this project builds with: a file name given on the command
/// line must never reach a trap.
public enum PathName {
    /// The folder `path` lies in, as POSIX `dirname` gives it: "." for a bare file name,
    /// "/" for a file at the root; trailing slashes are not a component ("a/b/" → "a").
    public static func folder(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        if end == 0 { return "/" }
        // Cut at an ASCII slash, so the prefix is whole UTF-8.
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
