/// Messages about the bundle format itself (Protocol/BUNDLE.md), in English and Swedish
/// (merged into `Strings.table`). Shown after "The bundle FILE was refused, nothing was
/// changed:", so each is a clause in lower case. The Swedish uses the glossary's words:
/// "överföringsfil" for a bundle file, "centrallagret" for the central store.
enum WireStrings {
    static let table: [String: (String, String)] = messages.merging(
        refusals.map { ("refusal." + $0.key, $0.value) }, uniquingKeysWith: { first, _ in first })

    /// Refusal codes the client derives itself (never sent by a server) from a
    /// `malformed_request` whose message says the server does not read this bundle format
    /// (Protocol/HTTP.md, "What the server checks"). Shown like the server's codes.
    static let refusals: [String: (String, String)] = [
        "bundle_format_server_older": (
            "the central store runs an older version of Navet that cannot read the bundles of this one; ask the support office to update navetd. Nothing was changed",
            "centrallagret kör en äldre version av Navet som inte kan läsa den här versionens överföringsfiler; be stödkontoret att uppdatera navetd. Inget har ändrats"),
        "bundle_format_client_older": (
            "the central store runs a newer version of Navet that no longer reads the bundles of this one; update Navet on this computer. Nothing was changed",
            "centrallagret kör en nyare version av Navet som inte längre läser den här versionens överföringsfiler; uppdatera Navet på den här datorn. Inget har ändrats"),
    ]

    /// The refusal code to show for a server's `reason` and `message`: a
    /// `malformed_request` because the server does not read this format version becomes
    /// one of `refusals` (which side is older: a server of this or a later release says
    /// "is older than" when the client's version is the lower one; an older server names
    /// only `unsupportedVersion`); any other answer keeps its code.
    static func formatRefusal(_ reason: String, message: String?) -> String {
        guard reason == "malformed_request", let message, message.hasPrefix("not a valid bundle: unsupportedVersion") else {
            return reason
        }
        return message.contains(" is older than ") ? "bundle_format_client_older" : "bundle_format_server_older"
    }

    static let messages: [String: (String, String)] = [
        // A lower format version (BundleError.unsupportedVersion): {0} the file's version,
        // {1} the versions this Navet reads ("3–4").
        "bundle.versionOlder": (
            "it was written by an older version of Navet (bundle format version {0}; this Navet reads format versions {1}). The other side must update Navet (the central store's navetd, or the replica's navet) and then make the file again",
            "den är skriven av en äldre version av Navet (överföringsformat version {0}; den här versionen av Navet läser överföringsformat version {1}). Andra sidan måste uppdatera Navet (navetd på centrallagret eller navet på den lokala databasen) och sedan göra filen på nytt"),
        // A higher format version.
        "bundle.versionNewer": (
            "it was written by a newer version of Navet (bundle format version {0}; this Navet reads format versions {1}), or it is damaged. Update this Navet; if the other side has not updated either, copy the file again",
            "den är skriven av en nyare version av Navet (överföringsformat version {0}; den här versionen av Navet läser överföringsformat version {1}), eller så är den skadad. Uppdatera den här versionen av Navet; om andra sidan inte heller har uppdaterat, kopiera filen igen"),
    ]
}
