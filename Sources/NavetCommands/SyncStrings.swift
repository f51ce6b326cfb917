import NavetCore

/// The words for sync: every refusal reason code the central store can send (Protocol/HTTP.md,
/// `RefusalReason`), each with what is wrong and what to do, and the client's own sync messages.
///
/// A new reason code is one line in `refusals`. A code missing here (from a newer server) is
/// shown as unknown, with the code, never as another cause.
enum SyncStrings {
    /// Reason code → (English, Swedish). Each says what is wrong and what to do.
    static let refusals: [String: (String, String)] = [
        "malformed_request": (
            "the request or bundle file is malformed or damaged; make a new one (a new sync or 'navet export'), and if it happens again, update Navet",
            "begäran eller överföringsfilen är felformad eller skadad; gör en ny (synka igen eller 'navet export'), och uppdatera Navet om det händer igen"),
        "unknown_replica": (
            "this replica is not enrolled at this central store; check the address, or ask the support office for an enrollment file",
            "den här lokala databasen är inte registrerad hos det här centrallagret; kontrollera adressen, eller be stödkontoret om en registreringsfil"),
        "revoked_replica": (
            "this replica's enrollment was revoked; contact the support office",
            "registreringen av den här lokala databasen är spärrad; kontakta stödkontoret"),
        "stale_timestamp": (
            "the time in the request is outside the allowed window: over the network this computer's clock must be within 5 minutes of the server's (check the clock), and a bundle file may be at most 30 days old (export a new one)",
            "tiden i begäran ligger utanför det tillåtna: över nätet får datorns klocka skilja högst 5 minuter från serverns (kontrollera klockan), och en överföringsfil får vara högst 30 dagar gammal (exportera en ny)"),
        "bad_signature": (
            "the signature does not verify: the file was altered, or it was signed with another enrollment; sync again, and if it happens again, contact the support office",
            "signaturen stämmer inte: filen har ändrats eller signerats med en annan registrering; synka igen och kontakta stödkontoret om det händer igen"),
        "replayed_nonce": (
            "this request or bundle file was already used once (a replay); make a new one instead of sending the same again",
            "den här begäran eller överföringsfilen har redan använts en gång (en upprepning); gör en ny i stället för att skicka samma igen"),
        "foreign_origin": (
            "the bundle carries changes this replica did not make; a replica may only send its own",
            "överföringsfilen innehåller ändringar som den här lokala databasen inte har gjort; en lokal databas får bara skicka sina egna"),
        "sequence_gap": (
            "changes from this replica are missing in the sequence; sync again, which sends them from the first one the central store lacks",
            "ändringar från den här lokala databasen saknas i följden; synka igen, så skickas de från den första som centrallagret saknar"),
        "invalid_change": (
            "the central store refused a change that breaks the schema (a field or value this version of the central store does not accept); update Navet, and contact the support office if it persists",
            "centrallagret avvisade en ändring som bryter mot schemat (ett fält eller värde som centrallagret inte godtar); uppdatera Navet och kontakta stödkontoret om det fortsätter"),
        "sequence_reused": (
            "a change reuses a sequence number the central store holds with other content: this replica file was restored from an older copy of itself; sync again to catch up, or enroll it anew ('navet enroll FILE'), which keeps its unsynced changes",
            "en ändring återanvänder ett löpnummer som centrallagret har med annat innehåll: databasfilen har återställts från en äldre kopia av sig själv; synka igen för att komma ikapp, eller registrera den på nytt ('navet enroll FIL'), vilket behåller ändringar som inte synkats"),
        "replica_copied": (
            "this file is a second live copy of its replica (restored or copied while the other copy kept syncing), so it cannot go on as that replica. Ask the support office for a new enrollment file and run 'navet enroll FILE': changes not yet synced are kept",
            "den här databasfilen är en andra kopia av en lokal databas som den andra kopian har fortsatt att synka (återställd eller kopierad), så den kan inte fortsätta som den. Be stödkontoret om en ny registreringsfil och kör 'navet enroll FIL': ändringar som inte har synkats behålls"),
        "schema_too_new": (
            "this Navet writes a newer schema than the central store knows; ask the support office to update navetd",
            "den här versionen av Navet skriver ett nyare schema än centrallagret känner till; be stödkontoret att uppdatera navetd"),
        "wrong_server": (
            "the bundle is addressed to another central store; check the address (--server) or the enrollment",
            "överföringsfilen är adresserad till ett annat centrallager; kontrollera adressen (--server) eller registreringen"),
        "server_error": (
            "the central store failed (a full disk, a damaged database); nothing was lost: try again later, and tell the support office if it persists",
            "centrallagret fick ett fel (full disk, skadad databas); inget har gått förlorat: försök igen senare och säg till stödkontoret om det fortsätter"),
    ]

    /// Other messages of `navet sync`, and the names of origins.
    static let messages: [String: (String, String)] = [
        "origin.thisReplica": ("this replica", "den här lokala databasen"),
        "origin.unknown": ("unknown organisation (id {0})", "okänd organisation (id {0})"),
        "out.recordedBy": ("recorded by", "registrerat av"),
        "opt.verbose": ("also show the replica id of each organisation", "visa även id för varje organisations lokala databas"),
        "refusal.unknownCode": (
            "the central store gave the reason '{0}', which this version of Navet does not know; update Navet, or ask the support office",
            "centrallagret angav orsaken '{0}', som den här versionen av Navet inte känner till; uppdatera Navet eller fråga stödkontoret"),
        "refusal.httpOnly": (
            "the server answered HTTP {0} without a Navet reason; check the address (--server) and the proxy in front of navetd",
            "servern svarade HTTP {0} utan någon orsak från Navet; kontrollera adressen (--server) och proxyn framför navetd"),
        "error.syncTimedOut": (
            "The sync with the central store at {0} did not finish within the limit of {1} seconds (--timeout) after {2} complete round trips. Nothing was lost: what was received is kept and pending changes stay until the next sync. Try again, or give a larger --timeout.",
            "Synken med centrallagret på {0} blev inte klar inom gränsen på {1} sekunder (--timeout) efter {2} hela rundor. Inget har gått förlorat: det som tagits emot ligger kvar och väntande ändringar ligger kvar till nästa synk. Försök igen, eller ange en längre --timeout."),
    ]

    /// Every key this file adds to `Strings.table`: `refusal.<code>` and the messages.
    static let table: [String: (String, String)] = messages.merging(
        refusals.map { ("refusal." + $0.key, $0.value) }, uniquingKeysWith: { first, _ in first })

    /// The words for a refusal reason code in `language`: its own message, the HTTP status
    /// for `http_<status>` (an answer without a Navet reason), or "unknown" with the code.
    static func refusalText(_ reason: String, _ strings: Strings) -> String {
        if let pair = refusals[reason] ?? WireStrings.refusals[reason] { return strings.language == .swedish ? pair.1 : pair.0 }
        if reason.hasPrefix("http_"), let status = Int(reason.dropFirst(5)) {
            return strings.t("refusal.httpOnly", String(status))
        }
        return strings.t("refusal.unknownCode", visible(reason))
    }
}

extension SyncStrings {
    /// Text from outside shown with control characters and over-long input escaped, so a
    /// server cannot put terminal control sequences on the screen.
    static func visible(_ text: String, limit: Int = 80) -> String {
        let shown = TextRules.visible(String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))))
        return text.unicodeScalars.count > limit ? shown + "…" : shown
    }
}
