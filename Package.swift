// swift-tools-version:6.0
// Navet: offline-first sync for the adults around unaccompanied children.
// No package dependencies by design: Foundation, libsqlite3 and zlib only.
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Navet",
    products: [
        .executable(name: "navet", targets: ["navet"]),
        .executable(name: "navetd", targets: ["navetd"]),
    ],
    targets: [
        // C libraries, each behind its own small system module.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // Pure logic: ids, stamps, field-level merge, tags, schema registry. No I/O.
        .target(name: "NavetCore", swiftSettings: swift6),
        // The policy file: parsing and checking it, and the default policy. No I/O.
        .target(name: "NavetPolicy", dependencies: ["NavetCore"], swiftSettings: swift6),
        // Pure hashing (SHA-256, HMAC). No I/O.
        .target(name: "NavetCrypto", swiftSettings: swift6),
        // HTTP/1.1 server layer: request parser, responses, sockets. Knows nothing of sync.
        .target(name: "NavetHTTP", swiftSettings: swift6),
        // A thin, owned wrapper over libsqlite3.
        .target(name: "NavetSQLite", dependencies: ["CSQLite"], swiftSettings: swift6),
        // The replica and central stores: tables, migrations, merge application.
        .target(
            name: "NavetStore", dependencies: ["NavetCore", "NavetPolicy", "NavetCrypto", "NavetSQLite"], exclude: ["DESIGN.md"], swiftSettings: swift6
        ),
        // The bundle format: encoding, zlib, checksum.
        .target(name: "NavetWire", dependencies: ["NavetCore", "NavetCrypto", "CZlib"], swiftSettings: swift6),
        // Sync rules between stores and bundles: validation, cursors, replies.
        .target(name: "NavetSync", dependencies: ["NavetCore", "NavetCrypto", "NavetStore", "NavetWire"], swiftSettings: swift6),
        // Command implementations for both executables; wires the concrete pieces.
        .target(
            name: "NavetCommands",
            dependencies: ["NavetCore", "NavetPolicy", "NavetStore", "NavetWire", "NavetSync", "NavetSQLite", "NavetHTTP"],
            swiftSettings: swift6
        ),
        .executableTarget(name: "navet", dependencies: ["NavetCommands"], swiftSettings: swift6),
        .executableTarget(name: "navetd", dependencies: ["NavetCommands"], swiftSettings: swift6),

        // Temporary folders, fixtures and helpers for the tests and tools.
        .target(
            name: "NavetTestSupport",
            dependencies: ["NavetCore", "NavetStore", "NavetWire", "NavetSync", "NavetCommands"],
            swiftSettings: swift6
        ),
        // navet-bench's C floor: the raw-SQLite floor in C against libsqlite3, no wrapper.
        .target(name: "CFloor", path: "Tools/cfloor", linkerSettings: [.linkedLibrary("sqlite3")]),
        .executableTarget(
            name: "navet-bench",
            dependencies: [
                "NavetCore", "NavetCrypto", "NavetStore", "NavetWire", "NavetSync", "NavetSQLite", "NavetCommands", "CFloor",
            ],
            path: "Tools/bench",
            exclude: ["README.md", "read-log-bytes.sh", "read-audit-cost.py", "peers", "cli-scale.py"],
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "navet-load",
            dependencies: ["NavetCore", "NavetStore", "NavetWire", "NavetSync", "NavetCommands", "NavetTestSupport"],
            path: "Tools/load",
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "navet-crash",
            dependencies: ["NavetTestSupport"],
            path: "Tools/crash",
            swiftSettings: swift6
        ),
        .testTarget(
            name: "NavetTests",
            dependencies: [
                "NavetCore", "NavetPolicy", "NavetCrypto", "NavetSQLite", "NavetStore", "NavetWire", "NavetSync",
                "NavetCommands", "NavetTestSupport", "NavetHTTP",
            ],
            swiftSettings: swift6
        ),
    ]
)
