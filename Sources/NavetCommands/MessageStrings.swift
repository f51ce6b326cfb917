/// Messages about typed text, system errors and the other texts of issue 11's message
/// review, in English and Swedish (merged into `Strings.table`). The Swedish uses the
/// glossary's words.
enum MessageStrings {
    static let table: [String: (String, String)] = [
        "schema.notUTF8": (
            "{0} is not valid UTF-8 text (shown as �): the terminal or file it came from does not use UTF-8. Set the terminal to UTF-8 (for example LANG=sv_SE.UTF-8) or save the file as UTF-8, and type it again.",
            "{0} är inte giltig UTF-8-text (visas som �): terminalen eller filen den kom från använder inte UTF-8. Ställ in terminalen på UTF-8 (till exempel LANG=sv_SE.UTF-8) eller spara filen som UTF-8, och skriv in det igen."),
        "schema.invisibleCharacter": (
            "{0} may not hold the invisible character {1}: it makes two names that look the same differ. Type the value again without it.",
            "{0} får inte innehålla det osynliga tecknet {1}: det gör att två namn som ser likadana ut blir olika. Skriv in värdet igen utan det."),
        "warning.defaultURL": (
            "warning: no --url was given, so {0} says the server is at http://127.0.0.1:8080, which works only on this computer. Give --url with the address the replica's computer reaches navetd at.",
            "varning: --url angavs inte, så {0} anger servern som http://127.0.0.1:8080, vilket bara fungerar på den här datorn. Ange --url med adressen som den lokala databasens dator når navetd på."),
    ]
}
