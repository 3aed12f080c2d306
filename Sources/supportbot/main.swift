import NIOCore
import NIOPosix

// `supportbot run` waits on its homeserver: one event loop is all it needs, and with a second
// every answer could be read on one thread and handled on the other. Measured beside a Python
// echo bot (issue 15), the second loop cost a tenth of the bot's CPU a reply in hand-offs.
// The relay, the demo and `classify` keep a loop a core: they have work for every core.
if CommandLine.arguments.dropFirst().first == "run" {
    NIOSingletons.groupLoopCountSuggestion = 1
}
// Swift concurrency runs on SwiftNIO's event loops, where the HTTP client and server already
// do their I/O: an answer from the homeserver is handled on the thread that read it, instead
// of being handed to another pool. Switching threads was most of the bot's CPU (issue 15).
// Only possible from the main thread, before any task starts.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
/// In an async function `main()` is ArgumentParser's async entry; top-level code would pick the synchronous one.
func parseAndRun() async { await SupportBot.main() }
await parseAndRun()
