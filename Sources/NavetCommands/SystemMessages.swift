import Foundation
import NavetHTTP
import NavetSQLite
import NavetStore
#if canImport(Glibc)
import Glibc
#endif

/// The system's and SQLite's failures in the user's language. The C library's own texts
/// (`strerror`, `sqlite3_errmsg`) are English only; the usual ones are translated here, and
/// any other falls back to the system's text with its number.
enum SystemMessages {
    /// The translation keys of the usual `errno` values.
    static let errnoKeys: [Int32: String] = [
        ENOENT: "errno.ENOENT", EACCES: "errno.EACCES", EPERM: "errno.EPERM", EISDIR: "errno.EISDIR",
        ENOTDIR: "errno.ENOTDIR", ENOSPC: "errno.ENOSPC", EDQUOT: "errno.EDQUOT", EROFS: "errno.EROFS",
        EEXIST: "errno.EEXIST", ECONNREFUSED: "errno.ECONNREFUSED", ETIMEDOUT: "errno.ETIMEDOUT",
        EHOSTUNREACH: "errno.EHOSTUNREACH", ENETUNREACH: "errno.ENETUNREACH", EBADF: "errno.EBADF", EIO: "errno.EIO",
        ECONNRESET: "errno.ECONNRESET", EPIPE: "errno.EPIPE", EADDRINUSE: "errno.EADDRINUSE",
        EADDRNOTAVAIL: "errno.EADDRNOTAVAIL", ENAMETOOLONG: "errno.ENAMETOOLONG", ELOOP: "errno.ELOOP",
        EFBIG: "errno.EFBIG", EMFILE: "errno.EMFILE", ENFILE: "errno.EMFILE", ENODEV: "errno.ENODEV",
        ENOTEMPTY: "errno.ENOTEMPTY", EXDEV: "errno.EXDEV", EBUSY: "errno.EBUSY",
    ]

    static let table: [String: (String, String)] = [
        "errno.ENOENT": ("no such file or folder", "filen eller mappen finns inte"),
        "errno.EACCES": ("permission denied: check the owner and permissions", "åtkomst nekad: kontrollera ägare och behörigheter"),
        "errno.EPERM": ("the operation is not permitted: check the owner and permissions",
                        "åtgärden är inte tillåten: kontrollera ägare och behörigheter"),
        "errno.EISDIR": ("it is a folder", "det är en mapp"),
        "errno.ENOTDIR": ("a part of the path is not a folder", "en del av sökvägen är ingen mapp"),
        "errno.ENOSPC": ("the disk is full", "disken är full"),
        "errno.EDQUOT": ("the disk quota is used up", "diskkvoten är slut"),
        "errno.EROFS": ("the disk is read-only", "disken är skrivskyddad"),
        "errno.EEXIST": ("it already exists", "den finns redan"),
        "errno.ECONNREFUSED": ("nothing answers at that address: is navetd running, and is the port right?",
                               "ingenting svarar på den adressen: körs navetd, och stämmer porten?"),
        "errno.ETIMEDOUT": ("the connection timed out", "anslutningen tog för lång tid"),
        "errno.EHOSTUNREACH": ("the computer cannot be reached", "datorn går inte att nå"),
        "errno.ENETUNREACH": ("the network cannot be reached: check the connection", "nätverket går inte att nå: kontrollera anslutningen"),
        "errno.EBADF": ("the file is not open (a closed output?)", "filen är inte öppen (en stängd utmatning?)"),
        "errno.EIO": ("a read or write error on the disk or device", "ett läs- eller skrivfel på disken eller enheten"),
        "errno.ECONNRESET": ("the connection was broken off", "anslutningen bröts"),
        "errno.EPIPE": ("the other end closed the connection", "andra sidan stängde anslutningen"),
        "errno.EADDRINUSE": ("the address is already in use (is another navetd running?)",
                             "adressen används redan (körs en annan navetd?)"),
        "errno.EADDRNOTAVAIL": ("this computer has no such address", "datorn har ingen sådan adress"),
        "errno.ENAMETOOLONG": ("the path is too long", "sökvägen är för lång"),
        "errno.ELOOP": ("the path has too many symbolic links", "sökvägen har för många symboliska länkar"),
        "errno.EFBIG": ("the file is too large", "filen är för stor"),
        "errno.EMFILE": ("too many files are open", "för många filer är öppna"),
        "errno.ENODEV": ("it is not a regular file (a device, pipe or socket)", "det är ingen vanlig fil (utan en enhet, rörledning eller sockel)"),
        "errno.ENOTEMPTY": ("the folder is not empty", "mappen är inte tom"),
        "errno.EXDEV": ("it is on another disk", "den ligger på en annan disk"),
        "errno.EBUSY": ("it is in use", "den används"),
        "listen.badAddress": ("write it as HOST:PORT, for example 127.0.0.1:8080 or [::1]:8080",
                              "skriv den som VÄRD:PORT, till exempel 127.0.0.1:8080 eller [::1]:8080"),
        "listen.ipv6WithoutBrackets": ("write an IPv6 address in brackets, as [::1]:8080",
                                       "skriv en IPv6-adress inom hakparentes, som [::1]:8080"),
        "listen.badPort": ("the port must be a number from 0 to 65535", "porten måste vara ett tal från 0 till 65535"),
        "listen.badHost": ("the host must be an IP address such as 127.0.0.1 or ::1, or localhost",
                           "värden måste vara en IP-adress som 127.0.0.1 eller ::1, eller localhost"),
        "net.unknownHost": ("the name {0} is not known: check the address and the network",
                            "namnet {0} är okänt: kontrollera adressen och nätverket"),
        "net.other": ("{0}", "{0}"),
        "net.notHTTP": ("the answer is not HTTP: check the address and the port", "svaret är inte HTTP: kontrollera adressen och porten"),
        "net.closedEarly": ("the connection closed before the answer was complete", "anslutningen stängdes innan hela svaret hade kommit"),
        "net.malformed": ("the answer is damaged (not valid HTTP)", "svaret är skadat (ingen giltig HTTP)"),
        "net.tooLarge": ("the answer is larger than Navet accepts", "svaret är större än Navet tar emot"),
        "net.tls": ("no secure (TLS) connection could be made: check whether the address should start with http:// or https://, and the server's certificate",
                    "ingen säker anslutning (TLS) kunde göras: kontrollera om adressen ska börja med http:// eller https://, och serverns certifikat"),
        "error.stdinTooLarge": ("it is larger than 1 MiB", "den är större än 1 MiB"),
        "errno.other": ("{0} (system error {1})", "{0} (systemfel {1})"),
        "sqlite.cantOpen": ("the file cannot be opened: check that the folder exists and may be written",
                            "filen går inte att öppna: kontrollera att mappen finns och att det går att skriva i den"),
        "sqlite.noFolder": ("the folder {0} does not exist", "mappen {0} finns inte"),
        "sqlite.cantOpenFolder": ("it is a folder, not a database file", "det är en mapp, inte en databasfil"),
        "sqlite.readOnly": ("the file is read-only: check the owner and permissions of the file and its folder",
                            "filen är skrivskyddad: kontrollera ägare och behörigheter för filen och mappen"),
        "sqlite.busy": ("another program holds it locked; try again when it has finished",
                        "ett annat program har låst den; försök igen när det är klart"),
        "sqlite.corrupt": ("the file is damaged; restore it from a backup or ask the support office",
                           "filen är skadad; återställ den från en säkerhetskopia eller kontakta stödkontoret"),
        "sqlite.ioError": ("a read or write error on the disk", "ett läs- eller skrivfel på disken"),
        "sqlite.other": ("{0} (SQLite error {1})", "{0} (SQLite-fel {1})"),
    ]
}

extension Context {
    /// The failure `code` (an `errno`) in this language: the usual ones translated, any
    /// other as the system's text with its number.
    func systemError(_ code: Int32) -> String {
        if let key = SystemMessages.errnoKeys[code] { return t(key) }
        return t("errno.other", String(cString: strerror(code)), String(code))
    }

    /// The HTTP client's own failure text (English, fixed set) in this language; an
    /// unknown text is shown as it is.
    func networkFailure(_ message: String) -> String {
        let known = ["the answer is not HTTP": "net.notHTTP",
                     "the connection closed before the answer was complete": "net.closedEarly",
                     "a malformed header in the answer": "net.malformed", "a malformed Content-Length in the answer": "net.malformed",
                     "a malformed chunk in the answer": "net.malformed"]
        if let key = known[message] { return t(key) }
        if message.hasPrefix("the response is larger than") { return t("net.tooLarge") }
        if message.hasPrefix("TLS: ") { return t("net.tls") }
        return t("net.other", message)
    }

    /// Why `navetd serve --listen` (or the demo's server) could not use an address.
    func describeListen(_ error: HTTPServerError) -> String {
        switch error.kind {
        case .badAddress: return t("listen.badAddress")
        case .ipv6WithoutBrackets: return t("listen.ipv6WithoutBrackets")
        case .badPort: return t("listen.badPort")
        case .badHost: return t("listen.badHost")
        case .system: return error.errno.map(systemError) ?? error.message
        }
    }

    /// SQLite's failure in this language; `path` is the database file it was about.
    func sqliteError(_ error: SQLiteError, path: String) -> String {
        switch error.primaryCode {
        case 14:  // SQLITE_CANTOPEN
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                return t("sqlite.cantOpenFolder")
            }
            let folder = PathName.folder(of: path)
            if !FileManager.default.fileExists(atPath: folder) { return t("sqlite.noFolder", Format.line(folder)) }
            return t("sqlite.cantOpen")
        case 8, 3, 23:  // SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH
            return t("sqlite.readOnly")
        case 5, 6:  // SQLITE_BUSY, SQLITE_LOCKED
            return t("sqlite.busy")
        case 11, 26:  // SQLITE_CORRUPT, SQLITE_NOTADB
            return t("sqlite.corrupt")
        case 10:  // SQLITE_IOERR
            return t("sqlite.ioError")
        case 13:  // SQLITE_FULL
            return systemError(ENOSPC)
        default: return t("sqlite.other", error.message, String(error.code))
        }
    }
}
