import Foundation

/// Messages about output that cannot be written, locks on the central store, files that
/// are both input and output, and number options, in English and Swedish (merged into
/// `Strings.table`). The Swedish uses the glossary's words ("centrallagret", "överföringsfil").
enum RobustnessStrings {
    static let table: [String: (String, String)] = [
        "output.stdout": ("standard output", "standardutmatningen"),
        "output.stderr": ("standard error", "standardfelutmatningen"),
        "error.outputFailedDone": (
            "Could not write to {0} ({1}), so some output is missing. The command itself finished: if it changes data, the change was made. Check before running it again.",
            "Kunde inte skriva till {0} ({1}), så en del av utskriften saknas. Själva kommandot blev klart: om det ändrar uppgifter är ändringen gjord. Kontrollera innan du kör det igen."),
        "error.outputFailed": (
            "Could not write to {0} ({1}), so some output is missing.",
            "Kunde inte skriva till {0} ({1}), så en del av utskriften saknas."),
        "error.outputIsInput": (
            "{0} is the file {1} this command reads. Navet never writes over its own input, not even with --force; choose another file name. Nothing was changed.",
            "{0} är filen {1} som kommandot läser. Navet skriver aldrig över det som läses in, inte ens med --force; välj ett annat filnamn. Inget har ändrats."),
        "error.storeInUse": (
            "{0} is being served by a running navetd serve. Stop navetd first, then run navetd restore again. Nothing was changed.",
            "{0} används av en navetd serve som körs. Stoppa navetd först och kör sedan navetd restore igen. Inget har ändrats."),
        "error.storeBeingRestored": (
            "{0} is being restored by navetd restore right now. Start navetd serve again when the restore has finished.",
            "{0} återställs just nu med navetd restore. Starta navetd serve igen när återställningen är klar."),
        "error.replicaBusy": (
            "Another navet sync, export or import of {0} is running. Run this again when it has finished. Nothing was changed.",
            "En annan navet sync, export eller import av {0} pågår. Kör det här igen när den är klar. Inget har ändrats."),
        "error.storeLock": (
            "Cannot lock {0} ({1}). Nothing was changed.",
            "Kan inte låsa {0} ({1}). Inget har ändrats."),
        "opt.headTimeout": (
            "seconds allowed to receive a request's line and headers; slower clients get 408 (default 10)",
            "sekunder för att ta emot en begärans rad och HTTP-huvuden; långsammare klienter får 408 (standard 10)"),
    ]

    /// A short reason for `code` in the user's language (the one errno table,
    /// `SystemMessages`); the system's text with its number for other errors.
    static func reason(_ code: Int32, _ strings: Strings) -> String {
        if let key = SystemMessages.errnoKeys[code] { return strings.t(key) }
        return strings.t("errno.other", String(cString: strerror(code)), String(code))
    }
}
