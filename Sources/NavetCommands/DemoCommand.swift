struct DemoCommand: Command {
    static let spec = CommandSpec(["demo"], help: "demo", options: [OptionSpec("--keep", value: "DIR", help: "opt.keep")])
    let keep: String?
    init(_ arguments: ParsedArguments, _ context: Context) { keep = arguments.value("--keep") }
    func run(_ context: Context) throws(CLIError) {}
}
