/// Several typed buffers carved out of one temporary allocation: a scan needs seven, and one
/// allocation (on the stack when it is small) costs less than seven.
struct ScratchSpace {
    /// Where one buffer sits in the allocation.
    struct Section<Element> {
        let offset: Int
        let count: Int

        func bound(in raw: UnsafeMutableRawBufferPointer) -> UnsafeMutableBufferPointer<Element> {
            let start = raw.baseAddress!.advanced(by: offset).bindMemory(to: Element.self, capacity: count)
            return UnsafeMutableBufferPointer(start: start, count: count)
        }
    }

    private(set) var byteCount = 0

    mutating func add<Element>(_: Element.Type, count: Int) -> Section<Element> {
        let alignment = MemoryLayout<Element>.alignment
        let offset = (byteCount + alignment - 1) / alignment * alignment
        byteCount = offset + MemoryLayout<Element>.stride * count
        return Section(offset: offset, count: count)
    }

    /// Runs `body` with the allocation; the buffers are valid only inside it.
    func withAllocation<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: max(byteCount, 1), alignment: 16, body)
    }
}
