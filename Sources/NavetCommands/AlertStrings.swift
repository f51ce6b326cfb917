import NavetCore
import NavetStore

/// The words of `navet alerts`: each rule's "what" (`alert.RULE`) and "do now"
/// (`alert.RULE.do`), in English and Swedish, with the arguments `AlertRules` gives.
enum AlertStrings {
    static let table: [String: (String, String)] = [
        "help.alerts": ("List the alerts the method calls for, computed on this replica (works offline).",
                        "Lista larmen som metoden kräver, beräknade i den lokala databasen (fungerar utan nätverk)."),
        "help.alerts.long": (
            "Each alert has a severity (critical, high, medium), its rule, since when it holds and what to do now,\nmost severe and oldest first. Rules and default thresholds (README, \"Alerts\"):\n  missing_not_reported   a missing episode is open and the police have not been told: at once (no waiting time)\n  missing_escalate       missing for more than 24 h (elapsed time): tell every hub member\n  withdrawal_contested   withdrawn as a mistake, but the police were told or the child found: the episode stays open\n  found_no_follow_up     found, and no follow-up within 72 h (elapsed time)\n  rejection_no_talk      a rejection, and no information talk since: from the day of the decision, due within 7 days\n  turning_18_no_talk     turns 18 within 90 days, and no note of kind turning_18_talk\n  arrival_no_talk        no information talk within 14 days of arrival\n  risk_behaviour         2 or more school_absence or risk_signal notes within 30 days\n  suspected_crime        a suspected_crime note within 30 days\n  sip_follow_up_overdue  a coordinated individual plan's follow-up date has passed\n  action_overdue         an action's due date has passed and it is not done\nDays are Swedish calendar days. An alert shows only what this replica holds: none for a child your organisation\nmay not see, and none that needs a value your organisation is not sent. --config FILE reads thresholds from a JSON\nfile ({\"navet_alerts\": 1, \"rejection_talk_days\": 5, ...}); it may bring an alert sooner, never later.",
            "Varje larm har en allvarlighetsgrad (akut, hög, medel), sin regel, sedan när det gäller och vad som ska göras nu,\nmest allvarliga och äldsta först. Regler och tröskelvärden (README, \"Alerts\"):\n  försvunnen, polisen inte underrättad  ett försvinnande pågår och polisen har inte underrättats: genast (ingen väntetid)\n  försvunnen länge                      försvunnet i mer än 24 timmar (förfluten tid): informera alla i navet\n  återkallat försvinnande pågår         försvinnandet återkallades som ett misstag, men polisen hade underrättats eller barnet påträffats: försvinnandet pågår\n  påträffad, ingen uppföljning          påträffat, och ingen uppföljning inom 72 timmar (förfluten tid)\n  avslag, inget informationssamtal      ett avslag, och inget informationssamtal sedan dess: från beslutsdagen, senast inom 7 dagar\n  fyller 18, inget samtal               fyller 18 inom 90 dagar, och ingen anteckning av typen samtal om 18-årsdagen\n  ny ankomst, inget informationssamtal  inget informationssamtal inom 14 dagar från ankomsten\n  riskbeteende                          minst 2 anteckningar om skolfrånvaro eller risksignaler inom 30 dagar\n  misstänkt brott                       en anteckning om misstänkt brott inom 30 dagar\n  SIP-uppföljning försenad              uppföljningsdatumet för en samordnad individuell plan (SIP) har passerat\n  åtgärd försenad                       en åtgärds sista dag har passerat och den är inte utförd\nDagar är svenska kalenderdagar. Ett larm visar bara det som finns i den lokala databasen: inga för ett barn din\norganisation inte får se, och inga som kräver ett värde din organisation inte får. --config FIL läser tröskelvärden\nfrån en JSON-fil ({\"navet_alerts\": 1, \"rejection_talk_days\": 5, ...}); den kan tidigarelägga ett larm, aldrig skjuta upp det."),
        "opt.alertsChild": ("only this child's alerts", "bara larmen för det här barnet"),
        "opt.alertsConfig": ("read the thresholds from a JSON file (README, \"Alerts\")",
                             "läs tröskelvärdena från en JSON-fil (README, \"Alerts\")"),

        // A rule's name in text output: the code in English (as the help lists them), the
        // words in Swedish (--json gives the code in both).
        "alertrule.missing_not_reported": ("missing_not_reported", "försvunnen, polisen inte underrättad"),
        "alertrule.missing_escalate": ("missing_escalate", "försvunnen länge"),
        "alertrule.withdrawal_contested": ("withdrawal_contested", "återkallat försvinnande pågår"),
        "alertrule.found_no_follow_up": ("found_no_follow_up", "påträffad, ingen uppföljning"),
        "alertrule.rejection_no_talk": ("rejection_no_talk", "avslag, inget informationssamtal"),
        "alertrule.turning_18_no_talk": ("turning_18_no_talk", "fyller 18, inget samtal"),
        "alertrule.arrival_no_talk": ("arrival_no_talk", "ny ankomst, inget informationssamtal"),
        "alertrule.risk_behaviour": ("risk_behaviour", "riskbeteende"),
        "alertrule.suspected_crime": ("suspected_crime", "misstänkt brott"),
        "alertrule.sip_follow_up_overdue": ("sip_follow_up_overdue", "SIP-uppföljning försenad"),
        "alertrule.action_overdue": ("action_overdue", "åtgärd försenad"),
        "severity.critical": ("critical", "akut"),
        "severity.high": ("high", "hög"),
        "severity.medium": ("medium", "medel"),

        "out.noAlerts": ("No alerts.", "Inga larm."),
        "out.alertsHeading": ("{0} {0|alert|alerts}, computed on this replica at {1} from what it holds:",
                              "{0} larm, beräknade i den lokala databasen {1} utifrån det den innehåller:"),
        "out.alertSince": ("since {0}", "sedan {0}"),
        "out.alertDoNow": ("Do now", "Gör nu"),
        "out.alertFor": ("For", "För"),
        "out.everyHubMember": ("every member of the hub", "alla i navet"),
        "out.noMemberHeld": ("no such member among the hub memberships this replica holds",
                             "ingen sådan medlem bland de medlemskap i navet som den lokala databasen innehåller"),
        "out.alertForYou": ("<- includes your organisation", "<- gäller din organisation"),
        "out.alertsAccessEnded": (
            "Your organisation's access to child {0} has ended (as the central store said at the last sync): no alerts are shown for the child.",
            "Din organisations behörighet till barnet {0} har upphört (enligt centrallagret vid den senaste synkningen): inga larm visas för barnet."),

        "alerts.configTooLarge": ("{0} is larger than {1} bytes: not an alert configuration file. Nothing was shown.",
                                  "{0} är större än {1} byte: ingen fil med larminställningar. Inget visades."),
        "alerts.notAnAlertsFile": (
            "not an alert configuration file: it must be a JSON object with \"navet_alerts\": 1",
            "ingen fil med larminställningar: den ska vara ett JSON-objekt med \"navet_alerts\": 1"),
        "alerts.unsupportedVersion": ("\"navet_alerts\" is {0}; this Navet reads version {1}",
                                      "\"navet_alerts\" är {0}; den här versionen av Navet läser version {1}"),
        "alerts.notWholeNumber": ("{0} is not a whole number", "{0} är inte ett heltal"),
        "alerts.outOfRange": (
            "{0} is outside {1}–{2}: a threshold may bring an alert sooner than the method's figure, never later",
            "{0} ligger utanför {1}–{2}: ett tröskelvärde kan tidigarelägga ett larm jämfört med metodens värde, aldrig skjuta upp det"),
        "alerts.nothingShown": ("Nothing was shown.", "Inget visades."),

        "alert.missing_not_reported": (
            "Missing (last seen {0}), and the police have not been told.",
            "Försvunnet (senast sett {0}), och polisen har inte underrättats."),
        "alert.missing_not_reported.do": (
            "Report the child missing to the police now (114 14, or 112 if the child may be in danger): there is no waiting time. Then record it (navet missing police-notified).",
            "Anmäl försvinnandet till polisen nu (114 14, eller 112 om barnet kan vara i fara): det finns ingen väntetid. Registrera sedan anmälan (navet missing police-notified)."),
        "alert.missing_not_reported.police": (
            "Missing (last seen {0}), and no report to the police is recorded by the child's hub.",
            "Försvunnet (senast sett {0}), och ingen i navet kring barnet har registrerat någon polisanmälan."),
        "alert.missing_not_reported.do.police": (
            "Check whether a report has reached the police; if not, contact the child's social services now. The hub records the report and its reference (navet missing police-notified).",
            "Kontrollera om en anmälan har kommit in till polisen; om inte, kontakta barnets socialtjänst nu. Navet kring barnet registrerar anmälan och diarienumret (navet missing police-notified)."),
        "alert.missing_escalate": (
            "Missing for more than {1} {1|hour|hours} (last seen {0}).",
            "Försvunnet i mer än {1} {1|timme|timmar} (senast sett {0})."),
        "alert.missing_escalate.do": (
            "Tell every member of the child's hub and search together. Never assume the child left of their own free will.",
            "Informera alla i barnets nav och sök tillsammans. Utgå aldrig från att barnet har gett sig av av egen fri vilja."),
        "alert.withdrawal_contested": (
            "Missing (last seen {0}): the report was withdrawn as a mistake at {1}, but the police were told or the child was found. The episode stays open.",
            "Försvunnet (senast sett {0}): försvinnandet återkallades som ett misstag {1}, men polisen hade underrättats eller barnet påträffats. Det pågår fortfarande."),
        "alert.withdrawal_contested.do": (
            "Two members of the hub acted without knowing of each other. Call each other and the police now and agree whether the child is missing; until the follow-up is recorded (navet missing follow-up), treat the child as missing.",
            "Två i navet har agerat utan att känna till varandra. Ring varandra och polisen nu och kom överens om huruvida barnet är försvunnet; behandla barnet som försvunnet tills uppföljningen är registrerad (navet missing follow-up)."),
        "alert.withdrawal_contested.police": (
            "Missing (last seen {0}): the hub closed the episode at {1} without a follow-up, after the police were told or the child was found. It stays open.",
            "Försvunnet (senast sett {0}): navet avslutade ärendet {1} utan uppföljning, efter att polisen underrättats eller barnet påträffats. Det pågår fortfarande."),
        "alert.withdrawal_contested.do.police": (
            "Contact the child's social services now and agree whether the child is still missing; the search fields stay with you until the hub records the follow-up.",
            "Kontakta barnets socialtjänst nu och kom överens om huruvida barnet fortfarande är försvunnet; efterlysningsuppgifterna finns kvar hos er tills navet registrerar uppföljningen."),
        "alert.found_no_follow_up": (
            "Found {0}, and no follow-up recorded within {1} {1|hour|hours}.",
            "Påträffat {0}, och ingen uppföljning registrerad inom {1} {1|timme|timmar}."),
        "alert.found_no_follow_up.do": (
            "Contact the child's former guardian or social services, listen to the child's own account, then record the follow-up (navet missing follow-up).",
            "Kontakta barnets tidigare gode man eller socialtjänst, lyssna på barnets egen berättelse och registrera sedan uppföljningen (navet missing follow-up)."),
        "alert.rejection_no_talk": (
            "Asylum decision \"{2}\" on {0}: no information talk recorded since. It is due by {1}.",
            "Asylbeslut \"{2}\" den {0}: inget informationssamtal registrerat sedan dess. Det ska hållas senast {1}."),
        "alert.rejection_no_talk.overdue": (
            "Asylum decision \"{2}\" on {0}: no information talk recorded since. It was due by {1}.",
            "Asylbeslut \"{2}\" den {0}: inget informationssamtal registrerat sedan dess. Det skulle ha hållits senast {1}."),
        "alert.rejection_no_talk.status": (
            "Asylum status \"{2}\" recorded on {0}, and no decision is recorded: no information talk recorded since. It is due by {1}.",
            "Asylstatus \"{2}\" registrerad den {0}, och inget beslut är registrerat: inget informationssamtal registrerat sedan dess. Det ska hållas senast {1}."),
        "alert.rejection_no_talk.status.overdue": (
            "Asylum status \"{2}\" recorded on {0}, and no decision is recorded: no information talk recorded since. It was due by {1}.",
            "Asylstatus \"{2}\" registrerad den {0}, och inget beslut är registrerat: inget informationssamtal registrerat sedan dess. Det skulle ha hållits senast {1}."),
        "alert.rejection_no_talk.do": (
            "Hold an information talk with the child about the decision and what happens now (social secretary and guardian), then write a note of kind information_talk.",
            "Håll ett informationssamtal med barnet om beslutet och vad som händer nu (socialsekreterare och god man), och skriv sedan en anteckning av typen informationssamtal."),
        "alert.turning_18_no_talk": (
            "Turns 18 on {0}, in {1} {1|day|days}, and no talk about what turning 18 means is recorded.",
            "Fyller 18 den {0}, om {1} {1|dag|dagar}, och inget samtal om vad det innebär att fylla 18 är registrerat."),
        "alert.turning_18_no_talk.do": (
            "Talk with the child about what turning 18 means (housing, school, the asylum case, support), then write a note of kind turning_18_talk.",
            "Prata med barnet om vad det innebär att fylla 18 (boende, skola, asylärendet, stöd) och skriv sedan en anteckning av typen samtal om 18-årsdagen."),
        "alert.arrival_no_talk": (
            "Arrived {0}, and no information talk was recorded within {2} {2|day|days} (by {1}).",
            "Anlände {0}, och inget informationssamtal registrerades inom {2} {2|dag|dagar} (senast {1})."),
        "alert.arrival_no_talk.do": (
            "Hold an information talk with the child about the asylum process and what to expect, then write a note of kind information_talk.",
            "Håll ett informationssamtal med barnet om asylprocessen och vad som väntar, och skriv sedan en anteckning av typen informationssamtal."),
        "alert.risk_behaviour": (
            "{0} school-absence or risk-signal {0|note|notes} within {1} {1|day|days}.",
            "{0} {0|anteckning|anteckningar} om skolfrånvaro eller risksignaler inom {1} {1|dag|dagar}."),
        "alert.risk_behaviour.do": (
            "Risk behaviours can come before a disappearance: talk with the child and the hub, and plan preventive actions together (navet action add).",
            "Riskbeteenden kan komma före ett försvinnande: prata med barnet och navet, och planera förebyggande åtgärder tillsammans (navet action add)."),
        "alert.suspected_crime": (
            "{0} suspected-crime {0|note|notes} within {1} {1|day|days}.",
            "{0} {0|anteckning|anteckningar} om misstänkt brott inom {1} {1|dag|dagar}."),
        "alert.suspected_crime.do": (
            "The child may be exploited or drawn into crime: talk with the child, tell the hub, and consider a report to the police or social services.",
            "Barnet kan utnyttjas eller dras in i brott: prata med barnet, informera navet och överväg en anmälan till polisen eller socialtjänsten."),
        "alert.sip_follow_up_overdue": (
            "The coordinated individual plan (SIP) was to be followed up by {0}.",
            "Den samordnade individuella planen (SIP) skulle ha följts upp senast {0}."),
        "alert.sip_follow_up_overdue.do": (
            "Hold the follow-up with the plan's participants and record it (navet sip follow-up).",
            "Håll uppföljningen med planens deltagare och registrera den (navet sip follow-up)."),
        "alert.action_overdue": (
            "An action due on {0} is not done: {1} ({2}).",
            "En åtgärd med sista dag {0} är inte utförd: {1} ({2})."),
        "alert.action_overdue.do": (
            "Ask {2} about it, then mark it done (navet action done).",
            "Fråga {2} om den och markera den sedan som utförd (navet action done)."),
    ]
}

extension Context {
    /// An alert's "what" and "do now" in the reader's language.
    /// `readerKind` is the reading organisation's kind: the police, who are told rather
    /// than tell, read the missing-report alert in their own words.
    func alertTexts(_ alert: Alert, readerKind: String? = nil) -> (what: String, doNow: String) {
        var arguments = alert.arguments
        var key = "alert." + alert.rule.rawValue
        if alert.rule == .rejectionNoTalk, arguments.count >= 4 {
            if arguments.count >= 5, arguments[4] == "status" { key += ".status" }
            if arguments[3] == "overdue" { key += ".overdue" }
            arguments[2] = strings.label("asylum", arguments[2])
        }
        if [.missingNotReported, .withdrawalContested].contains(alert.rule), readerKind == OrganisationKind.police.rawValue {
            return (strings.t(key + ".police", arguments), strings.t(key + ".do.police", arguments))
        }
        return (strings.t(key, arguments), strings.t("alert." + alert.rule.rawValue + ".do", arguments))
    }

    /// This replica's organisation kind, as the directory says (nil before the first reply).
    func ownKind(_ store: ReplicaStore) throws(CLIError) -> String? {
        try self.store { () throws(StoreError) in try store.originNames()[store.replicaID]?.kind }
    }
}
