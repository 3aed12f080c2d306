import Foundation

/// A real SQLite file's path in a temporary folder, as the bot runs it, removed afterwards.
func withDatabaseFile(_ body: (String) throws -> Void) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supportbot-db-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try body(folder.appendingPathComponent("bot.sqlite").path)
}
