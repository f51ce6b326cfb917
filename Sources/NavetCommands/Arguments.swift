/// A small, table-driven argument parser (no packages: written here, kept short).
///
/// Options are `--name value`, `--name=value` or flags; `--` ends options. Everything
/// else is positional, in order.
public struct OptionSpec: Sendable {
    public let name: String
    public let takesValue: Bool
    /// Key into `Strings` for the help line.
    public let helpKey: String
    public let valueName: String

    public init(_ name: String, value valueName: String? = nil, help helpKey: String) {
        self.name = name
        self.takesValue = valueName != nil
        self.valueName = valueName ?? ""
        self.helpKey = helpKey
    }
}

public struct ParsedArguments: Sendable {
    public var values: [String: String] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public func value(_ name: String) -> String? { values[name] }
    public func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }
}

enum ArgumentParser {
    /// Parses `arguments` against `options`. Unknown options and missing values are usage
    /// errors; a repeated option is one too, so nothing is silently overridden.
    static func parse(_ arguments: [String], options: [OptionSpec], strings: Strings) throws(CLIError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                // "-1", "-5°C": a value that starts with a dash; say how to give one.
                let looksLikeValue = !argument.hasPrefix("--") && !(argument.dropFirst().first?.isLetter ?? true)
                let key = looksLikeValue ? "error.unknownOptionOrValue" : "error.unknownOption"
                throw CLIError(.usage, strings.t(key, argument), helpHint: true)
            }
            if parsed.has(spec.name) {
                throw CLIError(.usage, strings.t("error.repeatedOption", spec.name), helpHint: true)
            }
            if spec.takesValue {
                if let inline {
                    parsed.values[spec.name] = inline
                } else if index < arguments.count {
                    parsed.values[spec.name] = arguments[index]
                    index += 1
                } else {
                    throw CLIError(.usage, strings.t("error.missingValue", spec.name), helpHint: true)
                }
            } else {
                if inline != nil { throw CLIError(.usage, strings.t("error.flagTakesNoValue", spec.name), helpHint: true) }
                parsed.flags.insert(spec.name)
            }
        }
        return parsed
    }
}
