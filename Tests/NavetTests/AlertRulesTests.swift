import NavetCore
import NavetPolicy
import Testing

/// The alert rules (issue 14, point 5) as pure functions with an injected clock: at their
/// boundaries, across Sweden's daylight-saving changes (2026-03-29 and 2026-10-25: a 24 h or
/// 72 h timer is elapsed time, a 7-, 14- or 90-day rule counts Swedish calendar days), and
/// what a replica that is not sent a value never concludes from its absence.
@Suite struct AlertRulesTests {
    static let child = RecordID(rawValue: 0xC0)
    static let episode = RecordID(rawValue: 0xE1)

    static func at(_ text: String) -> Int64 {
        guard let moment = Timestamp(iso: text) else { Issue.record("bad time \(text)"); return 0 }
        return moment.unixMilliseconds
    }
    static func time(_ text: String) -> Timestamp { Timestamp(iso: text)! }
    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    func rules(_ facts: AlertFacts, at now: String, _ thresholds: AlertThresholds = .defaults) -> [AlertRule] {
        AlertRules.evaluate(facts, now: Self.at(now), thresholds: thresholds).map(\.rule)
    }

    func missing(_ episode: AlertFacts.Episode, hub: [AlertMember] = []) -> AlertFacts {
        AlertFacts(child: Self.child, episodes: [episode], hub: hub)
    }

    // MARK: Missing

    @Test func aMissingChildNotReportedAlertsAtOnceAndNotOnceThePoliceAreTold() {
        let seen = Self.time("2026-11-30T21:40+01:00")
        let open = missing(.init(id: Self.episode, lastSeenAt: seen))
        // The same minute: no waiting time.
        let now = AlertRules.evaluate(open, now: seen.unixMilliseconds)
        #expect(now.map(\.rule) == [.missingNotReported])
        #expect(now.first?.severity == .critical && now.first?.since == .instant(seen))
        // Discovered later: since the discovery.
        var discovered = AlertFacts.Episode(id: Self.episode, lastSeenAt: seen, discoveredAt: Self.time("2026-11-30T23:00+01:00"))
        #expect(AlertRules.evaluate(missing(discovered), now: Self.at("2026-11-30T23:05+01:00")).first?.since
                == .instant(Self.time("2026-11-30T23:00+01:00")))
        discovered.policeNotifiedAt = Self.time("2026-11-30T23:10+01:00")
        #expect(rules(missing(discovered), at: "2026-11-30T23:15+01:00").isEmpty)
        // Found or closed: no longer missing.
        #expect(rules(missing(.init(id: Self.episode, lastSeenAt: seen, foundAt: Self.time("2026-12-01T08:00+01:00"))),
                      at: "2026-12-01T09:00+01:00").isEmpty)
        #expect(rules(missing(.init(id: Self.episode, lastSeenAt: seen, closedAt: Self.time("2026-12-01T08:00+01:00"))),
                      at: "2026-12-01T09:00+01:00").isEmpty)
    }

    @Test func missingOver24HoursIsElapsedTimeAcrossTheSpringChange() {
        // Sweden moves from +01:00 to +02:00 at 02:00 on 2026-03-29: that day has 23 hours.
        let reported = AlertFacts.Episode(id: Self.episode, lastSeenAt: Self.time("2026-03-28T22:00+01:00"),
                                          policeNotifiedAt: Self.time("2026-03-28T22:30+01:00"))
        let hub = [AlertMember(organisation: "Skola", role: .schoolMentor),
                   AlertMember(organisation: "Soc", role: .socialSecretary)]
        let facts = missing(reported, hub: hub)
        // 22:00 the next day on the wall clock is only 23 hours later.
        #expect(rules(facts, at: "2026-03-29T22:00+02:00").isEmpty)
        // Exactly 24 hours is not more than 24 hours; one millisecond more is.
        let exactly = Self.at("2026-03-29T23:00+02:00")
        #expect(AlertRules.evaluate(facts, now: exactly).isEmpty)
        let escalated = AlertRules.evaluate(facts, now: exactly + 1)
        #expect(escalated.map(\.rule) == [.missingEscalate])
        #expect(escalated.first?.since == .instant(Self.time("2026-03-29T23:00+02:00")))
        #expect(escalated.first?.everyMember == true)
        // Every member, social secretary first (the roles' order).
        #expect(escalated.first?.recipients.map(\.organisation) == ["Soc", "Skola"])
        #expect(escalated.first?.arguments == ["2026-03-28T22:00+01:00", "24"])
    }

    @Test func missingOver24HoursIsElapsedTimeAcrossTheAutumnChange() {
        // Back from +02:00 to +01:00 at 03:00 on 2026-10-25: that day has 25 hours.
        let facts = missing(.init(id: Self.episode, lastSeenAt: Self.time("2026-10-24T22:00+02:00"),
                                  policeNotifiedAt: Self.time("2026-10-24T22:05+02:00")))
        #expect(rules(facts, at: "2026-10-25T21:00+01:00").isEmpty)  // 24 h exactly
        #expect(rules(facts, at: "2026-10-25T21:01+01:00") == [.missingEscalate])
        // 21:30 on the wall clock is already 24.5 hours later.
        #expect(rules(facts, at: "2026-10-25T21:30+01:00") == [.missingEscalate])
        // A configuration may escalate sooner.
        var sooner = AlertThresholds.defaults
        sooner.missingEscalateHours = 12
        #expect(rules(facts, at: "2026-10-25T10:01+01:00", sooner) == [.missingEscalate])
    }

    @Test func foundWithoutFollowUpAfter72ElapsedHours() {
        // Found on the Friday before the spring change: 72 hours later is 13:00 +02:00 on Monday.
        let found = AlertFacts.Episode(id: Self.episode, lastSeenAt: Self.time("2026-03-26T08:00+01:00"),
                                       policeNotifiedAt: Self.time("2026-03-26T09:00+01:00"),
                                       foundAt: Self.time("2026-03-27T12:00+01:00"))
        #expect(rules(missing(found), at: "2026-03-30T12:30+02:00").isEmpty)  // 71.5 h
        #expect(rules(missing(found), at: "2026-03-30T13:00+02:00").isEmpty)  // 72 h
        let late = AlertRules.evaluate(missing(found), now: Self.at("2026-03-30T13:00+02:00") + 1)
        #expect(late.map(\.rule) == [.foundNoFollowUp] && late.first?.severity == .high)
        #expect(late.first?.since == .instant(Self.time("2026-03-30T13:00+02:00")))
        var followed = found
        followed.followUpAt = Self.time("2026-03-31T10:00+02:00")
        #expect(rules(missing(followed), at: "2026-04-02T10:00+02:00").isEmpty)
        // Closed without a follow-up (a withdrawal that crossed the finding offline): the
        // withdrawal is contested and the follow-up is still missing.
        var closed = found
        closed.closedAt = Self.time("2026-03-28T10:00+01:00")
        #expect(rules(missing(closed), at: "2026-04-02T10:00+02:00") == [.withdrawalContested, .foundNoFollowUp])
    }

    /// A withdrawal counts only before the police were told or the child found (`EpisodeRules`):
    /// otherwise the episode stays open, its timers run on, and every member is alerted.
    @Test func aWithdrawalThatCrossedThePoliceNotificationIsContested() {
        let withdrawn = AlertFacts.Episode(id: Self.episode, lastSeenAt: Self.time("2026-10-24T22:00+02:00"),
                                           closedAt: Self.time("2026-10-24T23:00+02:00"))
        #expect(rules(missing(withdrawn), at: "2026-10-27T10:00+01:00").isEmpty)
        var crossed = withdrawn
        crossed.policeNotifiedAt = Self.time("2026-10-24T22:30+02:00")
        let alerts = AlertRules.evaluate(missing(crossed), now: Self.at("2026-10-25T10:00+01:00"))
        #expect(alerts.map(\.rule) == [.withdrawalContested] && alerts.first?.severity == .critical)
        #expect(alerts.first?.everyMember == true)
        #expect(alerts.first?.since == .instant(Self.time("2026-10-24T23:00+02:00")))
        // Still open: 24 elapsed hours after last seen (across the autumn change) it escalates.
        #expect(rules(missing(crossed), at: "2026-10-25T21:00+01:00") == [.withdrawalContested])
        #expect(rules(missing(crossed), at: "2026-10-25T21:01+01:00") == [.withdrawalContested, .missingEscalate])
    }

    // MARK: Talks

    @Test func aRejectionAlertsTheSocialSecretaryAndGuardianAtOnceAndIsDueIn7SwedishDays() {
        let decision = RecordID(rawValue: 0xD1)
        let hub = [AlertMember(organisation: "God man Umeå", role: .guardian),
                   AlertMember(organisation: "Åsa skola", role: .schoolMentor),
                   AlertMember(organisation: "Soc Umeå", role: .socialSecretary)]
        var facts = AlertFacts(child: Self.child, decisions: [.init(id: decision, kind: "asylum", outcome: "rejected",
                                                                    date: Self.day("2026-03-25"))], hub: hub)
        let first = AlertRules.evaluate(facts, now: Self.at("2026-03-25T09:00+01:00"))
        #expect(first.map(\.rule) == [.rejectionNoTalk])
        #expect(first.first?.forRoles == [.socialSecretary, .guardian])
        #expect(first.first?.recipients.map(\.organisation) == ["Soc Umeå", "God man Umeå"])
        #expect(first.first?.due == Self.day("2026-04-01") && first.first?.since == .day(Self.day("2026-03-25")))
        #expect(first.first?.arguments == ["2026-03-25", "2026-04-01", "rejected", "due", "decision"])
        // Due through 2026-04-01 in Swedish time; overdue from the Swedish midnight, while
        // it is still 1 April in UTC.
        #expect(AlertRules.evaluate(facts, now: Self.at("2026-04-01T23:59+02:00")).first?.arguments[3] == "due")
        #expect(AlertRules.evaluate(facts, now: Self.at("2026-04-02T00:00+02:00")).first?.arguments[3] == "overdue")
        // A talk before the decision does not count; one on the day does.
        facts.notes = [.init(id: RecordID(rawValue: 1), kind: "information_talk", at: Self.at("2026-03-24T15:00+01:00"))]
        #expect(rules(facts, at: "2026-03-26T09:00+01:00") == [.rejectionNoTalk])
        facts.notes.append(.init(id: RecordID(rawValue: 2), kind: "information_talk", at: Self.at("2026-03-25T00:10+01:00")))
        #expect(rules(facts, at: "2026-03-26T09:00+01:00").isEmpty)
        // A final rejection later needs its own talk.
        facts.decisions.append(.init(id: RecordID(rawValue: 0xD2), outcome: "final_rejection", date: Self.day("2026-06-10")))
        let final = AlertRules.evaluate(facts, now: Self.at("2026-06-10T12:00+02:00"))
        #expect(final.map(\.record) == [RecordID(rawValue: 0xD2)])
        // Another kind of decision (not an asylum decision) is no rejection of asylum.
        facts.decisions.append(.init(id: RecordID(rawValue: 0xD4), kind: "support", outcome: "rejected", date: Self.day("2026-06-20"),
                                     isAsylum: false))
        #expect(AlertRules.evaluate(facts, now: Self.at("2026-06-21T12:00+02:00")).map(\.record) == [RecordID(rawValue: 0xD2)])
        // A grant after it ends the alert.
        facts.decisions.append(.init(id: RecordID(rawValue: 0xD3), outcome: "granted", date: Self.day("2026-07-01")))
        #expect(rules(facts, at: "2026-07-02T12:00+02:00").isEmpty)
    }

    @Test func aRejectedAsylumStatusWithoutDecisionRecordsCountsFromTheDayItWasWritten() {
        var facts = AlertFacts(child: Self.child, asylumStatus: "final_rejection", asylumStatusAt: Self.at("2026-10-24T23:30+02:00"))
        let alerts = AlertRules.evaluate(facts, now: Self.at("2026-11-02T08:00+01:00"))
        #expect(alerts.map(\.rule) == [.rejectionNoTalk] && alerts.first?.due == Self.day("2026-10-31"))
        #expect(alerts.first?.record == Self.child && alerts.first?.arguments.suffix(2) == ["overdue", "status"])
        facts.asylumStatus = "pending"
        #expect(rules(facts, at: "2026-11-02T08:00+01:00").isEmpty)
    }

    @Test func turning18Within90SwedishDaysWithoutTheTalk() {
        // 18 on 2026-12-20; the window opens 90 days before, on 2026-09-21 (summer time).
        var facts = AlertFacts(child: Self.child, birthDate: Self.day("2008-12-20"))
        #expect(rules(facts, at: "2026-09-20T23:59+02:00").isEmpty)
        let opened = AlertRules.evaluate(facts, now: Self.at("2026-09-21T00:00+02:00"))  // still 20 September in UTC
        #expect(opened.map(\.rule) == [.turning18NoTalk] && opened.first?.arguments == ["2026-12-20", "90"])
        #expect(opened.first?.since == .day(Self.day("2026-09-21")) && opened.first?.due == Self.day("2026-12-19"))
        #expect(rules(facts, at: "2026-12-19T23:59+01:00") == [.turning18NoTalk])
        #expect(rules(facts, at: "2026-12-20T00:00+01:00").isEmpty)  // 18 today: an adult
        facts.notes = [.init(id: RecordID(rawValue: 1), kind: "turning_18_talk", at: Self.at("2026-10-01T10:00+02:00"))]
        #expect(rules(facts, at: "2026-11-01T10:00+01:00").isEmpty)
        // Born 29 February: 18 on 1 March in a year without it.
        let leap = AlertFacts(child: Self.child, birthDate: Self.day("2008-02-29"))
        #expect(AlertRules.evaluate(leap, now: Self.at("2026-02-28T12:00+01:00")).first?.arguments == ["2026-03-01", "1"])
        // Wider window by configuration.
        var wider = AlertThresholds.defaults
        wider.turning18Days = 120
        #expect(rules(AlertFacts(child: Self.child, birthDate: Self.day("2008-12-20")), at: "2026-09-01T12:00+02:00", wider)
                == [.turning18NoTalk])
    }

    @Test func noInformationTalkWithin14DaysOfArrival() {
        // Arrived 2026-10-11: the 14th day is 2026-10-25, the day the clocks go back.
        var facts = AlertFacts(child: Self.child, arrivalDate: Self.day("2026-10-11"))
        #expect(rules(facts, at: "2026-10-25T23:59+01:00").isEmpty)
        let late = AlertRules.evaluate(facts, now: Self.at("2026-10-26T00:00+01:00"))
        #expect(late.map(\.rule) == [.arrivalNoTalk] && late.first?.since == .day(Self.day("2026-10-26")))
        #expect(late.first?.arguments == ["2026-10-11", "2026-10-25", "14"])
        facts.notes = [.init(id: RecordID(rawValue: 1), kind: "information_talk", at: Self.at("2026-10-30T10:00+01:00"))]
        #expect(rules(facts, at: "2026-11-02T10:00+01:00").isEmpty)
        facts.notes = [.init(id: RecordID(rawValue: 1), kind: "conversation", at: Self.at("2026-10-30T10:00+01:00"))]
        #expect(rules(facts, at: "2026-11-02T10:00+01:00") == [.arrivalNoTalk])
    }

    // MARK: Risk behaviours

    @Test func repeatedAbsenceOrRiskNotesWithinTheWindow() {
        func note(_ id: UInt64, _ kind: String, _ time: String, corrects: UInt64? = nil) -> AlertFacts.Note {
            .init(id: RecordID(rawValue: id), kind: kind, at: Self.at(time), corrects: corrects.map(RecordID.init(rawValue:)))
        }
        var facts = AlertFacts(child: Self.child, notes: [note(1, "school_absence", "2026-10-04T08:00+02:00"),
                                                          note(2, "risk_signal", "2026-11-02T20:00+01:00")])
        // The window is the last 30 Swedish days through today: 2026-10-04 … 2026-11-02.
        let alerts = AlertRules.evaluate(facts, now: Self.at("2026-11-02T21:00+01:00"))
        #expect(alerts.map(\.rule) == [.riskNotes] && alerts.first?.arguments == ["2", "30"])
        #expect(alerts.first?.everyMember == true, "preventive work is the whole hub's")
        #expect(alerts.first?.since == .instant(Self.time("2026-11-02T20:00+01:00")))
        #expect(alerts.first?.evidence == [RecordID(rawValue: 1), RecordID(rawValue: 2)])
        #expect(rules(facts, at: "2026-11-03T00:00+01:00").isEmpty)  // the first is 31 days old
        var three = AlertThresholds.defaults
        three.riskNoteCount = 3
        #expect(rules(facts, at: "2026-11-02T21:00+01:00", three).isEmpty)
        // A corrected note counts once, as its correction, at the time of the original.
        facts.notes.append(note(3, "school_absence", "2026-11-02T22:00+01:00", corrects: 2))
        #expect(AlertRules.evaluate(facts, now: Self.at("2026-11-02T23:00+01:00")).first?.arguments == ["2", "30"])
        facts.notes.append(note(4, "observation", "2026-11-02T22:30+01:00", corrects: 3))
        #expect(rules(facts, at: "2026-11-02T23:00+01:00").isEmpty)  // corrected: it was not an absence
        // Other kinds do not count.
        #expect(rules(AlertFacts(child: Self.child, notes: [note(1, "meeting", "2026-11-01T08:00+01:00"),
                                                              note(2, "conversation", "2026-11-02T08:00+01:00")]),
                      at: "2026-11-02T21:00+01:00").isEmpty)
    }

    @Test func aSuspectedCrimeNoteWithinTheWindow() {
        let facts = AlertFacts(child: Self.child, notes: [.init(id: RecordID(rawValue: 7), kind: "suspected_crime",
                                                                at: Self.at("2026-10-10T14:00+02:00"))])
        let alerts = AlertRules.evaluate(facts, now: Self.at("2026-10-20T09:00+02:00"))
        #expect(alerts.map(\.rule) == [.suspectedCrime] && alerts.first?.severity == .high && alerts.first?.record == RecordID(rawValue: 7))
        // The 30 Swedish days through 8 November start on 10 October; through 9 November, on the 11th.
        #expect(rules(facts, at: "2026-11-08T23:59+01:00") == [.suspectedCrime])
        #expect(rules(facts, at: "2026-11-09T00:00+01:00").isEmpty)
    }

    // MARK: Plans and actions

    @Test func aPlanFollowUpOrAnActionOverdueFromTheDayAfterItsDate() {
        let plan = RecordID(rawValue: 0x51)
        var facts = AlertFacts(child: Self.child, plans: [.init(id: plan, nextFollowUp: Self.day("2026-11-01"))])
        #expect(rules(facts, at: "2026-11-01T23:59+01:00").isEmpty)
        let overdue = AlertRules.evaluate(facts, now: Self.at("2026-11-02T00:00+01:00"))
        #expect(overdue.map(\.rule) == [.sipFollowUpOverdue] && overdue.first?.due == Self.day("2026-11-01"))
        facts.plans[0].nextFollowUpWrittenAt = Self.at("2026-09-01T10:00+02:00")
        // A follow-up recorded after the plan's date was set (even held early) sets the next date.
        facts.plans[0].followUps = [.init(date: Self.day("2026-10-30"), next: Self.day("2026-12-15"),
                                          writtenAt: Self.at("2026-10-30T15:00+01:00"))]
        #expect(rules(facts, at: "2026-12-15T12:00+01:00").isEmpty)
        #expect(rules(facts, at: "2026-12-16T12:00+01:00") == [.sipFollowUpOverdue])
        // The plan's date changed after that follow-up is the one waited for.
        facts.plans[0].nextFollowUp = Self.day("2026-12-01")
        facts.plans[0].nextFollowUpWrittenAt = Self.at("2026-11-05T09:00+01:00")
        #expect(rules(facts, at: "2026-12-01T12:00+01:00").isEmpty)
        #expect(rules(facts, at: "2026-12-02T12:00+01:00") == [.sipFollowUpOverdue])
        // A follow-up that set no next date leaves nothing to wait for.
        facts.plans[0].followUps.append(.init(date: Self.day("2026-11-20"), writtenAt: Self.at("2026-11-20T15:00+01:00")))
        #expect(rules(facts, at: "2027-01-10T12:00+01:00").isEmpty)

        let action = RecordID(rawValue: 0xA1)
        var acting = AlertFacts(child: Self.child, actions: [.init(id: action, who: "Soc Umeå", what: "Book an interpreter",
                                                                   due: Self.day("2026-03-28"))])
        #expect(rules(acting, at: "2026-03-28T23:59+01:00").isEmpty)
        let late = AlertRules.evaluate(acting, now: Self.at("2026-03-29T00:00+01:00"))
        #expect(late.map(\.rule) == [.actionOverdue] && late.first?.arguments == ["2026-03-28", "Book an interpreter", "Soc Umeå"])
        acting.actions[0].doneAt = Self.time("2026-03-30T10:00+02:00")
        #expect(rules(acting, at: "2026-04-01T10:00+02:00").isEmpty)
    }

    // MARK: What the replica holds

    @Test func anAbsenceTheReplicaIsNotSentNeverAlerts() {
        var facts = AlertFacts(child: Self.child, birthDate: Self.day("2008-12-20"), arrivalDate: Self.day("2026-01-01"),
                               decisions: [.init(id: RecordID(rawValue: 0xD1), outcome: "rejected", date: Self.day("2026-11-01"))],
                               episodes: [.init(id: Self.episode, lastSeenAt: Self.time("2026-11-28T22:00+01:00"),
                                                foundAt: Self.time("2026-11-29T10:00+01:00"))],
                               plans: [.init(id: RecordID(rawValue: 0x51), nextFollowUp: Self.day("2026-11-01"))],
                               actions: [.init(id: RecordID(rawValue: 0xA1), due: Self.day("2026-11-01"))])
        let all = Set(rules(facts, at: "2026-12-05T12:00+01:00"))
        #expect(all == [.rejectionNoTalk, .turning18NoTalk, .arrivalNoTalk, .foundNoFollowUp, .sipFollowUpOverdue, .actionOverdue])
        facts.visibility = AlertFacts.Visibility(talks: false, policeNotified: false, episodeState: false, followUp: false,
                                                 planFollowUps: false, actionDone: false)
        #expect(rules(facts, at: "2026-12-05T12:00+01:00").isEmpty)
        // An open episode whose state (found, closed) is not sent: no missing alert at all.
        let school = AlertFacts(child: Self.child, episodes: [.init(id: Self.episode, lastSeenAt: Self.time("2026-11-28T22:00+01:00"))],
                                visibility: .init(policeNotified: false, episodeState: false))
        #expect(rules(school, at: "2026-12-05T12:00+01:00").isEmpty)
        // The state is sent but not the police report (a member that reads the episode only).
        let partial = AlertFacts(child: Self.child, episodes: [.init(id: Self.episode, lastSeenAt: Self.time("2026-11-28T22:00+01:00"))],
                                 visibility: .init(policeNotified: false))
        #expect(rules(partial, at: "2026-12-05T12:00+01:00") == [.missingEscalate])
    }

    @Test func mostSevereFirstThenOldest() {
        let facts = AlertFacts(child: Self.child, arrivalDate: Self.day("2026-01-01"),
                               episodes: [.init(id: Self.episode, lastSeenAt: Self.time("2026-11-28T22:00+01:00"))],
                               notes: [.init(id: RecordID(rawValue: 7), kind: "suspected_crime", at: Self.at("2026-11-20T10:00+01:00"))],
                               actions: [.init(id: RecordID(rawValue: 0xA1), due: Self.day("2025-12-01"))])
        let alerts = AlertRules.evaluate(facts, now: Self.at("2026-12-01T12:00+01:00"))
        #expect(alerts.map(\.rule) == [.missingNotReported, .missingEscalate, .suspectedCrime, .actionOverdue, .arrivalNoTalk])
        #expect(alerts.map(\.severity) == [.critical, .critical, .high, .medium, .medium])
    }

    // MARK: Configuration

    @Test func theConfigurationFileOverridesWithinTheMethodsBounds() throws {
        let parsed = try AlertConfigFile.parse(Array(#"{"navet_alerts": 1, "rejection_talk_days": 5, "turning_18_days": 120}"#.utf8))
        #expect(parsed.rejectionTalkDays == 5 && parsed.turning18Days == 120 && parsed.missingEscalateHours == 24)
        #expect(try AlertConfigFile.parse(Array(#"{"navet_alerts": 1}"#.utf8)) == .defaults)
        func problem(_ text: String) -> (AlertConfigFile.Failure.Problem, String, Int)? {
            do throws(AlertConfigFile.Failure) {
                _ = try AlertConfigFile.parse(Array(text.utf8))
                return nil
            } catch {
                return (error.problem, error.path, error.position.line)
            }
        }
        #expect(problem(#"{"navet_alerts": 1, "missing_escalate_hours": 48}"#)?.0 == .outOfRange(found: "48", range: 1...24))
        #expect(problem(#"{"navet_alerts": 1, "rejection_talk_days": 0}"#)?.0 == .outOfRange(found: "0", range: 1...7))
        #expect(problem(#"{"navet_alerts": 1, "turning_18_days": 30}"#)?.0 == .outOfRange(found: "30", range: 90...730))
        #expect(problem("{\"navet_alerts\": 1,\n \"police_report_hours\": 24}")?.1 == "police_report_hours")
        #expect(problem("{\"navet_alerts\": 1,\n \"police_report_hours\": 24}")?.2 == 2)
        #expect(problem(#"{"navet_alerts": 1, "risk_note_count": 2.5}"#)?.0 == .notWholeNumber("2.5"))
        #expect(problem(#"{"navet_alerts": 1, "risk_note_count": "2"}"#)?.0 == .json(.wrongType(expected: .number)))
        #expect(problem(#"{"navet_alerts": 2}"#)?.0 == .unsupportedVersion(found: "2", supported: 1))
        #expect(problem(#"{"navet_policy": 1}"#)?.0 == .notAnAlertsFile)
        if case .json(.syntax(.repeatedKey))? = problem(#"{"navet_alerts": 1, "risk_note_count": 2, "risk_note_count": 3}"#)?.0 {
        } else {
            Issue.record("a repeated key is refused")
        }
        // A whole number at 2^63 and beyond is outside the range, not "not a whole number".
        #expect(problem(#"{"navet_alerts": 1, "risk_window_days": 99999999999999999999999}"#)?.0
                == .outOfRange(found: "99999999999999999999999", range: 1...365))
        #expect(problem(#"{"navet_alerts": 1, "risk_window_days": 9223372036854775808}"#)?.0
                == .outOfRange(found: "9223372036854775808", range: 1...365))
    }
}
