import Foundation
import NavetCommands

exit(NavetCLI.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
