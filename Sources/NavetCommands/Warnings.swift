import Foundation

extension Context {
    /// Prints a warning on standard error: `navet: warning: …` for people, or under
    /// `--json` one JSON object per line, `{"warning":"…"}`, so a script reading stderr
    /// never meets plain text mixed with JSON. `text` is the translated warning, starting
    /// with its "warning: " / "varning: " word.
    func warn(_ text: String) {
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: ["warning": text], options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data()
            err(String(decoding: data, as: UTF8.self))
        } else {
            err("\(program): " + text)
        }
    }
}
