import NavetCore

/// The words of `navet hub`, `navet consent` and `navet missing` (issue 12, point 2), and of
/// the note tag floor: labels of roles, consent givers and risk levels, what people type for
/// them, help text and messages, English and Swedish.
enum HubStrings {
    /// Maps what a person typed for a role (`role`), consent giver (`giver`) or risk
    /// (`risk`) to its code: the code, a label in either language (with or without its
    /// bracketed part) or a synonym below, in any case, composed or decomposed, with `_`,
    /// `-` and spaces alike. Nil when nothing matches.
    static func code(for input: String, among codes: [String], kind: String) -> String? {
        match(input, among: codes, kind: kind).value
    }

    /// What `input` names among `codes`: exact, with accents dropped, ambiguous or nothing.
    static func match(_ input: String, among codes: [String], kind: String) -> TextRules.Match<String> {
        Strings.match(input, among: codes, kind: kind, extra: synonyms)
    }

    /// The label kind of a choice field (`Strings.label(kind, code)`): `note` for a note's
    /// kind, `role`, `giver`, `risk`, and `asylum` for the asylum status.
    static func choiceKind(_ field: String) -> String {
        switch field {
        case "kind": return "note"
        case "role": return "role"
        case "given_by": return "giver"
        case "risk": return "risk"
        default: return "asylum"
        }
    }

    /// What people also type, beyond the codes and labels.
    static let synonyms: [String: [String]] = [
        "role.social_secretary": ["socialsekreterare", "socialsekreteraren", "social worker", "social secretary"],
        "role.guardian": ["god man", "gode man", "godman", "gode mannen", "legal guardian", "guardian"],
        "role.contact_person": ["kontaktperson", "kontaktpersonen", "contact person", "contact"],
        "role.school_mentor": ["mentor", "mentorn", "skolmentor", "school mentor"],
        "role.health": ["hälso- och sjukvård", "hälso- och sjukvården", "hälsa", "vården", "sjukvård", "sjukvården",
                        "BUP", "health care", "health"],
        "role.volunteer": ["volontär", "volontären", "frivillig", "frivilligorganisation", "volunteer"],
        "role.migration_officer": ["migrationshandläggare", "handläggare", "handläggaren",
                                   "handläggare på Migrationsverket", "Migrationsverket", "migration officer",
                                   "case officer", "migration agency"],
        "role.police": ["polis", "polisen", "police"],
        "giver.child": ["barnet", "barn", "ungdomen", "child", "the child"],
        "giver.guardian": ["god man", "gode man", "godman", "gode mannen", "guardian", "legal guardian"],
        "risk.high": ["hög", "high"],
        "risk.medium": ["medel", "medium"],
        "risk.low": ["låg", "low"],
    ]

    static let table: [String: (String, String)] = [
        // Record types and fields.
        "type.membership": ("hub membership", "medlemskap i navet"),
        "type.consent": ("consent", "samtycke"),
        "type.missing": ("missing episode", "försvinnande"),
        "typeplural.membership": ("hub memberships", "medlemskapen i navet"),
        "typeplural.consent": ("consents", "samtyckena"),
        "typeplural.missing": ("missing episodes", "försvinnandena"),
        "field.organisation": ("organisation", "organisation"),
        "field.role": ("role", "roll"),
        "field.person": ("person", "person"),
        "field.phone": ("phone", "telefon"),
        "field.start_date": ("from", "från"),
        "field.end_date": ("to", "till"),
        "field.given_by": ("given by", "lämnat av"),
        "field.tags": ("confidentiality tags", "sekretessklasser"),
        "field.purpose": ("purpose", "syfte"),
        "field.until": ("valid through", "gäller till och med"),
        "field.revoked": ("revoked", "återkallat"),
        "field.last_seen_at": ("last seen (when)", "senast sedd (när)"),
        "field.last_seen_place": ("last seen (where)", "senast sedd (var)"),
        "field.circumstances": ("circumstances", "omständigheter"),
        "field.risk": ("risk", "risk"),
        "field.closed_at": ("closed", "avslutat"),

        // Choices.
        "role.social_secretary": ("social secretary", "socialsekreterare"),
        "role.guardian": ("legal guardian (god man)", "god man"),
        "role.contact_person": ("contact person", "kontaktperson"),
        "role.school_mentor": ("school mentor", "mentor"),
        "role.health": ("health care", "hälso- och sjukvård"),
        "role.volunteer": ("volunteer", "volontär"),
        "role.migration_officer": ("migration officer", "handläggare (Migrationsverket)"),
        "role.police": ("police", "polis"),
        "giver.child": ("the child", "barnet"),
        "giver.guardian": ("the legal guardian (god man)", "gode mannen"),
        "risk.high": ("high", "hög"),
        "risk.medium": ("medium", "medel"),
        "risk.low": ("low", "låg"),
        "hubstate.active": ("active", "aktiv"),
        "hubstate.ended": ("ended", "avslutad"),
        "hubstate.upcoming": ("not started", "inte påbörjad"),
        "consentstate.in_force": ("in force", "gäller"),
        "consentstate.expired": ("expired", "har gått ut"),
        "consentstate.revoked": ("revoked", "återkallat"),
        "missingstate.open": ("open", "pågår"),
        "missingstate.closed": ("closed", "avslutat"),

        // Help.
        "help.hub.add": ("Add an organisation to a child's hub, in a role.",
                         "Lägg till en organisation i navet kring ett barn, i en roll."),
        "help.hub.add.long": (
            "ROLE: social_secretary, guardian, contact_person, school_mentor, health, volunteer, migration_officer, police,\nor the usual words (socialsekreterare, god man, kontaktperson, mentor, BUP, frivillig, handläggare, polisen).\n--org is an organisation in the directory the central store sends with each sync, typed as you like\n(any case; without å, ä, ö when that names one organisation); the name is stored as the directory spells it.\nBefore the first sync the name is kept as typed, with a warning. An organisation that already has an active\nor planned membership in the same role is refused; in another role it gets a warning. --from is the first day (default today, Swedish time); not before\n2000-01-01 or the child's birth date, nor more than ten years ahead.",
            "ROLL: socialsekreterare, god man, kontaktperson, mentor, hälso- och sjukvård (även hälsa, BUP), volontär\n(även frivillig), handläggare (Migrationsverket), polis. Stora eller små bokstäver spelar ingen roll.\nEn organisation som redan har ett aktivt eller planerat medlemskap i samma roll avvisas; i en annan roll\nfår den en varning. --org är en organisation i förteckningen som centrallagret skickar vid varje synk, skriven som du vill (även utan\nå, ä, ö när det pekar ut en enda organisation); namnet sparas som förteckningen stavar det. Före första synken sparas namnet som det skrevs, med en varning.\n--from är första dagen (standard i dag, svensk tid); inte före 2000-01-01 eller barnets födelsedatum, och\ninte mer än tio år framåt."),
        "help.hub.list": ("List a child's hub: the organisations around the child and their roles.",
                          "Lista navet kring ett barn: organisationerna och deras roller."),
        "help.hub.list.long": (
            "Also names the organisation that registered the child, a member of the hub from the start.\nOnce your organisation's access to the child has ended, a membership not yet ended shows as\n\"access ended, state unknown\": others' changes to it were removed from this replica.",
            "Visar också organisationen som registrerade barnet, som ingår i navet från början.\nNär din organisations behörighet till barnet har upphört visas ett medlemskap som inte har avslutats som\n\"behörigheten har upphört, läget okänt\": andras ändringar av det har tagits bort från den lokala databasen."),
        "help.hub.end": ("End a hub membership.", "Avsluta ett medlemskap i navet."),
        "help.hub.end.long": (
            "--on is the last day of the membership (default today, Swedish time). A past day is accepted, down to the\nmembership's first day: a membership entered by mistake is withdrawn by ending it on its first day. Not more\nthan ten years ahead. A last day already set may be brought earlier (to today without --on), never later.\nEnding a membership stops what the organisation receives from the next sync on; it does not recall what the\norganisation has already received.",
            "--on är medlemskapets sista dag (standard i dag, svensk tid). En dag som passerat går bra, ner till\nmedlemskapets första dag: ett medlemskap som lagts in av misstag tas bort genom att avslutas på sin första\ndag. Inte mer än tio år framåt. En sista dag som redan är satt kan flyttas tidigare (till i dag utan --on),\naldrig senare. Att avsluta ett medlemskap stoppar det organisationen får från nästa synk; det organisationen redan har\nfått tas inte tillbaka."),
        "help.consent.grant": ("Record a consent to share a child's information with an organisation.",
                               "Registrera ett samtycke till att lämna ut uppgifter om ett barn till en organisation."),
        "help.consent.grant.long": (
            "--by: child or guardian (barnet, god man). --tags: confidentiality tags separated by commas\n(basic, school, case, search, asylum, health, police, protected; or their Swedish names); internal never\nleaves its organisation and cannot be consented to. --until is the last day the consent is valid, through\nthe end of that day in Swedish time; not in the past, nor more than ten years ahead. --purpose - reads the\npurpose from standard input. The central store gives a consent effect only when an organisation allowed to\nrecord it did. For a child with protected identity, a consent to an organisation outside the child's hub\nhas no effect until that organisation joins the hub: it is recorded, with a warning. A consent identical to\none in force (same organisation, same tags) is recorded with a warning naming that one.",
            "--by: barnet eller god man. --tags: sekretessklasser åtskilda med kommatecken (grunduppgifter, skola,\närende, eftersökning, asyl, hälsa, polisens uppgifter, skyddad identitet); intern lämnar aldrig sin\norganisation och kan inte omfattas av samtycke. --until är sista dagen samtycket gäller, till dagens slut\ni svensk tid; inte i det förflutna, och inte mer än tio år framåt. --purpose - läser syftet från standard in.\nCentrallagret låter ett samtycke gälla bara om en organisation som får registrera det har gjort det.\nFör ett barn med skyddad identitet får ett samtycke till en organisation utanför barnets nav ingen verkan\nförrän organisationen ingår i navet: det registreras, med en varning. Ett samtycke som är likadant som ett\nsom redan gäller (samma organisation, samma sekretessklasser) registreras med en varning som nämner det."),
        "help.consent.revoke": ("Revoke a consent.", "Återkalla ett samtycke."),
        "help.consent.list": ("List a child's consents: in force, expired or revoked.",
                              "Lista ett barns samtycken: gäller, har gått ut eller återkallat."),
        "help.consent.list.long": (
            "Once your organisation's access to the child has ended, a consent neither expired nor revoked shows as\n\"access ended, state unknown\": a revocation by others was removed from this replica.",
            "När din organisations behörighet till barnet har upphört visas ett samtycke som varken har gått ut eller\nåterkallats som \"behörigheten har upphört, läget okänt\": andras återkallelse har tagits bort från den\nlokala databasen."),
        "help.missing.report": ("Report a child missing: when and where the child was last seen.",
                                "Registrera att ett barn har försvunnit: när och var barnet senast sågs."),
        "help.missing.report.long": (
            "TIME is ISO 8601 with an offset (2026-11-30T14:05+01:00) or a local time without one (2026-11-30 14:05),\nread as Swedish time; the output says which offset was used. A local time the clocks skipped or passed twice\n(the night summer time starts or ends) is refused: give its offset. Not in the future (a few minutes of clock\ndifference allowed), not before 2000-01-01, not before the child's birth date. The risk starts at high.\nOne open episode per child. --circumstances - reads from standard input.\n--discovered-at is when the disappearance was discovered (a TIME, not before last seen), --discovered-by who\ndiscovered it, --reported-by who reports it (default your full name, see 'navet user list'). The output ends\nwith the method's checklist for this phase: record each item with 'navet missing check EPISODE ITEM'.\nTell the police at once (there is no waiting time) and record it with 'navet missing police-notified'.",
            "TID är ISO 8601 med tidszon (2026-11-30T14:05+01:00) eller en lokal tid utan (2026-11-30 14:05), som läses\nsom svensk tid; utskriften visar vilken tidszon som användes. En lokal tid som klockan hoppade över eller\npasserade två gånger (natten då sommartiden börjar eller slutar) avvisas: ange tidszonen. Inte i framtiden\n(några minuters skillnad mellan klockor godtas), inte före 2000-01-01, inte före barnets födelsedatum.\nRisken är hög från början. Ett pågående försvinnande per barn. --circumstances - läser omständigheterna från standard in.\n--discovered-at är när försvinnandet upptäcktes (en TID, inte före senast sedd), --discovered-by vem som\nupptäckte det, --reported-by vem som registrerar det (standard ditt fullständiga namn, se 'navet user list').\nUtskriften slutar med metodens checklista för den här fasen: registrera varje punkt med\n'navet missing check FÖRSVINNANDE PUNKT'. Underrätta polisen direkt (det finns ingen väntetid) och registrera\ndet med 'navet missing police-notified'."),
        "help.missing.close": ("Withdraw a missing episode reported by mistake (with a reason).",
                               "Återkalla ett försvinnande som registrerats av misstag (med skäl)."),
        "help.missing.close.long": (
            "Only for a report made by mistake: the wrong child, or a second report of the same disappearance, found\nout before the police were told and within 24 hours of the report. --reason is required and is kept with\nthe episode. When the child is found, use 'navet missing found'\nand then 'navet missing follow-up', which closes the episode. Closing ends the police's access under\nthe missing rule. Names the child's other open episodes, if any (two organisations may report the same\ndisappearance at once without a connection). Refused when your organisation's access to the child has\nended: the replica then no longer knows whether the episode is open.",
            "Bara för en registrering som gjorts av misstag: fel barn, eller en andra registrering av samma försvinnande,\nupptäckt innan polisen underrättats och inom ett dygn från registreringen. --reason krävs och sparas med\nförsvinnandet. När barnet påträffas, använd 'navet missing found' och sedan\n'navet missing follow-up', som avslutar försvinnandet. När försvinnandet avslutas upphör polisens behörighet\nenligt regeln om försvunna barn. Visar barnets andra pågående försvinnanden, om det finns några (två\norganisationer kan registrera samma försvinnande samtidigt utan uppkoppling). Avvisas när din organisations\nbehörighet till barnet har upphört: den lokala databasen vet då inte längre om försvinnandet pågår."),
        "help.missing.list": ("List missing episodes, open ones first.", "Lista försvinnanden, pågående först."),
        "help.missing.list.long": (
            "Phase: reported, police notified, found, followed up (closed) or withdrawn. Times carry their offset\n(+01:00 winter time, +02:00 summer time in Sweden). Checklist: items of the method's checklist done.\nState: open, closed, or \"access ended, state unknown\" for an episode still open here after your\norganisation's access to the child ended (others may have closed it). Several open episodes of one child\nare named below the list. hub list and consent list mark states the same way. 'navet missing show' shows\none episode whole.",
            "Fas: registrerat, polisen underrättad, påträffat, uppföljt (avslutat) eller återkallat. Tider visas med\ntidszon (+01:00 normaltid, +02:00 sommartid i Sverige). Checklista: utförda punkter i metodens checklista.\nLäge: pågår, avslutat, eller \"behörigheten har upphört, läget okänt\" för ett försvinnande som fortfarande\npågår här efter att din organisations behörighet till barnet upphört (andra kan ha avslutat det). Flera\npågående försvinnanden för ett barn visas under listan. hub list och consent list märker lägen på samma sätt.\n'navet missing show' visar ett försvinnande i sin helhet."),
        "opt.hubChild": ("the child's id (or a unique prefix of it)", "barnets id (eller en unik början av det)"),
        "opt.hubOrg": ("the organisation, as the directory names it", "organisationen, som förteckningen namnger den"),
        "opt.role": ("the organisation's role around the child", "organisationens roll kring barnet"),
        "opt.person": ("the person in that role", "personen i rollen"),
        "opt.phone": ("the person's phone number", "personens telefonnummer"),
        "opt.from": ("the first day (default today)", "första dagen (standard i dag)"),
        "opt.on": ("the last day (default today)", "sista dagen (standard i dag)"),
        "opt.by": ("who gives the consent: child or guardian", "vem som lämnar samtycket: barnet eller god man"),
        "opt.to": ("the organisation the consent lets receive the information", "organisationen som samtycket gäller"),
        "opt.tags": ("the confidentiality tags it covers, separated by commas", "sekretessklasserna det gäller, åtskilda med kommatecken"),
        "opt.purpose": ("what the information is for (- reads standard input)", "vad uppgifterna ska användas till (- läser standard in)"),
        "opt.until": ("the last day it is valid (default: until revoked)", "sista dagen det gäller (standard: tills det återkallas)"),
        "opt.lastSeenAt": ("when the child was last seen", "när barnet senast sågs"),
        "opt.lastSeenPlace": ("where the child was last seen", "var barnet senast sågs"),
        "opt.circumstances": ("what happened (- reads standard input)", "vad som hände (- läser standard in)"),
        "opt.missingChild": ("only this child's episodes", "bara det här barnets försvinnanden"),
        "opt.open": ("only open episodes (and those whose state is unknown)", "bara pågående försvinnanden (och de vars läge är okänt)"),

        // Output.
        "out.membershipAdded": ("Added {0} to the hub of child {1} as {2}, from {3}: membership {4}.",
                                "Lade till {0} i navet kring barnet {1} som {2}, från {3}: medlemskap {4}."),
        "out.membershipEnded": ("Ended membership {0} ({1}, {2}) on {3}.",
                                "Avslutade medlemskapet {0} ({1}, {2}) den {3}."),
        "out.registeredBy": ("registered the child", "registrerade barnet"),
        "out.noMemberships": ("No other organisations in this child's hub.", "Inga andra organisationer i navet kring barnet."),
        "out.hubState": ("state", "läge"),
        "out.consentGranted": ("Recorded consent {0}: {1} may receive {2} about child {3}, {4}.",
                               "Registrerade samtycke {0}: {1} får ta del av {2} om barnet {3}, {4}."),
        "out.untilRevoked": ("until revoked", "tills det återkallas"),
        "out.through": ("through {0}", "till och med {0}"),
        "out.consentRevoked": ("Revoked consent {0}.", "Återkallade samtycket {0}."),
        "out.noConsents": ("No consents for this child.", "Inga samtycken för barnet."),
        "out.missingReported": ("Reported child {0} missing: episode {1}. Last seen {2} at {3}. Risk: {4}.",
                                "Registrerade att barnet {0} har försvunnit: försvinnande {1}. Senast sedd {2} vid {3}. Risk: {4}."),
        "out.offsetUsed": ("The local time {0} was read as Swedish time: {1} ({2}).",
                           "Den lokala tiden {0} lästes som svensk tid: {1} ({2})."),
        "out.summerTime": ("summer time", "sommartid"),
        "out.winterTime": ("winter time", "normaltid"),
        "out.missingClosed": ("Closed missing episode {0} at {1}: the report is withdrawn.",
                              "Avslutade försvinnandet {0} {1}: registreringen är återkallad."),
        "out.noMissing": ("No missing episodes.", "Inga försvinnanden."),
        "out.noOpenMissing": ("No open missing episodes.", "Inga pågående försvinnanden."),
        "out.child": ("child", "barn"),

        // Refusals.
        "error.badRole": ("'{0}' is not a hub role. Roles: {1}.", "'{0}' är ingen roll i navet. Roller: {1}."),
        "error.badGiver": ("--by must be child or guardian, not '{0}'.", "--by måste vara barnet eller god man, inte '{0}'."),
        "error.unknownOrg": ("'{0}' is not an organisation in the directory. Known organisations: {1}.",
                             "'{0}' är ingen organisation i förteckningen. Kända organisationer: {1}."),
        "warn.orgUnchecked": ("warning: this replica has not received the directory of organisations yet (it has not synced), so '{0}' was saved as typed; it is checked at the next sync.",
                              "varning: den lokala databasen har inte fått förteckningen över organisationer än (den har inte synkat), så '{0}' sparades som det skrevs; det kontrolleras vid nästa synk."),
        "error.alreadyEnding": ("Membership {0} already has its last day set: {1}; nothing was changed. A last day is only ever brought earlier: give an earlier day with --on.",
                                "Medlemskapet {0} har redan en sista dag: {1}; inget har ändrats. En sista dag kan bara flyttas tidigare: ange en tidigare dag med --on."),
        "error.endBeforeStart": ("The last day {0} is before the membership's first day {1}.",
                                 "Sista dagen {0} ligger före medlemskapets första dag {1}."),
        "error.alreadyEnded": ("Membership {0} already ended on {1}; nothing was changed.",
                               "Medlemskapet {0} avslutades redan {1}; inget har ändrats."),
        "error.internalConsent": ("The confidentiality tag {0} never leaves its organisation, so no consent can cover it. Leave it out of --tags.",
                                  "Sekretessklassen {0} lämnar aldrig sin organisation, så inget samtycke kan omfatta den. Ta bort den ur --tags."),
        "error.noConsentFor": ("No consent can cover the confidentiality tag {0}: the police's own information stays with the police, and protected identity only with the child's hub. Leave it out of --tags.",
                               "Inget samtycke kan omfatta sekretessklassen {0}: polisens uppgifter stannar hos polisen, och skyddad identitet bara i barnets nav. Ta bort den ur --tags."),
        "error.badTags": ("--tags must be confidentiality tags separated by commas: {0}. '{1}' is not one.",
                          "--tags måste vara sekretessklasser åtskilda med kommatecken: {0}. '{1}' är ingen av dem."),
        "error.pastUntil": ("--until {0} is in the past (today is {1}). Give today or a later day.",
                            "--until {0} har redan passerat (i dag är det {1}). Ange i dag eller en senare dag."),
        "error.alreadyRevoked": ("Consent {0} is already revoked; nothing was changed.",
                                 "Samtycket {0} är redan återkallat; inget har ändrats."),
        "error.badTime": ("{0} '{1}' is not a time: write it 2026-11-30 14:05 (Swedish time) or with its offset, 2026-11-30T14:05+01:00.",
                          "{0} '{1}' är ingen tidpunkt: skriv 2026-11-30 14:05 (svensk tid) eller med tidszon, 2026-11-30T14:05+01:00."),
        "error.timeInGap": ("{0} did not happen in Sweden: the clocks went forward from 02:00 to 03:00 that night. Check the time, or give it with its offset (e.g. {1}).",
                            "{0} fanns inte i Sverige: klockan ställdes fram från 02:00 till 03:00 den natten. Kontrollera tiden, eller ange den med tidszon (t.ex. {1})."),
        "error.timeInOverlap": ("{0} happened twice in Sweden: the clocks went back from 03:00 to 02:00 that night. Give it with its offset: {1} (summer time, the first time) or {2} (winter time, an hour later).",
                                "{0} inträffade två gånger i Sverige: klockan ställdes tillbaka från 03:00 till 02:00 den natten. Ange den med tidszon: {1} (sommartid, första gången) eller {2} (normaltid, en timme senare)."),
        "error.futureTime": ("{0} {1} is in the future (now it is {2}). Give the time it happened.",
                             "{0} {1} ligger i framtiden (nu är klockan {2}). Ange när det hände."),
        "error.openEpisode": ("Child {0} already has an open missing episode, {1} (last seen {2} at {3}). If this is the same disappearance, keep that episode and add what is new to it as a note; if the child was found and is missing again, record the finding and the follow-up first ('navet missing found {1}', 'navet missing follow-up {1}'); if that report was a mistake, withdraw it with 'navet missing close {1} --reason TEXT'. Nothing was changed.",
                              "Barnet {0} har redan ett pågående försvinnande, {1} (senast sedd {2} vid {3}). Gäller det samma försvinnande, behåll det och lägg till det nya som en anteckning; om barnet har påträffats och försvunnit igen, registrera först att barnet påträffats och uppföljningen ('navet missing found {1}', 'navet missing follow-up {1}'); om den registreringen var ett misstag, återkalla den med 'navet missing close {1} --reason TEXT'. Inget har ändrats."),
        "error.alreadyClosed": ("Missing episode {0} was already closed at {1}; nothing was changed.",
                                "Försvinnandet {0} avslutades redan {1}; inget har ändrats."),
        "error.belowFloor": ("A note of the kind {0} needs at least the confidentiality tag {1}. Give --tag {1} or a stricter one ({2}), or leave --tag out.",
                             "En anteckning av typen {0} måste ha minst sekretessklassen {1}. Ange --tag {1} eller en strängare ({2}), eller utelämna --tag."),
    ]
}
