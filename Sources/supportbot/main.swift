import NIOCore
import NIOPosix

// Swift concurrency runs on SwiftNIO's event loops, where the HTTP client and server already
// do their I/O: an answer from the homeserver is handled on the thread that read it, instead
// of being handed to another pool. Switching threads was most of the bot's CPU (issue 15).
// Only possible from the main thread, before any task starts.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
/// In an async function `main()` is ArgumentParser's async entry; top-level code would pick the synchronous one.
func parseAndRun() async { await SupportBot.main() }
await parseAndRun()
