/// An array's elements copied into memory the compiled rules own, for the scan's hot loops:
/// reading an element through a class's `[Element]` property may retain and release the
/// array's buffer, which made those reads a fifth of a message's cost. Only for trivial
/// elements; `CompiledRules` frees them when it goes.
struct FrozenArray<Element: BitwiseCopyable>: @unchecked Sendable {
    // Written once in `init`, read-only after: safe to share between threads.
    private let elements: UnsafeMutableBufferPointer<Element>

    init(_ array: [Element]) {
        elements = .allocate(capacity: max(array.count, 1))
        _ = elements.initialize(from: array)
        count = array.count
    }

    let count: Int

    @inline(__always) subscript(index: Int) -> Element { elements[index] }

    func deallocate() {
        elements.deallocate()
    }
}
