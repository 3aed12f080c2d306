import DecoderExercise
import Foundation

#if FUZZING
/// Built by `Fuzz/run.sh` with `-sanitize=fuzzer -DFUZZING`. SwiftPM points `main` at an entry
/// point of this name, so it hands the command line and the per-input callback to libFuzzer's driver.
@_cdecl("MatrixCryptoFuzz_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { data, size in
        FuzzState.exercise.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}

enum FuzzState {
    static let exercise = try! DecoderExercise()
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's own `main`, linked in but unused, needs this symbol.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }
#else
/// Built normally, it replays the files named on the command line (a crash's input, say).
@main
struct ReplayInputs {
    static func main() throws {
        let exercise = try DecoderExercise()
        for path in CommandLine.arguments.dropFirst() {
            exercise.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            print("ran", path)
        }
    }
}
#endif
