import Foundation
@testable import NavetCommands
import NavetCore
import NavetTestSupport
import Testing

/// What the CLI says, and refuses, through the real binaries: typed text that is not
/// UTF-8 or holds invisible characters, system errors in the user's language, misleading
/// messages, and small wording and layout points (issue 11, items 9, 10, 11, 12, 15, 16).
@Suite struct MessagesTests {
    let folder = TemporaryDirectory(prefix: "navet-messages")
    var cli: CLIRunner { CLIRunner(workingDirectory: folder.url) }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
    func dump(_ name: String = "navet.db") throws -> String { try SQLite3Tool.run(folder.path(name), ".dump") }

    /// Runs a shell script in the work folder with $NAVET and $NAVETD naming the binaries.
    func shell(_ script: String) throws -> CLIRunner.Result { try cli.shell(script) }

    func addChild(_ name: String = "Ali Hassan") throws -> String {
        let added = try cli.navet("--json", "child", "add", "--name", name)
        #expect(added.code == 0, "\(added.err)")
        return (try json(added.out) as? [String: Any])?["id"] as? String ?? ""
    }

    // MARK: Item 11: invalid UTF-8

    @Test func invalidUTF8InArgumentsAndStandardInputIsRefused() throws {
        #expect(try cli.navet("init").code == 0)
        let id = try addChild()
        let before = try dump()
        for language in ["en", "sv"] {
            for script in [
                #""$NAVET" --lang \#(language) child add --name "$(printf 'Ali\345')""#,
                #""$NAVET" --lang \#(language) child add --name Ali --assigned-municipality "$(printf '\377re')""#,
                #""$NAVET" --lang \#(language) child add --name Ali --search-description "$(printf 'l\345ng')""#,
                #""$NAVET" --lang \#(language) child set \#(id) name "$(printf 'Ali\345')""#,
                #""$NAVET" --lang \#(language) note add --child \#(id) --kind samtal --text "$(printf 'a\377b')""#,
                #"printf 'a\377\376b' | "$NAVET" --lang \#(language) note add --child \#(id) --kind samtal --text -"#,
            ] {
                let refused = try shell(script)
                #expect(refused.code == 3, "\(script): \(refused.err)")
                #expect(refused.err.contains("UTF-8"), "\(refused.err)")
                if language == "sv" { #expect(refused.err.contains("terminalen eller filen"), "\(refused.err)") }
            }
        }
        #expect(try dump() == before)

        // The central store's organisation names and municipalities too.
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        let central = try dump("c.db")
        for script in [#""$NAVETD" --db c.db org add --name "$(printf 'HVB \345')" --kind hvb --municipality Are"#,
                       #""$NAVETD" --lang sv --db c.db org add --name HVB --kind hvb --municipality "$(printf '\345re')""#] {
            let refused = try shell(script)
            #expect(refused.code == 3, "\(script): \(refused.err)")
            #expect(refused.err.contains("UTF-8"), "\(refused.err)")
        }
        #expect(try dump("c.db") == central)
        // Valid UTF-8 still works, from arguments and from standard input.
        #expect(try shell(#"printf 'r\303\266d jacka\n' | "$NAVET" note add --child \#(id) --kind samtal --text -"#).code == 0)
    }

    // MARK: Item 12: invisible characters

    @Test func invisibleCharactersAreRefusedInOneLineFieldsButJoinersAreKept() throws {
        #expect(try cli.navet("init").code == 0)
        let before = try dump()
        for hidden in ["\u{200B}", "\u{2060}", "\u{FEFF}", "\u{AD}", "\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{2028}"] {
            for language in ["en", "sv"] {
                let refused = try cli.navet("--lang", language, "child", "add", "--name", "Ali\(hidden)")
                #expect(refused.code == 3, "\(hidden.unicodeScalars.first!.value): \(refused.err)")
                let shown = "\\u{" + String(hidden.unicodeScalars.first!.value, radix: 16, uppercase: true) + "}"
                #expect(refused.err.contains(shown), "\(refused.err)")
                #expect(!refused.err.unicodeScalars.contains(hidden.unicodeScalars.first!), "\(refused.err)")
                #expect(refused.err.contains(language == "sv" ? "osynliga tecknet" : "invisible character"), "\(refused.err)")
            }
            let municipality = try cli.navet("child", "add", "--name", "Ali", "--assigned-municipality", "Åre\(hidden)")
            #expect(municipality.code == 3, "\(municipality.err)")
        }
        #expect(try dump() == before)

        // Persian and Dari names need the zero-width non-joiner and joiner.
        let persian = "می\u{200C}خواهم"
        let id = try addChild(persian)
        let shown = try cli.navet("--json", "child", "show", id)
        let fields = (try json(shown.out) as? [String: Any])?["fields"] as? [String: Any]
        #expect(fields?["name"] as? String == persian)
        #expect(try addChild("Ali\u{200D}Reza").isEmpty == false)

        // Free text keeps them (only U+FFFD and control characters are refused there).
        #expect(try cli.navet("note", "add", "--child", id, "--kind", "samtal", "--text", "se\u{200B}n").code == 0)

        // The central store's organisation names and municipalities.
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        for (name, municipality) in [("HVB\u{200B}", "Åre"), ("HVB", "Åre\u{202E}")] {
            for language in ["en", "sv"] {
                let refused = try cli.navetd("--lang", language, "--db", "c.db", "org", "add", "--name", name, "--kind", "hvb",
                                             "--municipality", municipality)
                #expect(refused.code == 3, "\(refused.err)")
                #expect(refused.err.contains(language == "sv" ? "osynliga tecknet" : "invisible character"), "\(refused.err)")
            }
        }
    }

    @Test func storedInvisibleCharactersAreShownEscaped() {
        // A value an older replica accepted still syncs; it is shown escaped, never raw.
        #expect(TextRules.visible("Ali\u{200B}") == "Ali\\u{200B}")
        #expect(TextRules.visible("Ali\u{FEFF}\u{AD}") == "Ali\\u{FEFF}\\u{AD}")
        #expect(TextRules.visible("می\u{200C}خواهم") == "می\u{200C}خواهم")
    }

    // MARK: Item 15: ids and epochs, the enrollment URL

    @Test func epochsAreAlwaysSixteenHexDigits() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        let server = try ServerProcess(database: "c.db", workingDirectory: folder.url)
        _ = try TestHTTP.request("GET", server.url + "/v1/health")
        _ = server.stop()
        // An epoch with leading zeros, as a random one has one time in 16.
        _ = try SQLite3Tool.run(folder.path("c.db"), "UPDATE meta SET value = 1 WHERE key = 'epoch'")
        let restarted = try ServerProcess(database: "c.db", workingDirectory: folder.url)
        defer { _ = restarted.stop() }
        let health = try TestHTTP.request("GET", restarted.url + "/v1/health")
        let object = try json(String(decoding: health.body, as: UTF8.self)) as? [String: Any]
        #expect(object?["epoch"] as? String == "0000000000000001")
        #expect((object?["server"] as? String)?.count == 16)

        #expect(try cli.navetd("--db", "c.db", "backup", "b.db").code == 0)
        let restored = try cli.navetd("--db", "r.db", "--json", "restore", "b.db")
        #expect(restored.code == 0, "\(restored.err)")
        #expect(((try json(restored.out) as? [String: Any])?["epoch"] as? String)?.count == 16)
    }

    @Test func enrollingWithoutURLWarnsInBothLanguages() throws {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        #expect(try cli.navetd("--db", "c.db", "org", "add", "--name", "HVB A", "--kind", "hvb", "--municipality", "Åre").code == 0)
        for language in ["en", "sv"] {
            let enrolled = try cli.navetd("--lang", language, "--db", "c.db", "replica", "enroll", "--org", "HVB A", "--out", "\(language).enroll")
            #expect(enrolled.code == 0, "\(enrolled.err)")
            #expect(enrolled.err.contains("http://127.0.0.1:8080"), "\(enrolled.err)")
            #expect(enrolled.err.contains(language == "sv" ? "varning: --url angavs inte" : "warning: no --url was given"), "\(enrolled.err)")
        }
        // Under --json the warning is a JSON object on stderr; with --url there is none.
        let quiet = try cli.navetd("--json", "--db", "c.db", "replica", "enroll", "--org", "HVB A", "--out", "j.enroll")
        #expect(quiet.code == 0)
        #expect((try json(quiet.err) as? [String: Any])?["warning"] is String, "\(quiet.err)")
        let given = try cli.navetd("--db", "c.db", "replica", "enroll", "--org", "HVB A", "--out", "u.enroll",
                                   "--url", "https://navet.example.org")
        #expect(given.code == 0 && given.err.isEmpty, "\(given.err)")
        let help = try cli.navetd("replica", "enroll", "--help")
        #expect(help.out.contains("works only on this computer"), "\(help.out)")
    }

    @Test func jsonWarningsAreJSONObjects() throws {
        #expect(try cli.navet("init").code == 0)
        let added = try cli.navet("--json", "child", "add", "--name", "Ali", "--birth-date", "1990-01-01")
        #expect(added.code == 0, "\(added.err)")
        let warning = (try json(added.err) as? [String: Any])?["warning"] as? String
        #expect(warning?.contains("years old") == true, "\(added.err)")
        let plain = try cli.navet("--lang", "sv", "child", "add", "--name", "Ali", "--birth-date", "1990-01-01")
        #expect(plain.err.hasPrefix("navet: varning:"), "\(plain.err)")
    }

    // MARK: Item 9: system and library failures in the user's language

    /// English texts of the C library, SQLite, Foundation and NavetHTTP that must not reach
    /// a Swedish message.
    static let foreign = ["No such file", "unable to open", "Connection refused", "invalid port", "invalid listen",
                          "NSCocoaErrorDomain", "Address already in use", "not an SQLite", "errno", "PRAGMA integrity_check.",
                          "OUT", "Could not resolve", "> 1 MiB"]

    func expectSwedish(_ result: CLIRunner.Result, code: Int32, _ wanted: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.code == code, "\(result.err)", sourceLocation: sourceLocation)
        #expect(result.err.contains(wanted), "\(result.err)", sourceLocation: sourceLocation)
        for text in Self.foreign { #expect(!result.err.contains(text), "\(text) in \(result.err)", sourceLocation: sourceLocation) }
    }

    @Test func systemAndLibraryFailuresAreInSwedish() throws {
        try FileManager.default.createDirectory(atPath: folder.path("folder.db"), withIntermediateDirectories: false)
        try Data("just text\n".utf8).write(to: folder.url.appendingPathComponent("text.db"))
        expectSwedish(try cli.navet("--lang", "sv", "--db", "folder.db", "child", "list"), code: 5, "det är en mapp")
        expectSwedish(try cli.navet("--lang", "sv", "--db", "nodir/x.db", "init"), code: 5, "mappen nodir finns inte")
        expectSwedish(try cli.navet("--lang", "sv", "--db", "text.db", "child", "list"), code: 5, "ingen SQLite-databas")
        #expect(try cli.navet("init").code == 0)
        expectSwedish(try cli.navet("--lang", "sv", "export", "nodir/x.navet"), code: 5, "filen eller mappen finns inte")
        // The demo's --keep: a file, a folder that is not empty.
        expectSwedish(try cli.navet("--lang", "sv", "demo", "--keep", "text.db"), code: 5, "är en fil, inte en mapp")
        expectSwedish(try cli.navet("--lang", "sv", "demo", "--keep", "."), code: 5, "är inte tom")
        // Standard input over 1 MiB: refused by the text's own limit, named as it is.
        let large = String(repeating: "a", count: (1 << 20) + 10)
        let id = try addChild()
        expectSwedish(try cli.navet("--lang", "sv", "note", "add", "--child", id, "--kind", "samtal", "--text", "-", stdin: large),
                      code: 3, "--text är längre än 20000 tecken")
        #expect(try cli.navet("note", "add", "--child", id, "--kind", "samtal", "--text", "-", stdin: large).err
                    .contains("--text is longer than 20000 characters"))

        // navetd: listen addresses (NavetHTTP's errors described by the CLI), a port in use.
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        for (listen, wanted) in [("127.0.0.1:65536", "porten måste vara ett tal från 0 till 65535"),
                                 ("127.0.0.1", "skriv den som VÄRD:PORT"), ("::1:80", "inom hakparentes"),
                                 ("foo:80", "värden måste vara en IP-adress")] {
            expectSwedish(try cli.navetd("--lang", "sv", "--db", "c.db", "serve", "--listen", listen), code: 2, wanted)
        }
        let server = try ServerProcess(database: "c.db", workingDirectory: folder.url)
        expectSwedish(try cli.navetd("--lang", "sv", "--db", "c.db", "serve", "--listen", server.address), code: 5, "adressen används redan")
        _ = server.stop()
        expectSwedish(try cli.navetd("--lang", "sv", "--db", "c.db", "import", "up.navet"), code: 2, "--reply FIL saknas")
        expectSwedish(try cli.navetd("--lang", "sv", "--db", "c.db", "restore", "text.db"), code: 4, "ingen databasfil")

        // Sync: nothing listening, an unknown host name.
        #expect(try cli.navetd("--db", "c.db", "org", "add", "--name", "HVB A", "--kind", "hvb", "--municipality", "Åre").code == 0)
        #expect(try cli.navetd("--db", "c.db", "replica", "enroll", "--org", "HVB A", "--out", "a.enroll",
                               "--url", server.url).code == 0)
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        expectSwedish(try cli.navet("--lang", "sv", "--db", "a.db", "sync"), code: 6, "ingenting svarar på den adressen")
        let english = try cli.navet("--db", "a.db", "sync")
        #expect(english.err.contains("nothing answers at that address"), "\(english.err)")
        expectSwedish(try cli.navet("--lang", "sv", "--db", "a.db", "sync", "--server", "http://navet.invalid:8080"),
                      code: 6, "namnet navet.invalid är okänt")
    }

    // MARK: Item 10: misleading messages

    @Test func aCentralStoreGivenToNavetAndAReplicaGivenToNavetdSaySo() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        let before = (try dump(), try dump("c.db"))
        for (language, central, replica) in [("en", "is the support office's central store", "is a replica file, not a central store"),
                                             ("sv", "är stödkontorets centrallager", "är en lokal databas, inte ett centrallager")] {
            let wrongCentral = try cli.navet("--lang", language, "--db", "c.db", "child", "list")
            #expect(wrongCentral.code == 5 && wrongCentral.err.contains(central) && wrongCentral.err.contains("navetd --db c.db"),
                    "\(wrongCentral.err)")
            let wrongReplica = try cli.navetd("--lang", language, "--db", "navet.db", "status")
            #expect(wrongReplica.code == 5 && wrongReplica.err.contains(replica) && wrongReplica.err.contains("navet --db navet.db"),
                    "\(wrongReplica.err)")
        }
        #expect((try dump(), try dump("c.db")) == before)
    }

    @Test func emptyFileNamesAreUsageErrors() throws {
        #expect(try cli.navet("init").code == 0)
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        for language in ["en", "sv"] {
            let wanted = language == "sv" ? "är tomt: ange ett filnamn" : "is empty: give a file name"
            for result in [try cli.navet("--lang", language, "export", ""), try cli.navet("--lang", language, "--db", "", "child", "list"),
                           try cli.navet("--lang", language, "import", ""), try cli.navet("--lang", language, "demo", "--keep", ""),
                           try cli.navetd("--lang", language, "--db", "c.db", "backup", ""),
                           try cli.navetd("--lang", language, "--db", "c.db", "import", "up.navet", "--reply", "")] {
                #expect(result.code == 2, "\(result.err)")
                #expect(result.err.contains(wanted), "\(result.err)")
            }
        }
        let missing = try cli.navet("--lang", "sv", "child", "list", "--db")
        #expect(missing.code == 2 && missing.err.contains("Alternativet --db behöver ett värde"), "\(missing.err)")
    }

    /// A central store, a replica enrolled at `url`, with one child.
    func enrolledReplica(url: String = "http://127.0.0.1:1") throws -> String {
        #expect(try cli.navetd("--db", "c.db", "init").code == 0)
        #expect(try cli.navetd("--db", "c.db", "org", "add", "--name", "HVB A", "--kind", "hvb", "--municipality", "Åre").code == 0)
        #expect(try cli.navetd("--db", "c.db", "replica", "enroll", "--org", "HVB A", "--out", "a.enroll", "--url", url).code == 0)
        #expect(try cli.navet("--db", "a.db", "init", "--enroll", "a.enroll").code == 0)
        let added = try cli.navet("--db", "a.db", "--json", "child", "add", "--name", "Ali")
        return (try json(added.out) as? [String: Any])?["id"] as? String ?? ""
    }

    @Test func importingOwnUploadSaysItIsAnUploadForTheSupportOffice() throws {
        _ = try enrolledReplica()
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        let before = try dump("a.db")
        for (language, wanted) in [("en", "it is an upload file, made by 'navet export' for the support office, not a reply"),
                                   ("sv", "det är en uppladdningsfil, gjord med 'navet export' för stödkontoret, inte ett svar")] {
            let refused = try cli.navet("--lang", language, "--db", "a.db", "import", "up.navet")
            #expect(refused.code == 4, "\(refused.err)")
            #expect(refused.err.contains(wanted), "\(refused.err)")
        }
        #expect(try dump("a.db") == before)

        // A damaged version byte: the English says what to do, as the Swedish does.
        var bytes = try [UInt8](Data(contentsOf: folder.url.appendingPathComponent("up.navet")))
        bytes[4] = 0
        bytes[5] = 5
        try Data(bytes).write(to: folder.url.appendingPathComponent("bad.navet"))
        for (language, wanted) in [("en", "written by a newer version of Navet (bundle format version 5; this Navet reads format versions 3–4), or it is damaged. Update this Navet"),
                                   ("sv", "skriven av en nyare version av Navet (överföringsformat version 5; den här versionen av Navet läser överföringsformat version 3–4), eller så är den skadad. Uppdatera den här versionen av Navet")] {
            let refused = try cli.navet("--lang", language, "--db", "a.db", "import", "bad.navet")
            #expect(refused.code == 4 && refused.err.contains(wanted), "\(refused.err)")
        }
    }

    @Test func aWrongSyncAddressIsNotANavetRefusal() throws {
        #expect(try cli.navetd("--db", "s.db", "init").code == 0)
        let server = try ServerProcess(database: "s.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        _ = try enrolledReplica(url: server.url)
        for (language, wanted) in [("en", "does not look like a Navet central store (it answered HTTP 404"),
                                   ("sv", "verkar inte vara ett centrallager för Navet (den svarade HTTP 404")] {
            let wrong = try cli.navet("--lang", language, "--db", "a.db", "sync", "--server", server.url + "/../../etc")
            #expect(wrong.code == 6, "\(wrong.err)")
            #expect(wrong.err.contains(wanted), "\(wrong.err)")
            #expect(!wrong.err.contains("update Navet") && !wrong.err.contains("uppdatera Navet"), "\(wrong.err)")
        }
        let status = try cli.navet("--db", "a.db", "--json", "status")
        let object = try json(status.out) as? [String: Any]
        #expect(object?["last_refusal"] == nil || object?["last_refusal"] is NSNull, "\(status.out)")
        #expect(!(try cli.navet("--db", "a.db", "status").out.contains("last refused sync")))
    }

    @Test func resolvingAFieldWithoutConflictByPrefixSaysSo() throws {
        #expect(try cli.navet("init").code == 0)
        let id = try addChild()
        let note = try cli.navet("--json", "note", "add", "--child", id, "--kind", "samtal", "--text", "hej")
        let noteID = (try json(note.out) as? [String: Any])?["id"] as? String ?? ""
        for (language, wanted) in [("en", "has no conflict"), ("sv", "har ingen konflikt")] {
            let resolved = try cli.navet("--lang", language, "conflicts", "resolve", String(id.prefix(6)), "asylum-status", "--choose", "1")
            #expect(resolved.code == 3 && resolved.err.contains(wanted), "\(resolved.err)")
            let notes = try cli.navet("--lang", language, "note", "list", "--child", String(noteID.prefix(8)))
            #expect(notes.code == 3, "\(notes.err)")
            #expect(notes.err.contains(language == "sv" ? "är av typen anteckning, inte barn" : "is a note, not a child"), "\(notes.err)")
        }
    }

    // MARK: Item 16: tables, layout, revoking twice

    @Test func tablesHaveHeadingsAndMultiLineValuesAreIndented() throws {
        #expect(try cli.navet("init").code == 0)
        let added = try cli.navet("--json", "child", "add", "--name", "Ali", "--birth-date", "2000-01-01",
                                  "--search-description", "lång\nmörk jacka")
        let id = (try json(added.out) as? [String: Any])?["id"] as? String ?? ""
        for (language, heading) in [("en", "remarks"), ("sv", "anmärkning")] {
            let list = try cli.navet("--lang", language, "child", "list").out.split(separator: "\n")
            #expect(list.first?.hasSuffix(heading) == true, "\(list)")
            // The heading row has as many columns as the separator row.
            #expect(list.count >= 2 && list[0].split(separator: " ").count >= 5, "\(list)")
        }
        let shown = try cli.navet("child", "show", id).out
        let lines = shown.split(separator: "\n")
        let first = try #require(lines.firstIndex { $0.hasPrefix("description for a search:") })
        let column = lines[first].range(of: "lång").map { lines[first].distance(from: lines[first].startIndex, to: $0.lowerBound) }
        #expect(lines[first + 1] == Substring(String(repeating: " ", count: column ?? 0) + "mörk jacka"), "\(shown)")
    }

    @Test func revokingTwiceSaysAlreadyRevokedAndReplicaListTruncatesReasons() throws {
        _ = try enrolledReplica()
        let listed = try cli.navetd("--db", "c.db", "--json", "replica", "list")
        let replica = ((try json(listed.out) as? [[String: Any]])?.first?["replica"] as? String) ?? ""
        #expect(try cli.navetd("--db", "c.db", "replica", "revoke", replica).out.contains("Revoked replica"))
        for (language, wanted) in [("en", "was already revoked; nothing changed"), ("sv", "var redan spärrad; inget har ändrats")] {
            let again = try cli.navetd("--lang", language, "--db", "c.db", "replica", "revoke", replica)
            #expect(again.code == 0 && again.out.contains(wanted), "\(again.out)\(again.err)")
        }
        let json = try cli.navetd("--db", "c.db", "--json", "replica", "revoke", replica)
        #expect((try self.json(json.out) as? [String: Any])?["already_revoked"] as? Bool == true)

        // A long refusal reason is cut in the table and whole in --json.
        _ = try SQLite3Tool.run(folder.path("c.db"), "UPDATE replicas SET refusals = 2, last_refusal = 'sequence_reused'")
        let table = try cli.navetd("--db", "c.db", "replica", "list").out
        #expect(table.contains("…"), "\(table)")
        #expect(table.split(separator: "\n").allSatisfy { $0.count < 200 }, "\(table)")
        let whole = try cli.navetd("--db", "c.db", "--json", "replica", "list").out
        #expect(whole.contains("sequence_reused"))
    }

    @Test func swedishWordingIsEverydaySwedish() throws {
        let serve = try cli.navetd("--lang", "sv", "serve", "--help").out
        #expect(serve.contains("Ta emot synkningar över HTTP"), "\(serve)")
        #expect(!serve.contains("Betjäna"))
        let header = try cli.navetd("--lang", "sv", "--db", "c.db", "serve", "--trusted-proxy-header", "a b")
        #expect(header.code == 2 && header.err.contains("HTTP-huvud"), "\(header.err)")
        for (_, pair) in Strings.table { #expect(!pair.1.contains(" passar "), "\(pair.1)") }
    }

    @Test func networkAndEmptyListMessagesAreInTheUsersLanguage() throws {
        #expect(try cli.navetd("--db", "s.db", "init").code == 0)
        let server = try ServerProcess(database: "s.db", workingDirectory: folder.url)
        defer { _ = server.stop() }
        _ = try enrolledReplica(url: server.url)
        // https:// to a plain-HTTP navetd: the TLS failure in words, not OpenSSL's.
        let tls = try cli.navet("--lang", "sv", "--db", "a.db", "sync", "--server", server.url.replacingOccurrences(of: "http:", with: "https:"),
                                "--timeout", "30")
        expectSwedish(tls, code: 6, "ingen säker anslutning (TLS) kunde göras")
        #expect(!tls.err.contains("OpenSSL") && !tls.err.contains("SSL routines"), "\(tls.err)")

        // An empty reply file on the replica side: no advice to export.
        try Data().write(to: folder.url.appendingPathComponent("empty.navet"))
        let empty = try cli.navet("--db", "a.db", "import", "empty.navet")
        #expect(empty.err.contains("Copy it again"), "\(empty.err)")

        // replica list with nothing to show says so.
        #expect(try cli.navetd("--db", "e.db", "init").code == 0)
        let none = try cli.navetd("--lang", "sv", "--db", "e.db", "replica", "list")
        #expect(none.code == 0 && none.out.contains("Ingen lokal databas är registrerad än"), "\(none.out)")
        let silent = try cli.navetd("--db", "c.db", "replica", "list", "--silent", "3d")
        #expect(silent.code == 0 && silent.out.contains("No active replica has been silent for longer than 3 days"), "\(silent.out)")
        let silentSwedish = try cli.navetd("--lang", "sv", "--db", "c.db", "replica", "list", "--silent", "1h")
        #expect(silentSwedish.out.contains("längre än 1 timme"), "\(silentSwedish.out)")

        let choose = try cli.navet("--lang", "sv", "--db", "a.db", "conflicts", "resolve", "abcd", "name", "--choose", "0")
        #expect(choose.code == 2 && choose.err.contains("1 eller mer"), "\(choose.err)")
    }

    @Test func aCommandWordAloneAsksForItsCommand() throws {
        for (language, wanted) in [("en", "'child' needs one of its commands: child add"), ("sv", "'child' behöver ett av sina kommandon: child add")] {
            let alone = try cli.navet("--lang", language, "child")
            #expect(alone.code == 2 && alone.err.contains(wanted), "\(alone.err)")
        }
        let replica = try cli.navetd("replica")
        #expect(replica.code == 2 && replica.err.contains("'replica' needs one of its commands"), "\(replica.err)")
        let typo = try cli.navet("child", "frobnicate")
        #expect(typo.code == 2 && typo.err.contains("Unknown command 'child frobnicate'"), "\(typo.err)")
    }

    @Test func aReplyBroughtToTheOfficeIsNamedAndCountsNoRefusal() throws {
        _ = try enrolledReplica()
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        #expect(try cli.navetd("--db", "c.db", "import", "up.navet", "--reply", "reply.navet").code == 0)
        let before = try dump("c.db")
        for (language, wanted) in [("en", "it is a reply file, made here for a replica, not an upload"),
                                   ("sv", "det är en svarsfil, gjord här för en lokal databas, inte en uppladdning")] {
            let refused = try cli.navetd("--lang", language, "--db", "c.db", "import", "reply.navet", "--reply", "r2.navet")
            #expect(refused.code == 4 && refused.err.contains(wanted), "\(refused.err)")
        }
        #expect(try dump("c.db") == before)
        #expect(!FileManager.default.fileExists(atPath: folder.path("r2.navet")))
    }

    @Test func anUploadForAnotherCentralStoreIsNamedAtTheOffice() throws {
        _ = try enrolledReplica()
        #expect(try cli.navet("--db", "a.db", "export", "up.navet").code == 0)
        #expect(try cli.navetd("--db", "other.db", "init").code == 0)
        let before = try dump("other.db")
        for (language, wanted) in [("en", "which is not enrolled at this central store"), ("sv", "som inte är registrerad i det här centrallagret")] {
            let refused = try cli.navetd("--lang", language, "--db", "other.db", "import", "up.navet", "--reply", "r.navet")
            #expect(refused.code == 4 && refused.err.contains(wanted), "\(refused.err)")
            #expect(!refused.err.contains("ask the support office") && !refused.err.contains("Be stödkontoret"), "\(refused.err)")
        }
        #expect(try dump("other.db") == before)
    }
}
