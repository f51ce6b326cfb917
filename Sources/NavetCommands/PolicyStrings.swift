import NavetCore
import NavetPolicy
import NavetStore

/// The words for the need-to-know policy: `navetd policy …` help and output, the hub
/// roles' labels, and every `PolicyError` in English and Swedish.
enum PolicyStrings {
    static let table: [String: (String, String)] = [
        // Help
        "help.policy.load": ("Check a policy file and put it in force.", "Kontrollera en policyfil och låt den gälla."),
        "help.policy.load.long": (
            "The file says which organisations, in which roles in a child's hub, read and write which confidentiality\ntags, and why (Protocol/POLICY.md). It is checked first: a bad file is refused with the line and key\nof the problem (exit code 4), and the policy in force stays. A good file becomes the next version and\nis in force from the next sync, also for a running 'navetd serve'. Loading the policy in force again\nchanges nothing. Start from 'navetd policy show --default'.",
            "Filen anger vilka organisationer, i vilka roller i barnets nav, som läser och skriver vilka\nsekretessklasser, och varför (Protocol/POLICY.md). Den kontrolleras först: en felaktig fil avvisas med\nraden och nyckeln där felet finns (felkod 4), och policyn som gäller står kvar. En korrekt fil blir nästa\nversion och gäller från nästa synk, även för en 'navetd serve' som redan kör. Att läsa in den policy som\nredan gäller ändrar ingenting. Utgå från 'navetd policy show --default'."),
        "help.policy.check": ("Check a policy file without loading it.", "Kontrollera en policyfil utan att läsa in den."),
        "help.policy.check.long": (
            "Exit code 0 if FILE is a valid policy, 4 with the line and key of the first problem if not.\nNeeds no central store.",
            "Felkod 0 om FIL är en giltig policy, annars 4 med raden och nyckeln där det första felet finns.\nBehöver inget centrallager."),
        "help.policy.show": ("Show the policy in force: who reads and writes what, and why.",
                             "Visa policyn som gäller: vem som läser och skriver vad, och varför."),
        "help.policy.show.long": ("Shows the version in force (0 is the default built into navetd), its label, when it was loaded, each\nrule's organisation kinds, roles, tags read and written and why, and the versions loaded before.\nIn Swedish the default policy's reasons are shown in Swedish; a reason a loaded file writes itself is\nshown as written (--json always gives the file's own text).\n--default prints the default policy file itself, to start an office's own policy from.",
            "Visar versionen som gäller (0 är standardpolicyn i navetd), dess namn, när den lästes in, varje regels\norganisationstyper, roller, sekretessklasser som läses och skrivs och varför, och tidigare versioner.\nStandardpolicyns skäl visas på svenska; ett skäl som en inläst policyfil själv anger visas som det är\nskrivet (--json ger alltid filens egen text).\n--default skriver ut standardpolicyns fil, att utgå från för en egen policy."),
        "opt.policyDefault": ("print the default policy file built into navetd", "skriv ut standardpolicyns fil som finns i navetd"),
        "opt.servePolicy": ("load this policy file before serving (refused: navetd does not start)",
                            "läs in den här policyfilen innan servern startar (felaktig fil: servern startar inte)"),

        // Output
        "policy.valid": ("{0} is a valid policy: \"{1}\", {2} {2|rule|rules}.", "{0} är en giltig policy: \"{1}\", {2} {2|regel|regler}."),
        "policy.loaded": ("Loaded {0} as policy version {1} (\"{2}\"); it is in force from the next sync.",
                          "Läste in {0} som policyversion {1} (\"{2}\"); den gäller från nästa synk."),
        "policy.alreadyInForce": ("{0} is the policy in force already (version {1}); nothing changed.",
                                  "{0} är redan den policy som gäller (version {1}); inget ändrades."),
        "policy.inForce": ("Policy in force: version {0}, \"{1}\"", "Policy som gäller: version {0}, \"{1}\""),
        "policy.builtIn": ("the default built into navetd; no policy has been loaded", "standardpolicyn i navetd; ingen policy har lästs in"),
        "policy.loadedAt": ("loaded", "inläst"),
        "policy.sha256": ("SHA-256", "SHA-256"),
        "policy.rule": ("Rule", "Regel"),
        "policy.kinds": ("Organisation kinds", "Organisationstyper"),
        "policy.everyKind": ("every kind", "alla typer"),
        "policy.roles": ("Roles", "Roller"),
        "policy.reads": ("Reads", "Läser"),
        "policy.writes": ("Writes", "Skriver"),
        "policy.why": ("Why", "Varför"),
        "policy.nothing": ("nothing", "inget"),
        "policy.registrar": ("Who may register a child, and the role it then holds",
                             "Vem som får registrera ett barn, och rollen den då har"),
        "policy.noRegistrar": ("nobody", "ingen"),
        "policy.hubAdministrators": ("Who adds and ends hub members (besides the registering organisation)",
                                     "Vem som lägger till och avslutar medlemmar i navet (utöver den som registrerade barnet)"),
        "policy.consentWriters": ("Who records consent", "Vem som registrerar samtycke"),
        "policy.missing": ("While a child is missing", "Medan ett barn är försvunnet"),
        "policy.missingKinds": ("Receive, without membership", "Får, utan medlemskap"),
        "policy.missingFields": ("Fields", "Fält"),
        "policy.keepName": ("Child's name kept with an organisation's own notes after its access ends",
                            "Barnets namn finns kvar hos en organisations egna anteckningar när behörigheten upphört"),
        "policy.fixedRules": ("Why the fixed rules hold", "Varför de fasta reglerna gäller"),
        "policy.history": ("Versions loaded", "Inlästa versioner"),
        "policy.version": ("Version", "Version"),
        "policy.label": ("Label", "Namn"),
        "policy.whyKey.registrar": ("registering a child", "att registrera ett barn"),
        "policy.whyKey.hub_administrators": ("hub administrators", "vem som ändrar navet"),
        "policy.whyKey.consent": ("consent", "samtycke"),
        "policy.whyKey.consent_writers": ("who records consent", "vem som registrerar samtycke"),
        "policy.whyKey.protected": ("protected identity", "skyddad identitet"),
        "policy.whyKey.end": ("when access ends", "när behörigheten upphör"),
        "policy.whyKey.internal": ("internal notes", "interna anteckningar"),
        "policy.whyKey.default": ("nothing by default", "inget utan stöd i en regel"),

        // Errors: where
        "policy.at": ("{0}, line {1}, column {2}: {3}", "{0}, rad {1}, kolumn {2}: {3}"),
        "policy.atKey": ("{0}, line {1}: {2}: {3}", "{0}, rad {1}: {2}: {3}"),
        "policy.theFile": ("the policy file", "policyfilen"),
        "policy.unchanged": ("The policy in force is unchanged (version {0}).", "Policyn som gäller är oförändrad (version {0})."),
        "policy.storedUnreadable": (
            "the stored policy version {0} cannot be read ({1}); load a valid policy with 'navetd policy load FILE'",
            "den sparade policyversionen {0} går inte att läsa ({1}); läs in en giltig policy med 'navetd policy load FIL'"),
        "policy.storedDamaged": ("its text no longer matches its checksum", "texten stämmer inte längre med kontrollsumman"),

        // Errors: what
        "policy.tooLarge": ("the file is {0} bytes; a policy file may be at most {1}",
                            "filen är {0} byte; en policyfil får vara högst {1}"),
        "policy.notUTF8": ("not UTF-8 text; save the file as UTF-8", "inte UTF-8-text; spara filen som UTF-8"),
        "policy.empty": ("the file is empty", "filen är tom"),
        "policy.unexpectedEnd": ("the file ends too early: a closing '}', ']' or '\"' is missing",
                                 "filen tar slut för tidigt: ett avslutande '}', ']' eller '\"' saknas"),
        "policy.expectedValue": (
            "expected a value (a text in double quotes, a number, true, false, a list [...] or an object {...}), found {0}",
            "här ska ett värde stå (en text inom citattecken, ett tal, true, false, en lista [...] eller ett objekt {...}), men här står {0}"),
        "policy.expectedKey": ("expected a key in double quotes, found {0}", "här ska en nyckel inom citattecken stå, men här står {0}"),
        "policy.expectedColon": ("expected ':' after the key, found {0}", "här ska ':' stå efter nyckeln, men här står {0}"),
        "policy.expectedCommaOrEnd": ("expected ',' or '{0}', found {1}", "här ska ',' eller '{0}' stå, men här står {1}"),
        "policy.trailingComma": ("a comma right before the closing bracket; remove it",
                                 "ett kommatecken direkt före slutparentesen; ta bort det"),
        "policy.repeatedKey": ("the key \"{0}\" is given twice in the same object (first on line {1})",
                               "nyckeln \"{0}\" står två gånger i samma objekt (första gången på rad {1})"),
        "policy.unterminatedString": ("a text starts here but never ends: its closing '\"' is missing",
                                      "en text börjar här men tar aldrig slut: det avslutande '\"' saknas"),
        "policy.controlInString": ("a line break or tab inside a text; write it as \\n or \\t",
                                   "en radbrytning eller tabb inne i en text; skriv den som \\n eller \\t"),
        "policy.badEscape": ("an escape JSON does not know; use \\\", \\\\, \\n, \\t or \\uXXXX",
                             "en kod efter \\ som JSON inte känner; använd \\\", \\\\, \\n, \\t eller \\uXXXX"),
        "policy.badNumber": ("not a valid number", "inget giltigt tal"),
        "policy.trailingText": ("more text after the end of the policy: {0}", "mer text efter policyns slut: {0}"),
        "policy.tooDeep": ("nested more than {0} levels deep", "mer än {0} nivåer djupt"),
        "policy.endOfFile": ("the end of the file", "filens slut"),
        "policy.notAPolicyFile": (
            "not a Navet policy file: it must be a JSON object with \"navet_policy\": 1 (start from 'navetd policy show --default')",
            "ingen policyfil för Navet: den ska vara ett JSON-objekt med \"navet_policy\": 1 (utgå från 'navetd policy show --default')"),
        "policy.unsupportedVersion": (
            "policy format version {0}; this navetd reads version {1} (update navetd, or write the file for version {1})",
            "policyformat version {0}; den här navetd läser version {1} (uppdatera navetd, eller skriv filen för version {1})"),
        "policy.unknownKey": ("unknown key \"{0}\"; the keys here are {1}", "okänd nyckel \"{0}\"; nycklarna här är {1}"),
        "policy.missingKey": ("the key \"{0}\" is missing", "nyckeln \"{0}\" saknas"),
        "policy.wrongType": ("must be {0}", "ska vara {0}"),
        "policy.type.object": ("an object {...}", "ett objekt {...}"),
        "policy.type.list": ("a list [...]", "en lista [...]"),
        "policy.type.text": ("a text in double quotes", "en text inom citattecken"),
        "policy.type.number": ("a number", "ett tal"),
        "policy.type.bool": ("true or false", "true eller false"),
        "policy.unknownTag": ("\"{0}\" is not a tag; tags are {1}", "\"{0}\" är ingen sekretessklass; sekretessklasserna är {1}"),
        "policy.unknownRole": ("\"{0}\" is not a hub role; roles are {1}", "\"{0}\" är ingen roll i navet; rollerna är {1}"),
        "policy.unknownKind": ("\"{0}\" is not an organisation kind; kinds are {1}",
                               "\"{0}\" är ingen organisationstyp; typerna är {1}"),
        "policy.unknownField": ("\"{0}\" is not a field the missing rule can name; write record_type.field, one of {1}",
                                "\"{0}\" är inget fält som regeln för försvunna barn kan ange; skriv posttyp.fält, något av {1}"),
        "policy.fieldNotForMissing": ("\"{0}\": the missing rule names fields of child and missing only; fields are {1}",
                                      "\"{0}\": regeln för försvunna barn anger bara fält i child och missing; fälten är {1}"),
        "policy.repeated": ("\"{0}\" is listed twice", "\"{0}\" står två gånger"),
        "policy.duplicateRuleID": ("the rule id \"{0}\" is already used by {1}", "regel-id \"{0}\" används redan av {1}"),
        "policy.badRuleID": ("\"{0}\" is not a rule id: use 1 to 64 lowercase letters a–z, digits, '_' or '-'",
                             "\"{0}\" är inget regel-id: använd 1 till 64 små bokstäver a–z, siffror, '_' eller '-'"),
        "policy.writeNotRead": ("\"{0}\" is written but not read; add it to read or remove it from write (nobody writes what they may not read)",
                                "\"{0}\" skrivs men läses inte; lägg till den i read eller ta bort den från write (ingen skriver det den inte får läsa)"),
        "policy.internalInRule": ("\"internal\" cannot be in a rule: internal notes never leave the organisation that wrote them",
                                  "\"internal\" kan inte stå i en regel: interna anteckningar lämnar aldrig organisationen som skrev dem"),
        "policy.emptyText": ("must not be empty", "får inte vara tom"),
        "policy.emptyWhy": ("must not be empty: say why the rule is lawful (a secrecy rule, a consent, an agreement)",
                            "får inte vara tom: ange varför regeln är laglig (en sekretessregel, ett samtycke, ett avtal)"),
        "policy.textTooLong": ("longer than {0} characters", "längre än {0} tecken"),
        "policy.controlCharacter": ("holds a control character ({0})", "innehåller ett styrtecken ({0})"),
        "policy.emptyList": ("must list at least one", "ska ange minst en"),
        "policy.emptyMissingKinds": ("must list the kinds of organisation that get the search fields while a child is missing (the default policy: [\"police\"])",
                                     "ska ange de typer av organisationer som får uppgifterna för eftersökning medan ett barn är försvunnet (standardpolicyn: [\"police\"])"),
        "policy.emptyKinds": ("an empty list applies to no organisation; leave \"kinds\" out to apply to every kind",
                              "en tom lista gäller ingen organisation; utelämna \"kinds\" för att gälla alla typer"),

        "policy.registrarRoleWithoutRule": (
            "no rule gives the role \"{1}\" to the kind \"{0}\"; add such a rule, or give \"{0}\" a role a rule gives it",
            "ingen regel ger rollen \"{1}\" till typen \"{0}\"; lägg till en sådan regel, eller ge \"{0}\" en roll som en regel ger den"),
        // Hub role labels: HubStrings.
    ]
}

extension Context {
    /// A policy file's problem in the reader's language, with where it is:
    /// `FILE, line 14: rules[2].read[1]: "helth" is not a tag; tags are …`, or for a
    /// syntax error `FILE, line 3, column 7: …`.
    func describe(_ error: PolicyError, file: String) -> String {
        let problem = describe(error.problem, path: error.path)
        if error.path.isEmpty {
            return t("policy.at", file, String(error.position.line), String(error.position.column), problem)
        }
        return t("policy.atKey", file, String(error.position.line), error.path, problem)
    }

    /// Codes as the file must spell them, each with its label: `basic (grunduppgifter)`.
    func codeList(_ codes: [String], kind: String) -> String {
        codes.map { code in
            let label = strings.label(kind, code)
            return label == code ? code : "\(code) (\(label))"
        }.joined(separator: ", ")
    }

    func describe(_ problem: PolicyError.Problem, path: String) -> String {
        func found(_ text: String?) -> String { text.map { "'\(Format.line($0))'" } ?? t("policy.endOfFile") }
        switch problem {
        case .tooLarge(let bytes, let limit): return t("policy.tooLarge", String(bytes), String(limit))
        case .notUTF8: return t("policy.notUTF8")
        case .syntax(let syntax):
            switch syntax {
            case .empty: return t("policy.empty")
            case .unexpectedEnd: return t("policy.unexpectedEnd")
            case .expectedValue(let text): return t("policy.expectedValue", found(text))
            case .expectedKey(let text): return t("policy.expectedKey", found(text))
            case .expectedColon(let text): return t("policy.expectedColon", found(text))
            case .expectedCommaOrEnd(let closing, let text): return t("policy.expectedCommaOrEnd", closing, found(text))
            case .trailingComma: return t("policy.trailingComma")
            case .repeatedKey(let key, let first): return t("policy.repeatedKey", Format.line(key), String(first.line))
            case .unterminatedString: return t("policy.unterminatedString")
            case .controlInString: return t("policy.controlInString")
            case .badEscape: return t("policy.badEscape")
            case .badNumber: return t("policy.badNumber")
            case .trailingText(let text): return t("policy.trailingText", found(text))
            case .tooDeep(let limit): return t("policy.tooDeep", String(limit))
            }
        case .notAPolicyFile: return t("policy.notAPolicyFile")
        case .unsupportedVersion(let version, let supported):
            return t("policy.unsupportedVersion", Format.line(version), String(supported))
        case .unknownKey(let key, let allowed): return t("policy.unknownKey", Format.line(key), allowed.joined(separator: ", "))
        case .missingKey(let key): return t("policy.missingKey", key)
        case .wrongType(let type): return t("policy.wrongType", t("policy.type." + type.rawValue))
        case .unknownTag(let text):
            return t("policy.unknownTag", Format.line(text),
                     codeList(Tag.vocabulary.filter { $0 != .internal }.map(\.rawValue), kind: "tag"))
        case .unknownRole(let text): return t("policy.unknownRole", Format.line(text), codeList(HubRole.allCases.map(\.rawValue), kind: "role"))
        case .unknownKind(let text):
            return t("policy.unknownKind", Format.line(text), codeList(OrganisationKind.allCases.map(\.rawValue), kind: "org"))
        case .unknownField(let text): return t("policy.unknownField", Format.line(text), missingFields)
        case .fieldNotForMissing(let text): return t("policy.fieldNotForMissing", Format.line(text), missingFields)
        case .repeated(let text): return t("policy.repeated", Format.line(text))
        case .duplicateRuleID(let id, let first): return t("policy.duplicateRuleID", Format.line(id), first)
        case .badRuleID(let id): return t("policy.badRuleID", Format.line(id))
        case .writeNotRead(let tag): return t("policy.writeNotRead", tag.rawValue)
        case .internalInRule: return t("policy.internalInRule")
        case .emptyText: return t(path == "why" || path.hasSuffix(".why") || path.hasPrefix("why.") ? "policy.emptyWhy" : "policy.emptyText")
        case .textTooLong(let limit): return t("policy.textTooLong", String(limit))
        case .controlCharacter(let scalar):
            return t("policy.controlCharacter", Unicode.Scalar(scalar).map { TextRules.visible(String($0)) } ?? "?")
        case .emptyList:
            // A rule's kinds may be left out (every kind); the missing rule's may not, and
            // naming every kind there would send the search fields to all of them.
            if path == "missing.kinds" { return t("policy.emptyMissingKinds") }
            return t(path.hasSuffix(".kinds") ? "policy.emptyKinds" : "policy.emptyList")
        case .registrarRoleWithoutRule(let kind, let role): return t("policy.registrarRoleWithoutRule", kind, role.rawValue)
        }
    }

    /// Every field the missing rule may name (`child.name`, …, `missing.risk`).
    private var missingFields: String {
        PolicyFile.missingRecordTypes.flatMap { type in
            (Schema.current.recordType(type)?.fields ?? []).map { "\(type).\($0.name)" }
        }.joined(separator: ", ")
    }
}
