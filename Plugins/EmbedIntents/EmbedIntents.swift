import Foundation
import PackagePlugin

/// Builds the shipped `Intents/` folder (its files, not the evaluation sets) into the target
/// as Swift source, so an installed `supportbot` has its rules without the repository.
@main
struct EmbedIntents: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Intents")
        // The tool lists the folder when it runs; the folder itself is an input, so a file
        // added or removed runs it again, as a changed file does.
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasPrefix(".") && $0 != "evaluation" }
            .map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInIntentFiles.swift")
        return [.buildCommand(
            displayName: "Embedding the shipped intents",
            executable: try context.tool(named: "EmbedFiles").url,
            arguments: [output.path, folder.path],
            inputFiles: inputs + [folder],
            outputFiles: [output]
        )]
    }
}
