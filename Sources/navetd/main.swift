import Foundation
import NavetCommands

exit(NavetdCLI.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
