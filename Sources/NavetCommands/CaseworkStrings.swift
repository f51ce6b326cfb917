import NavetCore

/// The words of `navet decision` and `navet action` (issue 14, points 1 and 4): labels of
/// decision kinds, outcomes and action states, what people type for them, help text and
/// messages, English and Swedish.
enum CaseworkStrings {
    /// What `input` names among `codes` of the label kind `kind` (`decisionkind`,
    /// `outcome`): a code, a label in either language or a synonym below, in any case,
    /// composed or decomposed, without å, ä and ö when that names one code
    /// (`Strings.match`); else the beginning (three letters or more) of such a word, when
    /// it begins words of one code only.
    static func match(_ input: String, among codes: [String], kind: String) -> TextRules.Match<String> {
        let found = Strings.match(input, among: codes, kind: kind, extra: synonyms)
        guard case .none = found else { return found }
        let wanted = TextRules.foldKey(TextRules.matchKey(input))
        guard wanted.count >= 3 else { return .none }
        let starting = codes.filter { code in
            let words = Strings.words(for: code, kind: kind).union((synonyms["\(kind).\(code)"] ?? []).map(TextRules.matchKey))
            return words.contains { TextRules.foldKey($0).hasPrefix(wanted) }
        }
        switch starting.count {
        case 0: return .none
        case 1: return .folded(starting[0])
        default: return .ambiguous(starting)
        }
    }

    /// What people also type, beyond the codes and labels.
    static let synonyms: [String: [String]] = [
        "decisionkind.asylum": ["asyl", "asylbeslut", "asylärende", "beslut om asyl", "asylum decision", "asylum"],
        "decisionkind.assigned_municipality": ["anvisning", "anvisningskommun", "kommunanvisning", "anvisad kommun",
                                               "assigned municipality", "municipality", "assignment"],
        "decisionkind.placement": ["placering", "beslut om placering", "placement", "placement decision"],
        "decisionkind.guardian": ["god man", "gode man", "godman", "förordnande av god man", "förordnande",
                                  "överförmyndare", "överförmyndaren", "guardian", "legal guardian", "guardian appointment"],
        "outcome.granted": ["bifall", "bifallen", "beviljat", "beviljad", "beviljats", "uppehållstillstånd", "PUT", "TUT",
                            "granted", "permit", "residence permit"],
        "outcome.rejected": ["avslag", "avslaget", "avslagen", "avslogs", "avslagsbeslut", "rejected", "rejection", "refused"],
        "outcome.appeal_lodged": ["överklagat", "överklagande", "överklagad", "överklagats", "appeal", "appealed", "appeal lodged"],
        "outcome.final_rejection": ["lagakraftvunnet avslag", "slutligt avslag", "laga kraft", "lagakraftvunnet",
                                    "final rejection", "final"],
        "outcome.assigned": ["anvisad", "anvisat", "anvisades", "anvisning", "assigned"],
        "outcome.placed": ["placerad", "placerat", "placering", "ny placering", "placed"],
        "outcome.moved": ["omplacerad", "omplacering", "flyttad", "flytt", "moved"],
        "outcome.ended": ["avslutad", "avslutat", "placeringen avslutad", "upphört", "ended", "placement ended"],
        "outcome.appointed": ["förordnad", "förordnande", "utsedd", "appointed"],
        "outcome.replaced": ["ny god man", "byte", "byte av god man", "bytt", "ersatt", "replaced", "new guardian"],
        "outcome.discharged": ["entledigad", "entledigande", "entledigades", "discharged", "released"],
    ]

    static let table: [String: (String, String)] = [
        // Record types, fields and choices.
        "type.decision": ("decision", "beslut"),
        "type.action": ("action", "åtgärd"),
        "typeplural.decision": ("decisions", "besluten"),
        "typeplural.action": ("actions", "åtgärderna"),
        "field.outcome": ("outcome", "utfall"),
        "field.date": ("date", "datum"),
        "field.note": ("note", "anteckning"),
        "field.who": ("who", "vem"),
        "field.what": ("what", "vad"),
        "field.due": ("due", "senast"),
        "field.follow_up": ("follow-up", "uppföljning"),
        "field.done_at": ("done", "klar"),
        "field.done_by": ("done by", "utförd av"),
        "decisionkind.asylum": ("asylum decision", "asylbeslut"),
        "decisionkind.assigned_municipality": ("assigned municipality", "anvisning av kommun"),
        "decisionkind.placement": ("placement", "placering"),
        "decisionkind.guardian": ("legal guardian", "god man"),
        "outcome.granted": ("granted", "bifall (uppehållstillstånd)"),
        "outcome.rejected": ("rejected", "avslag"),
        "outcome.appeal_lodged": ("appeal lodged", "överklagat"),
        "outcome.final_rejection": ("final rejection", "lagakraftvunnet avslag"),
        "outcome.assigned": ("assigned", "anvisad"),
        "outcome.placed": ("placed", "placerad"),
        "outcome.moved": ("moved to another placement", "omplacerad"),
        "outcome.ended": ("placement ended", "placeringen avslutad"),
        "outcome.appointed": ("appointed", "förordnad"),
        "outcome.replaced": ("replaced by another god man", "ny god man"),
        "outcome.discharged": ("discharged", "entledigad"),
        "actionstate.open": ("open", "ej klar"),
        "actionstate.overdue": ("overdue", "försenad"),
        "actionstate.done": ("done", "klar"),

        // Help.
        "help.decision.add": ("Record a decision about a child: asylum, assigned municipality, placement or god man.",
                              "Registrera ett beslut om ett barn: asylbeslut, anvisning av kommun, placering eller god man."),
        "help.decision.add.long": (
            "KIND and its OUTCOME:\n  asylum (asylbeslut): granted (bifall, uppehållstillstånd), rejected (avslag), appeal_lodged (överklagat),\n    final_rejection (lagakraftvunnet avslag)\n  assigned_municipality (anvisning): assigned\n  placement (placering): placed, moved, ended\n  guardian (god man): appointed, replaced, discharged\nCodes, English or Swedish words, in any case, with or without å, ä, ö, or the beginning of a word when it\nnames one. --date is the day of the decision: not after today, not before 2000-01-01 or the child's birth\ndate. An asylum decision carries the confidentiality tag asylum, the others case (the central store refuses\nanother). An asylum decision also sets the child's asylum status (rejected, granted, appealed, final_rejection)\nin the same change, unless a later-dated asylum decision is already recorded. Decisions are never edited: a\nnew decision is recorded. --note - reads the note from standard input.",
            "TYP och dess UTFALL:\n  asylbeslut (asyl): bifall (uppehållstillstånd), avslag, överklagat, lagakraftvunnet avslag\n  anvisning av kommun (anvisning): anvisad\n  placering: placerad, omplacerad, placeringen avslutad\n  god man: förordnad, ny god man, entledigad\nSvenska eller engelska ord, med stora eller små bokstäver, med eller utan å, ä, ö, eller början av ett ord när\nden pekar ut ett enda. --date är beslutets dag: inte efter i dag, inte före 2000-01-01 eller barnets\nfödelsedatum. Ett asylbeslut har sekretessklassen asyl, övriga beslut ärende (centrallagret avvisar en annan).\nEtt asylbeslut ändrar också barnets asylstatus (avslag, bifall, överklagat, lagakraftvunnet avslag) i samma\nändring, om inte ett asylbeslut med senare datum redan är registrerat. Beslut ändras aldrig: ett nytt beslut\nregistreras. --note - läser anteckningen från standard in."),
        "help.decision.list": ("List decisions, newest first.", "Lista beslut, de senaste först."),
        "help.decision.list.long": (
            "Shows only the decisions this replica holds: an organisation that may not read the asylum case (a group home,\na school) receives no asylum decisions.",
            "Visar bara de beslut som finns i den lokala databasen: en organisation som inte får läsa asylärendet (ett\nHVB-hem, en skola) får inga asylbeslut."),
        "help.action.add": ("Add an action: who does what for a child, by when.",
                            "Lägg till en åtgärd: vem gör vad för ett barn, senast när."),
        "help.action.add.long": (
            "--who is the organisation that answers for the action, matched against the directory the central store sends\n(any case, without å, ä, ö); a name the directory does not hold is kept as typed, with a warning. --due is\nthe last day, --follow-up the day to check on it: not before 2000-01-01 or the child's birth date, nor more\nthan ten years ahead. An action is overdue when it is not done and its last day has passed (Swedish time).",
            "--who är organisationen som svarar för åtgärden, som förteckningen från centrallagret stavar den (stora eller\nsmå bokstäver, även utan å, ä, ö); ett namn som inte finns i förteckningen sparas som det skrevs, med en\nvarning. --due är sista dagen, --follow-up dagen för uppföljning: inte före 2000-01-01 eller barnets\nfödelsedatum, och inte mer än tio år framåt. En åtgärd är försenad när den inte är klar och sista dagen har\npasserat (svensk tid)."),
        "help.action.done": ("Mark an action done, by you.", "Markera en åtgärd som klar, av dig."),
        "help.action.done.long": (
            "Records when (--at, default now) and by whom (the user running the command). TIME is ISO 8601 with an\noffset (2026-11-30T14:05+01:00) or a local time without one (2026-11-30 14:05), read as Swedish time; not in\nthe future (a few minutes of clock difference allowed), not before 2000-01-01. An action done already is\nrefused.",
            "Registrerar när (--at, standard nu) och av vem (användaren som kör kommandot). TID är ISO 8601 med tidszon\n(2026-11-30T14:05+01:00) eller en lokal tid utan (2026-11-30 14:05), som läses som svensk tid; inte i\nframtiden (några minuters skillnad mellan klockor godtas), inte före 2000-01-01. En åtgärd som redan är klar\navvisas."),
        "help.action.list": ("List actions by their last day: open, overdue and done.",
                             "Lista åtgärder efter sista dag: ej klara, försenade och klara."),
        "help.action.list.long": (
            "--overdue lists only actions not done whose last day has passed (Swedish time).",
            "--overdue listar bara åtgärder som inte är klara och vars sista dag har passerat (svensk tid)."),
        "opt.caseChild": ("the child's id (or a unique prefix of it)", "barnets id (eller en unik början av det)"),
        "opt.caseListChild": ("only this child's case",
            "bara det här barnets ärende"),
        "opt.decisionKind": ("the kind of decision (listed above)", "typ av beslut (se listan ovan)"),
        "opt.outcome": ("the outcome, one of the kind's (listed above)", "utfallet, ett av typens (se listan ovan)"),
        "opt.decisionDate": ("the day of the decision", "beslutets dag"),
        "opt.decisionNote": ("a note on the decision ('-': standard input)", "en anteckning om beslutet ('-': standard in)"),
        "opt.who": ("the organisation that answers for it", "organisationen som svarar för den"),
        "opt.what": ("what is to be done", "vad som ska göras"),
        "opt.due": ("the last day", "sista dagen"),
        "opt.followUp": ("the day to follow it up", "dagen för uppföljning"),
        "opt.doneAt": ("when it was done (default now)", "när den blev klar (standard nu)"),
        "opt.overdue": ("only overdue actions", "bara försenade åtgärder"),

        // Messages.
        "error.badDecisionKind": ("--kind must be one of: {0}. '{1}' is not one.",
                                  "--kind måste vara något av: {0}. '{1}' är inget av dem."),
        "error.badOutcome": ("'{0}' is not an outcome of a decision of the kind {1}. Its outcomes are: {2}.",
                             "'{0}' är inget utfall för beslutstypen {1}. Dess utfall är: {2}."),
        "error.outcomeOtherKind": ("'{0}' is an outcome of the kind {1}, not of {2}. The outcomes of {2} are: {3}.",
                                   "'{0}' är ett utfall för beslutstypen {1}, inte för {2}. Utfallen för {2} är: {3}."),
        "error.decisionFuture": ("--date {0} is after today ({1}): a decision is recorded once it has been made. Check the date.",
                                 "--date {0} ligger efter i dag ({1}): ett beslut registreras när det har fattats. Kontrollera datumet."),
        "error.followUpPast": ("--follow-up {0} is before today ({1}): a follow-up is planned ahead. Check the date. Nothing was changed.",
                               "--follow-up {0} ligger före i dag ({1}): en uppföljning planeras framåt. Kontrollera datumet. Inget har ändrats."),
        "out.noteDay": ("(happened {0})", "(hände {0})"),
        "error.noteFuture": ("--date {0} is after today ({1}): a note records what has happened. Check the date.",
                             "--date {0} ligger efter i dag ({1}): en anteckning beskriver det som har hänt. Kontrollera datumet."),
        "opt.noteDate": ("the day it happened, when earlier than today (a talk held on Monday and written down on Wednesday counts from Monday; default today)",
                         "dagen det hände, om den är tidigare än i dag (ett samtal som hölls i måndags och skrivs ner på onsdagen räknas från måndagen; standard i dag)"),
        "out.decisionAdded": ("Recorded decision {0} for child {1}: {2}, {3}, dated {4}.",
                              "Registrerade beslutet {0} för barnet {1}: {2}, {3}, daterat {4}."),
        "out.statusSet": ("The child's asylum status is now {0} (it was {1}).",
                          "Barnets asylstatus är nu {0} (den var {1})."),
        "out.statusSame": ("The child's asylum status was already {0}.", "Barnets asylstatus var redan {0}."),
        "out.statusKept": ("The child's asylum status stays {0}: asylum decision {1}, dated {2}, is later.",
                           "Barnets asylstatus förblir {0}: asylbeslutet {1}, daterat {2}, är senare."),
        "out.statusNone": ("not set", "inte angiven"),
        "out.noDecisions": ("No decisions in this replica.", "Inga beslut i den lokala databasen."),
        "out.actionAdded": ("Added action {0} for child {1}: {2} – {3}, due {4}.",
                            "Lade till åtgärden {0} för barnet {1}: {2} – {3}, senast {4}."),
        "out.actionDone": ("Action {0} done at {1} by {2}.", "Åtgärden {0} klar {1}, utförd av {2}."),
        "out.noActions": ("No actions in this replica.", "Inga åtgärder i den lokala databasen."),
        "out.noOverdue": ("No overdue actions in this replica.", "Inga försenade åtgärder i den lokala databasen."),
        "error.actionAlreadyDone": ("Action {0} was already done at {1} by {2}; nothing was changed.",
                                    "Åtgärden {0} blev redan klar {1}, utförd av {2}; inget har ändrats."),
        "warn.whoNotInDirectory": (
            "warning: '{0}' is not an organisation in the directory; it was saved as typed.",
            "varning: '{0}' är ingen organisation i förteckningen; namnet sparades som det skrevs."),
        "error.whoEmpty": ("{0} must name an organisation.", "{0} måste ange en organisation."),
    ]
}

extension Strings {
    /// A record type's label as `error.wrongType` names it: in English with its indefinite
    /// article ("a note", "an action"), in Swedish as it is ("av typen åtgärd").
    func typeWithArticle(_ type: String) -> String {
        let word = label("type", type)
        guard language != .swedish else { return word }
        return (word.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + word
    }
}
