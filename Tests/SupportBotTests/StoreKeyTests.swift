import BotEncryption
import Foundation
import Logging
import Testing

struct StoreKeyTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-key-\(UUID().uuidString)")
    let logger = Logger(label: "test")
    var database: URL { folder.appendingPathComponent("bot.sqlite") }

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test func aFirstStartMakesAKeyFileOnlyItsOwnerReadsAndLaterStartsReadIt() throws {
        let made = try StoreKey.load(environment: [:], file: nil, database: database, logger: logger)
        let file = StoreKey.defaultFile(beside: database)
        #expect(file.lastPathComponent == "bot.sqlite.store-key")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        let read = try StoreKey.load(environment: [:], file: nil, database: database, logger: logger)
        #expect(read.bytes == made.bytes)
    }

    @Test func theEnvironmentComesFirstThenTheConfiguredFile() throws {
        let fromEnvironment = Data(repeating: 7, count: 32), fromFile = Data(repeating: 9, count: 32)
        let file = folder.appendingPathComponent("key")
        try (fromFile.base64EncodedString() + "\n").write(to: file, atomically: true, encoding: .utf8)
        let environment = [StoreKey.environmentVariable: fromEnvironment.base64EncodedString()]
        #expect(try StoreKey.load(environment: environment, file: file, database: database, logger: logger).bytes == [UInt8](fromEnvironment))
        #expect(try StoreKey.load(environment: [:], file: file, database: database, logger: logger).bytes == [UInt8](fromFile))
        #expect(!FileManager.default.fileExists(atPath: StoreKey.defaultFile(beside: database).path), "no key file is made when one is given")
    }

    @Test func aKeyThatIsNotThirtyTwoBytesOfBase64IsRefusedWithHowToMakeOne() throws {
        for text in ["hunter2", Data(repeating: 1, count: 16).base64EncodedString(), ""] {
            let error = #expect(throws: StoreKeyError.self) {
                try StoreKey.load(environment: [StoreKey.environmentVariable: text], file: nil, database: database, logger: logger)
            }
            #expect(error?.description.contains("openssl rand -base64 32") == true)
        }
        #expect(throws: StoreKeyError.unreadable(folder.appendingPathComponent("missing").path)) {
            try StoreKey.load(environment: [:], file: folder.appendingPathComponent("missing"), database: database, logger: logger)
        }
    }

    @Test func aKeyFileThatCannotBeReadIsNeverReplaced() throws {
        let file = StoreKey.defaultFile(beside: database)
        let unreadable = Data([0xFF, 0xFE, 0x00, 0x41])
        try unreadable.write(to: file)
        #expect(throws: StoreKeyError.unreadable(file.path)) {
            try StoreKey.load(environment: [:], file: nil, database: database, logger: logger)
        }
        #expect(try Data(contentsOf: file) == unreadable, "the only copy of a key is left as it was")
    }

    @Test func aDatabaseInMemoryGetsAKeyOfItsOwnAndNoFile() throws {
        let first = try StoreKey.load(environment: [:], file: nil, database: nil, logger: logger)
        let second = try StoreKey.load(environment: [:], file: nil, database: nil, logger: logger)
        #expect(first.bytes != second.bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
