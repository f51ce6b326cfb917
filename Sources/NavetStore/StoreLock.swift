import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock` on the central store file, so that `navetd restore` cannot replace
/// a store that `navetd serve` is serving (the server would go on writing into the
/// deleted file). `serve` holds a shared lock for its lifetime; `restore` needs the
/// exclusive lock and does not wait for it.
///
/// `flock` locks are independent of the POSIX (`fcntl`) locks SQLite uses on Linux, so
/// other commands (org add, replica enroll, backup, replica list) work while `serve` runs.
/// The lock belongs to the open file description: it ends when the descriptor is closed
/// or the process ends, however it ends.
///
/// A replica file gets the exclusive lock for a `navet sync`, `export` or `import`
/// (`Context.lockForSync`): two of them at once would answer each other's uploads with
/// stale replies (Protocol/BUNDLE.md, "Which reply a replica applies").
public final class StoreLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    public enum Outcome {
        case locked(StoreLock)
        /// Another process holds a conflicting lock.
        case busy
        /// The file could not be opened or locked (errno); ENOENT when it does not exist.
        case failed(Int32)
    }

    /// Tries once, without waiting, to lock `path`: shared (`exclusive` false) or exclusive.
    public static func acquire(_ path: String, exclusive: Bool) -> Outcome {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failed(errno) }
        while flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            return code == EWOULDBLOCK ? .busy : .failed(code)
        }
        return .locked(StoreLock(descriptor: descriptor))
    }

    deinit { close(descriptor) }
}
