import Foundation

/// Rules for text that people type and read: Unicode normalisation, the keys names and
/// typed choices are compared by, the order lists are sorted in, and the visible escaping
/// of control characters for a terminal.
///
/// Pure functions (Foundation is used only for Unicode normalisation, never for locale
/// data, so the order is the same on every platform).
public enum TextRules {
    /// The text in Unicode Normalization Form C (composed: "å" as one scalar), the form
    /// Navet stores names and free text in.
    public static func nfc(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// The key two names are the same by: NFC, case folded, runs of whitespace collapsed
    /// to one space and trimmed. "Socialtjänsten  Strömsund" (decomposed ä) and
    /// "socialtjänsten strömsund" have the same key.
    public static func nameKey(_ text: String) -> String {
        let folded = nfc(text).lowercased()
        return folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The key a typed choice is matched by: `nameKey` with `_` and `-` read as spaces, so
    /// "final_rejection", "Final-Rejection" and "final rejection" match.
    public static func matchKey(_ text: String) -> String {
        nameKey(String(nfc(text).map { $0 == "_" || $0 == "-" ? " " : $0 }))
    }

    /// The key a typed word is matched by when it does not match exactly: `matchKey` with
    /// every accent dropped (å and ä as a, ö as o, é as e; æ as a, ø as o), for people who
    /// type on a keyboard without å, ä and ö: "BUP Umea" for "BUP Umeå", "halsa" for "hälsa".
    /// The zero-width non-joiner and joiner (U+200C, U+200D), kept in Persian and Dari
    /// names, are dropped too: nobody types them, and they would glue the letter before
    /// them into one character with them.
    public static func foldKey(_ text: String) -> String {
        asciiFoldKey(text) ?? unicodeFoldKey(text)
    }

    /// Whether `foldKey(text)` holds `folded` (a `foldKey` itself) anywhere, compared as
    /// UTF-8 bytes: both sides are folded the same way, and a comparison by characters
    /// would miss a match that ends where the text's character goes on (a letter with a
    /// mark this fold keeps).
    public static func foldedContains(_ text: String, _ folded: String) -> Bool {
        bytesContain(foldKey(text), folded)
    }

    /// A filter typed for a list (`navet child list --name`, `--municipality`), matched
    /// anywhere in the text, case and spacing folded as `matchKey` folds them. Typed with
    /// a letter the fold would change (å, ä, ö, é…), the person could type that letter, so
    /// it finds only that letter: "ö" finds "Öberg", not "Bo". Typed without one, accents
    /// are folded: "orjan" finds "Örjan" (a keyboard without å, ä and ö).
    public struct Filter: Sendable {
        /// The key matched: `foldKey` of the typed text, or its exact key (see `init`).
        public let key: String
        /// Whether the typed text has a letter the fold changes.
        public let exact: Bool

        /// Nil when the typed text holds nothing to match (empty once folded).
        public init?(_ typed: String) {
            let folded = TextRules.foldKey(typed)
            guard !folded.isEmpty else { return nil }
            // Only a Latin letter with a mark (or a mark typed after one) was chosen on
            // purpose; Arabic-script variants (ي for ی, ك for ک) are the keyboard's.
            exact = TextRules.nfc(typed).unicodeScalars.contains { scalar in
                let value = scalar.value
                return ((0x00C0...0x024F).contains(value) && value != 0xD7 && value != 0xF7)
                    || (0x1E00...0x1EFF).contains(value) || (0x0300...0x036F).contains(value)
            }
            key = exact ? Filter.exactKey(typed) : folded
        }

        /// `matchKey` without the zero-width (non-)joiners nobody types (as `foldKey`).
        static func exactKey(_ text: String) -> String {
            String(String.UnicodeScalarView(TextRules.matchKey(text).unicodeScalars.filter {
                $0.value != 0x200C && $0.value != 0x200D
            }))
        }

        public func matches(_ text: String) -> Bool {
            exact ? TextRules.bytesContain(Filter.exactKey(text), key) : TextRules.foldedContains(text, key)
        }
    }

    /// Whether `haystack` holds `needle` anywhere, compared as UTF-8 bytes.
    static func bytesContain(_ haystack: String, _ needle: String) -> Bool {
        var haystack = haystack
        var needle = needle
        return haystack.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard haystack.count >= needle.count else { return false }
                for start in 0...(haystack.count - needle.count) where haystack[start] == first {
                    if haystack[start ..< start + needle.count].elementsEqual(needle) { return true }
                }
                return false
            }
        }
    }

    /// `foldKey` of text in printable ASCII (nil for any other): `_` and `-` as spaces,
    /// lowercased, runs of spaces as one, trimmed; nothing to normalise or fold. A list
    /// filters 100,000 names by it (issue 15); `StreamingListTests` checks it against the
    /// general path.
    static func asciiFoldKey(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var space = false
        for byte in text.utf8 {
            guard byte >= 0x20 && byte < 0x7F else { return nil }
            if byte == 0x20 || byte == 0x5F || byte == 0x2D {
                space = !bytes.isEmpty
                continue
            }
            if space {
                bytes.append(0x20)
                space = false
            }
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The general path of `foldKey`: compatibility decomposition (the ligature ﬁ as fi,
    /// full-width letters as ASCII), lowercased again after it, accents dropped, and the
    /// letters that have no decomposition read as a keyboard without them types them
    /// (ı as i, đ and ð as d, ł as l, œ as oe, ß as ss, þ as th).
    static func unicodeFoldKey(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in matchKey(text).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            switch scalar {
            case _ where isCombining(scalar): continue
            case "\u{200C}", "\u{200D}": continue
            // Arabic script as keyboards and copies differ (Arabic, Dari, Pashto names):
            // the vowel and hamza marks and the tatweel dropped (أ آ إ fold to ا through
            // the decomposition above), Arabic yeh and alef maksura as Persian yeh, Arabic
            // kaf as keheh, teh marbuta as heh, alef wasla as alef.
            case "\u{064B}"..."\u{065F}", "\u{0670}", "\u{06D6}"..."\u{06ED}", "\u{0640}": continue
            case "\u{064A}", "\u{0649}": result.append("\u{06CC}")
            case "\u{0643}": result.append("\u{06A9}")
            case "\u{0629}": result.append("\u{0647}")
            case "\u{0671}": result.append("\u{0627}")
            case "æ": result.append("a")
            case "ø": result.append("o")
            case "ı": result.append("i")
            case "đ", "ð": result.append("d")
            case "ł": result.append("l")
            case "ħ": result.append("h")
            case "ŧ": result.append("t")
            case "œ": result.append(contentsOf: "oe".unicodeScalars)
            case "ß": result.append(contentsOf: "ss".unicodeScalars)
            case "þ": result.append(contentsOf: "th".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// What a typed word names among known candidates (each value with the words that
    /// name it).
    public enum Match<Value> {
        /// A word of this value is what was typed (case, Unicode form, `_` `-` and spaces aside).
        case exact(Value)
        /// Only this value matches with accents dropped (`foldKey`).
        case folded(Value)
        /// Several values match with accents dropped: the typed word is not enough to choose.
        case ambiguous([Value])
        /// Nothing matches.
        case none

        /// The value an exact or unique folded match names.
        public var value: Value? {
            switch self {
            case .exact(let value), .folded(let value): return value
            case .ambiguous, .none: return nil
            }
        }

        /// The values an ambiguous match could mean (empty otherwise).
        public var candidates: [Value] {
            if case .ambiguous(let values) = self { return values }
            return []
        }
    }

    /// Matches `typed` against `candidates`: an exact `matchKey` match always wins (the
    /// first, in the candidates' order); otherwise a match with accents dropped
    /// (`foldKey`) counts when exactly one value has it. `key` is `matchKey` for choices
    /// and `nameKey` for names.
    public static func match<Value>(_ typed: String, among candidates: [(value: Value, words: [String])],
                                    key: (String) -> String = matchKey) -> Match<Value> {
        let wanted = key(typed)
        guard !wanted.isEmpty else { return .none }
        if let exact = candidates.first(where: { $0.words.contains { key($0) == wanted } }) { return .exact(exact.value) }
        let folded = foldKey(wanted)
        let matches = candidates.filter { $0.words.contains { foldKey(key($0)) == folded } }
        switch matches.count {
        case 0: return .none
        case 1: return .folded(matches[0].value)
        default: return .ambiguous(matches.map(\.value))
        }
    }

    /// Whether a scalar is a control character (Unicode general category Cc: U+0000–U+001F,
    /// U+007F–U+009F).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The first control character in `text` other than those `allowed`, or nil.
    public static func firstControl(in text: String, allowing allowed: Set<Unicode.Scalar> = []) -> Unicode.Scalar? {
        text.unicodeScalars.first { isControl($0) && !allowed.contains($0) }
    }

    /// U+FFFD, the replacement character: what invalid UTF-8 (from a terminal or file in
    /// another encoding) becomes when decoded. Refused in typed text, where it is never
    /// what the person meant.
    public static let replacementCharacter: Unicode.Scalar = "\u{FFFD}"

    /// Invisible format characters that have no place in a one-line value such as a name:
    /// zero-width space (U+200B), word joiner and invisible operators (U+2060–U+2064),
    /// zero-width no-break space / byte order mark (U+FEFF), soft hyphen (U+00AD), and the
    /// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    /// "Ali" and "Ali" + U+200B look the same on screen but are different names.
    /// The zero-width non-joiner and joiner (U+200C, U+200D) are NOT among them: Persian,
    /// Dari and other scripts need them to write names correctly.
    public static func isInvisibleFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x200B, 0x2060...0x2064, 0xFEFF, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The first scalar a one-line value (a name, municipality, organisation name, case
    /// number) may not hold, or nil: a control character, a line or paragraph separator
    /// (U+2028, U+2029), an invisible format character (`isInvisibleFormat`), or U+FFFD.
    public static func firstForbiddenInLine(_ text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first {
            isControl($0) || isDisplayHazard($0) || isInvisibleFormat($0) || $0 == replacementCharacter
        }
    }

    /// Format characters that reorder or break what a terminal shows without being control
    /// characters: the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)
    /// and the line and paragraph separators (U+2028, U+2029).
    public static func isDisplayHazard(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// The text with every control character written visibly (`\r`, `\t`, `\0`,
    /// `\u{1B}`), so data can never move a terminal's cursor, clear its screen or hide
    /// text; bidirectional overrides and Unicode line separators (`isDisplayHazard`) and
    /// invisible format characters (`isInvisibleFormat`: `\u{200B}`) are written as
    /// `\u{202E}` too. Line feeds are kept when `keepingLineFeeds` (for text
    /// laid out by lines).
    public static func visible(_ text: String, keepingLineFeeds: Bool = false) -> String {
        func hidden(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) || isDisplayHazard(scalar) || isInvisibleFormat(scalar) }
        // Printable ASCII (and kept line feeds) needs nothing: said from the bytes, without
        // decoding scalars (issue 15: a list of 100,000 rows goes through here in chunks).
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || ($0 == 0x0A && keepingLineFeeds) }) { return text }
        guard text.unicodeScalars.contains(where: { hidden($0) && !(keepingLineFeeds && $0 == "\n") }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard hidden(scalar) else { result.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n" where keepingLineFeeds: result += "\n"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    // MARK: Collation

    /// The order a list of names is shown in, per language.
    ///
    /// In both, letters of other scripts (Cyrillic, Arabic, Greek, …) come after the Latin
    /// ones, in the order of their code points; ligatures and full-width letters sort as the
    /// letters they are made of (ﬁ as fi), and Latin letters without a decomposition as
    /// their base letter (đ and ð as d, ı as i, ł as l, œ as o).
    public enum Collation: Sendable {
        /// A–Z, then Å, Ä, Ö; accented letters as their base letter (É as E, Ü as Y); Æ as
        /// Ä and Ø as Ö; case-insensitive.
        case swedish
        /// A–Z with every accented letter as its base letter (Å, Ä and Ö as A and O);
        /// case-insensitive.
        case english
    }

    /// Where letters of other scripts go: above every Latin letter's weight (a–z and the
    /// three Swedish letters after z, at 0x1_0061–0x1_007D).
    static let otherScriptWeight: UInt32 = 0x2_0000

    /// A sort key: compare keys to order texts. Ties on the primary letters fall back to
    /// accents, then case, then the NFC scalars, so the order is total and stable.
    public static func collationKey(_ text: String, _ collation: Collation) -> [UInt32] {
        let decomposed = text.decomposedStringWithCompatibilityMapping
        var primary: [UInt32] = []
        var secondary: [UInt32] = []
        var tertiary: [UInt32] = []
        var scalars = Array(decomposed.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if isCombining(scalar) { continue }
            let lower = Character(scalar).lowercased().unicodeScalars.first ?? scalar
            let mark = scalars.first.flatMap { isCombining($0) ? $0 : nil }
            tertiary.append(lower == scalar ? 0 : 1)
            var weight = lower.value
            if collation == .swedish, let swedish = swedishLetter(lower, mark: mark) {
                weight = swedish
                scalars = scalars.drop { isCombining($0) }
                secondary.append(0)
            } else if let folded = foldedLetter(lower) {
                weight = folded
                secondary.append(1)
            } else {
                secondary.append(mark.map { $0.value } ?? 0)
            }
            if weight >= UInt32(("a" as Unicode.Scalar).value) && weight <= UInt32(("z" as Unicode.Scalar).value) + 3 {
                weight += 0x1_0000  // letters after digits, spaces and punctuation
            } else if weight >= 0x80, lower.properties.isAlphabetic {
                weight += Self.otherScriptWeight  // other scripts after the Latin letters
            }
            primary.append(weight)
        }
        return primary + [0] + secondary + [0] + tertiary + [0] + nfc(text).unicodeScalars.map(\.value)
    }

    /// Whether `lhs` comes before `rhs` in `collation`.
    public static func precedes(_ lhs: String, _ rhs: String, _ collation: Collation) -> Bool {
        collationKey(lhs, collation).lexicographicallyPrecedes(collationKey(rhs, collation))
    }

    private static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        (0x0300...0x036F).contains(scalar.value)
    }

    /// Å, Ä, Ö (and Æ, Ø, and Ü as Y) in the Swedish alphabet, after z.
    private static func swedishLetter(_ base: Unicode.Scalar, mark: Unicode.Scalar?) -> UInt32? {
        let z = UInt32(("z" as Unicode.Scalar).value)
        switch (base, mark?.value) {
        case ("a", 0x030A): return z + 1
        case ("a", 0x0308), ("æ", _): return z + 2
        case ("o", 0x0308), ("ø", _): return z + 3
        case ("u", 0x0308): return UInt32(("y" as Unicode.Scalar).value)
        default: return nil
        }
    }

    /// Letters that do not decompose but sort as a base letter.
    private static func foldedLetter(_ letter: Unicode.Scalar) -> UInt32? {
        switch letter {
        case "æ": return UInt32(("a" as Unicode.Scalar).value)
        case "ø", "œ": return UInt32(("o" as Unicode.Scalar).value)
        case "ß": return UInt32(("s" as Unicode.Scalar).value)
        case "đ", "ð": return UInt32(("d" as Unicode.Scalar).value)
        case "ı": return UInt32(("i" as Unicode.Scalar).value)
        case "ł": return UInt32(("l" as Unicode.Scalar).value)
        case "ħ": return UInt32(("h" as Unicode.Scalar).value)
        case "ŧ", "þ": return UInt32(("t" as Unicode.Scalar).value)
        default: return nil
        }
    }
}
