/// The exit codes of `navet` and `navetd`. Stable: scripts depend on them.
public enum ExitCode: Int32, Sendable, CaseIterable {
    case ok = 0
    /// Wrong arguments: unknown command or option, missing or extra values.
    case usage = 2
    /// A value that breaks the rules: bad date, unknown field, unknown child id, no conflict.
    case validation = 3
    /// Refused input: a bundle or file that is corrupt, of the wrong version or schema,
    /// not addressed to this replica, or otherwise rejected as a whole.
    case refused = 4
    /// Reading or writing failed: missing database, unwritable file, full disk.
    case io = 5
    /// The server could not be reached or failed before answering. Nothing was lost:
    /// pending changes stay until acknowledged; try again later.
    case unreachable = 6
    /// Partly refused: the sync or import finished, but the central store refused some of
    /// this replica's changes one by one (write checks); they were taken back and
    /// `navet status` lists them with the reasons.
    case partlyRefused = 7
    /// `navet verify` found differences between what this replica holds and what the
    /// central store says it may hold (missing or extra changes); nothing was changed.
    /// `navetd audit verify`: the disclosure ledger does not verify, or a replica's uploaded
    /// read log has a broken chain (also `navetd audit read-logs`).
    case differences = 8
    /// No enabled user to run as: the command shows or changes case data and neither
    /// `--user`, `NAVET_USER` nor the operating-system login names an enabled user.
    case noUser = 9
    /// The display would show a tag whose display needs a purpose, and no `--purpose` was
    /// given (and none could be asked for: not a terminal).
    case purposeRequired = 10
}

/// An error a command reports: an exit code and a message already in the user's language.
public struct CLIError: Error, Sendable {
    public let code: ExitCode
    public let message: String
    /// Whether to point at `--help` after the message.
    public let showHelpHint: Bool

    public init(_ code: ExitCode, _ message: String, helpHint: Bool = false) {
        self.code = code
        self.message = message
        self.showHelpHint = helpHint
    }
}
