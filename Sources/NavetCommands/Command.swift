import Foundation
import NavetCore
import NavetStore

/// What the dispatcher needs to know about a command: its words, options, positionals
/// and help text keys.
struct CommandSpec {
    /// The words that name it, e.g. ["child", "add"].
    let path: [String]
    /// Key of the one-line summary and of the longer help text (`help.<key>` / `help.<key>.long`).
    let helpKey: String
    let options: [OptionSpec]
    /// Positional names for usage text; `required` ones must be present.
    let positionals: [(name: String, required: Bool)]

    init(_ path: [String], help: String, options: [OptionSpec] = [], positionals: [(name: String, required: Bool)] = []) {
        self.path = path
        self.helpKey = help
        self.options = options
        self.positionals = positionals
    }
}

/// One command: `init` validates arguments (without touching anything), `run` acts.
protocol Command {
    static var spec: CommandSpec { get }
    init(_ arguments: ParsedArguments, _ context: Context) throws(CLIError)
    func run(_ context: Context) throws(CLIError)
}

/// Options every command accepts, wherever they appear.
enum GlobalOptions {
    static let navet: [OptionSpec] = [OptionSpec("--db", value: "PATH", help: "opt.db"),
                                      OptionSpec("--user", value: "NAME", help: "opt.user"),
                                      OptionSpec("--purpose", value: "TEXT", help: "opt.auditPurpose")] + common
    static let navetd: [OptionSpec] = [OptionSpec("--db", value: "PATH", help: "opt.dbServer")] + common
    static let common: [OptionSpec] = [
        OptionSpec("--json", help: "opt.json"),
        OptionSpec("--lang", value: "en|sv", help: "opt.lang"),
        OptionSpec("--help", help: "opt.help"),
    ]
}

/// Splits off the global options, finds the command, prints help, validates and runs.
struct Dispatcher {
    let program: String
    let commands: [any Command.Type]
    let defaultDatabase: String
    let databaseVariable: String
    let summaryKey: String
    let globalOptions: [OptionSpec]

    /// Runs the command and reports a failed write to stdout or stderr: exit code 5 and one
    /// line on stderr (if stderr still takes it). A command that had finished says that its
    /// work was done, so that a script does not repeat a change that was made.
    func run(arguments: [String], environment: [String: String], console: Console) -> Int32 {
        var language: Language = .english
        var json = false
        let code = dispatch(arguments: arguments, environment: environment, console: console, language: &language, json: &json)
        guard let failure = console.writeFailure else { return code }
        let strings = Strings(language)
        let reason = RobustnessStrings.reason(failure.errno, strings)
        let stream = strings.t(failure.stream == "stdout" ? "output.stdout" : "output.stderr")
        let key = code == ExitCode.ok.rawValue ? "error.outputFailedDone" : "error.outputFailed"
        // A command that failed keeps its own exit code: it changed nothing.
        let exit = code == ExitCode.ok.rawValue ? ExitCode.io : (ExitCode(rawValue: code) ?? .io)
        let error = CLIError(exit, strings.t(key, stream, reason))
        let context = Context(program: program, strings: strings, json: json, databasePath: "", console: console, now: 0)
        if json {
            context.printJSONError(error)
        } else {
            console.err("\(program): \(strings.t("error.prefix")): \(error.message)")
        }
        return exit.rawValue
    }

    private func dispatch(arguments: [String], environment: [String: String], console: Console,
                          language chosen: inout Language, json: inout Bool) -> Int32 {
        // Global options first, so even a usage error is reported in the right language.
        var rest: [String] = []
        var globals = ParsedArguments()
        var index = 0
        var language: String?
        var missingValue: String?
        var repeated: String?
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                rest += arguments[(index - 1)...]
                break
            }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if argument == "-h" || argument == "--help" {
                globals.flags.insert("--help")
            } else if argument == "--json" {
                globals.flags.insert("--json")
            } else if name == "--db" || name == "--lang"
                        || (["--user", "--purpose"].contains(name) && rest.isEmpty && globalOptions.contains { $0.name == name }) {
                var value: String?
                if argument.contains("=") {
                    value = String(argument.drop { $0 != "=" }.dropFirst())
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                }
                guard let value else {
                    missingValue = missingValue ?? name
                    continue
                }
                // A value given twice is refused, as a command's own options are: nothing is
                // silently overridden (`--db a.db --db b.db`).
                if name == "--lang" ? language != nil : globals.values[name] != nil {
                    repeated = repeated ?? name
                }
                if name == "--lang" { language = language ?? value } else if globals.values[name] == nil { globals.values[name] = value }
            } else {
                rest.append(argument)
            }
        }
        let detected = Language.detect(option: language, environment: environment)
        // An unknown --lang is refused in the environment's language (LANG=sv_SE: Swedish).
        let fallback = Language.detect(option: nil, environment: environment) ?? .english
        let strings = Strings(detected ?? fallback)
        chosen = detected ?? fallback
        json = globals.flags.contains("--json")
        var context = Context(
            program: program, strings: strings, json: globals.flags.contains("--json"),
            databasePath: globals.values["--db"] ?? environment[databaseVariable] ?? defaultDatabase,
            console: console, now: Format.now())
        if let user = environment["NAVET_USER"], !user.isEmpty, globalOptions.contains(where: { $0.name == "--user" }) {
            context.user = user
            context.userSource = "NAVET_USER"
        }
        if detected == nil {
            return report(CLIError(.usage, strings.t("error.badLanguage", language ?? "")), context: context, command: nil)
        }
        if let missingValue {
            return report(CLIError(.usage, strings.t("error.missingValue", missingValue), helpHint: true), context: context, command: nil)
        }
        if let repeated {
            return report(CLIError(.usage, strings.t("error.repeatedOption", repeated), helpHint: true), context: context, command: nil)
        }

        // The longest command path that the leading words match.
        let words = rest.prefix { !$0.hasPrefix("-") }
        let match = commands
            .filter { words.starts(with: $0.spec.path) }
            .max { $0.spec.path.count < $1.spec.path.count }
        guard let command = match else {
            let overview = Help.overview(program: program, commands: commands.map { $0.spec }, globals: globalOptions,
                                         summaryKey: summaryKey, strings: strings)
            // `navet sip item --help`, `navet missing`: a group's own commands, like `navet child`.
            if let group = longestGroup(Array(words)) {
                let members = commands.filter { $0.spec.path.starts(with: group) }.map { $0.spec }
                if globals.has("--help"), group.count == words.count {
                    console.out(Help.group(program: program, path: group, commands: members, globals: globalOptions, strings: strings))
                    return ExitCode.ok.rawValue
                }
                if !globals.has("--help") {
                    let list = members.map { $0.path.joined(separator: " ") }.joined(separator: ", ")
                    let error = group.count == words.count
                        ? CLIError(.usage, strings.t("error.needsSubcommand", group.joined(separator: " "), list), helpHint: true)
                        : CLIError(.usage, strings.t("error.unknownSubcommand", words.prefix(group.count + 1).joined(separator: " "),
                                                     group.joined(separator: " "), list), helpHint: true)
                    return report(error, context: context, command: nil, helpPath: group)
                }
            }
            if globals.has("--help") || rest == ["help"] {
                console.out(overview)
                return ExitCode.ok.rawValue
            }
            if rest.isEmpty {
                // No command: the usage goes to stderr and the exit code says it was wrong.
                if context.json { return report(CLIError(.usage, strings.t("error.noArguments")), context: context, command: nil) }
                console.err(overview)
                console.err("")
                console.err("\(program): \(strings.t("error.prefix")): \(strings.t("error.noArguments"))")
                return ExitCode.usage.rawValue
            }
            if rest.first == "--version" || rest.first == "version" {
                console.out("\(program) \(Version.string)")
                return ExitCode.ok.rawValue
            }
            return report(CLIError(.usage, strings.t("error.unknownCommand", words.first ?? rest[0]), helpHint: true),
                          context: context, command: nil)
        }
        if globals.has("--help") {
            console.out(Help.command(program: program, spec: command.spec, globals: globalOptions, strings: strings))
            return ExitCode.ok.rawValue
        }
        do throws(CLIError) {
            // `--user` and `--purpose` are global (who runs the command, and why, for the read
            // audit), before the command or after it, unless the command has an option of the
            // same name (`consent grant --purpose`, `audit list --user`): then only before it.
            let scoped = globalOptions.filter { ["--user", "--purpose"].contains($0.name) }
                .filter { option in !command.spec.options.contains { $0.name == option.name } }
            var parsed = try ArgumentParser.parse(Array(rest.dropFirst(command.spec.path.count)),
                                                  options: command.spec.options + scoped, strings: strings)
            let scopedNames = Set(scoped.map(\.name))
            for name in scopedNames.sorted() where parsed.values[name] != nil && globals.values[name] != nil {
                throw CLIError(.usage, strings.t("error.repeatedOption", name), helpHint: true)
            }
            func global(_ name: String) -> String? {
                (scopedNames.contains(name) ? parsed.values[name] : nil) ?? globals.values[name]
            }
            if let user = global("--user") {
                context.user = user
                context.userSource = "--user"
            }
            if let purpose = global("--purpose") {
                context.purpose = try AuditContext.checkPurpose(purpose, strings: strings)
            }
            let required = command.spec.positionals.filter(\.required).count
            if parsed.positionals.count < required {
                let missing = Help.valueName(command.spec.positionals[parsed.positionals.count].name, strings)
                throw CLIError(.usage, strings.t("error.missingArgument", missing), helpHint: true)
            }
            // A last positional named `X...` takes any number of values.
            let variadic = command.spec.positionals.last?.name.hasSuffix("...") ?? false
            if parsed.positionals.count > command.spec.positionals.count, !variadic {
                throw CLIError(.usage, strings.t("error.extraArgument", parsed.positionals[command.spec.positionals.count]),
                               helpHint: true)
            }
            try refuseEmptyPaths(parsed, spec: command.spec, database: globals.values["--db"], strings: strings)
            parsed.flags.formUnion(globals.flags)
            try command.init(parsed, context).run(context)
            return ExitCode.ok.rawValue
        } catch {
            return report(error, context: context, command: command.spec)
        }
    }

    /// An empty file name (`export ""`, `--db ""`, `--keep ""`) is a usage error, not a
    /// file that cannot be opened: the value names FILE, BUNDLE, PATH, OUT and DIR are paths.
    private func refuseEmptyPaths(_ parsed: ParsedArguments, spec: CommandSpec, database: String?,
                                  strings: Strings) throws(CLIError) {
        let pathNames: Set<String> = ["FILE", "BUNDLE", "PATH", "OUT", "DIR"]
        if database == "" { throw CLIError(.usage, strings.t("error.emptyPath", "--db"), helpHint: true) }
        for option in spec.options where pathNames.contains(option.valueName) && parsed.values[option.name] == "" {
            throw CLIError(.usage, strings.t("error.emptyPath", option.name), helpHint: true)
        }
        for (index, value) in parsed.positionals.enumerated() where value.isEmpty && index < spec.positionals.count
            && pathNames.contains(spec.positionals[index].name) {
            throw CLIError(.usage, strings.t("error.emptyPath", Help.valueName(spec.positionals[index].name, strings)),
                           helpHint: true)
        }
    }

    /// The longest leading words that name a group of commands (`sip item` in
    /// `sip item frob`): words that start the path of a longer command. Nil when the first
    /// word is no group.
    private func longestGroup(_ words: [String]) -> [String]? {
        for count in stride(from: words.count, through: 1, by: -1) {
            let prefix = Array(words.prefix(count))
            if commands.contains(where: { $0.spec.path.count > count && $0.spec.path.starts(with: prefix) }) { return prefix }
        }
        return nil
    }

    private func report(_ error: CLIError, context: Context, command: CommandSpec?, helpPath: [String]? = nil) -> Int32 {
        if context.json {
            context.printJSONError(error)
        } else {
            context.err("\(program): \(context.strings.t("error.prefix")): \(error.message)")
            if error.showHelpHint {
                let name = ([program] + (command?.path ?? helpPath ?? [])).joined(separator: " ")
                context.err(context.strings.t("error.helpHint", name))
            }
        }
        return error.code.rawValue
    }
}

extension Context {
    /// Errors in `--json` mode go to stderr as one JSON object, so stdout stays parseable.
    func printJSONError(_ error: CLIError) {
        let object: [String: Any] = ["error": error.message, "exit_code": Int(error.code.rawValue)]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{\"exit_code\":\(error.code.rawValue)}".utf8)
        err(String(decoding: data, as: UTF8.self))
    }
}

public enum Version {
    public static let string = "0.1.0"
}
