import NavetCore
import NavetStore

/// The printable plan for the SIP meeting (`navet sip show --html FILE`): one self-contained
/// HTML file, A4, inline CSS, no scripts and nothing fetched from elsewhere, every value
/// escaped. A draft carries a visible DRAFT mark on every printed page (a watermark behind
/// the text, fixed to the page, so it repeats on each).
enum SipHTML {
    /// Text as HTML: `& < > " '` escaped, control characters written visibly
    /// (`TextRules.visible`), line feeds kept for `white-space: pre-wrap`.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in TextRules.visible(text.replacingOccurrences(of: "\t", with: "    "), keepingLineFeeds: true) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        @page { size: A4; margin: 18mm 16mm 18mm 16mm; }
        * { box-sizing: border-box; }
        body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; color: #000; margin: 0; line-height: 1.35; }
        h1 { font-size: 16pt; margin: 0 0 2mm 0; }
        h2 { font-size: 12pt; margin: 6mm 0 2mm 0; border-bottom: 1px solid #444; }
        .plan + .plan { page-break-before: always; break-before: page; }
        .meta { color: #333; font-size: 9pt; margin-bottom: 3mm; }
        .draft { border: 2px solid #b00; color: #b00; font-weight: bold; padding: 2mm 3mm; margin: 3mm 0; }
        .draft-mark { position: fixed; top: 42%; left: 0; right: 0; text-align: center; z-index: -1; color: rgba(176, 0, 0, 0.14);
                      font-weight: bold; font-size: 84pt; letter-spacing: 4px; transform: rotate(-30deg); }
        table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
        tr { page-break-inside: avoid; break-inside: avoid; }
        th, td { border: 1px solid #777; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
        th { background: #eee; }
        table.facts th { width: 32%; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; }
        td { overflow-wrap: anywhere; }
        .note { font-size: 8.5pt; color: #333; margin-top: 6mm; }
        .signatures td { height: 14mm; }
        """

    static func render(_ views: [SipView], strings s: Strings, organisation: String?, user: String, printedAt: String) -> String {
        let swedish = s.language == .swedish
        func t(_ key: String, _ arguments: String...) -> String { s.t(key, arguments) }
        func cell(_ value: FieldValue) -> String { escape(value.displayText ?? "–") }
        var html = "<!DOCTYPE html>\n<html lang=\"\(swedish ? "sv" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<title>\(escape(t("out.sipTitle")))</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n"
        // On every printed page when every plan in the file is a draft (a mark fixed to the
        // page repeats on each); a file that also holds agreed plans marks each draft in place.
        if !views.isEmpty, views.allSatisfy(\.isDraft) { html += "<div class=\"draft-mark\">\(escape(t("out.sipDraftPage")))</div>\n" }
        for view in views {
            let plan = view.plan
            html += "<section class=\"plan\">\n<h1>\(escape(t("out.sipTitle")))</h1>\n"
            html += "<div class=\"meta\">\(escape(t("out.sipPlanID"))): \(plan.id.description) · "
                + "\(escape(t("out.sipChildID"))): \(view.child.description)</div>\n"
            if view.isDraft {
                html += "<div class=\"draft\">\(escape(t("out.sipDraftHTML", organisation ?? t("out.sipYourOrganisation"))))</div>\n"
            }
            if let lapsed = view.lapsedConsent {
                html += "<div class=\"draft\">\(escape(t("out.sipConsentLapsed", s.label("consentstate", lapsed), plan.id.description)))</div>\n"
            }
            let name = view.childName ?? t("out.sipNameNotShared")
            var facts: [(String, String)] = [
                (s.field("child"), escape(name)),
                (s.field("status"), escape(s.label("sipstatus", view.isDraft ? "draft" : "agreed"))),
                (s.field("responsible"), cell(plan.value("responsible"))),
                (s.field("participants"), "<span class=\"text\">\(cell(plan.value("participants")))</span>"),
                (s.field("next_follow_up"), cell(plan.value("next_follow_up"))),
            ]
            facts.append((s.field("consent"), escape(view.consentText(s))))
            html += "<table class=\"facts\">\n"
            for (label, value) in facts { html += "<tr><th>\(escape(label))</th><td>\(value)</td></tr>\n" }
            html += "</table>\n"
            html += "<h2>\(escape(s.field("needs")))</h2>\n<div class=\"text\">\(cell(plan.value("needs")))</div>\n"
            for (heading, list) in [("out.sipInterventions", view.interventions), ("out.sipMeasures", view.measures)] {
                html += "<h2>\(escape(t(heading)))</h2>\n"
                if list.isEmpty {
                    html += "<p>\(escape(t("out.sipNoItems")))</p>\n"
                    continue
                }
                let who = heading == "out.sipInterventions" ? s.field("principal") : t("out.sipActor")
                html += "<table>\n<tr><th>\(escape(s.field("what")))</th><th>\(escape(who))</th>"
                    + "<th>\(escape(s.field("due")))</th><th>\(escape(s.field("done_at")))</th></tr>\n"
                for item in list {
                    let note = !view.isDraft && SipView.itemIsDraft(item)
                        ? "<br><strong>\(escape(t("out.sipItemNotShared", plan.id.description)))</strong>" : ""
                    html += "<tr><td class=\"text\">\(cell(item.value("what")))\(note)</td><td>\(cell(item.value("principal")))</td>"
                        + "<td>\(cell(item.value("due")))</td><td>\(cell(item.value("done_at")))</td></tr>\n"
                }
                html += "</table>\n"
            }
            html += "<h2>\(escape(t("out.sipFollowUps")))</h2>\n"
            if view.followUps.isEmpty {
                html += "<p>\(escape(t("out.sipNoItems")))</p>\n"
            } else {
                html += "<table>\n<tr><th>\(escape(s.field("date")))</th><th>\(escape(s.field("text")))</th>"
                    + "<th>\(escape(s.field("next_follow_up")))</th></tr>\n"
                for row in view.followUps {
                    html += "<tr><td>\(cell(row.value("date")))</td><td class=\"text\">\(cell(row.value("text")))</td>"
                        + "<td>\(cell(row.value("next_follow_up")))</td></tr>\n"
                }
                html += "</table>\n"
            }
            html += "<p class=\"note\">\(escape(t("out.sipLegal")))<br>\(escape(t("out.sipPrinted", printedAt, user)))</p>\n"
            html += "</section>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }
}
