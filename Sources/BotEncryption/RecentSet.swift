/// The last `capacity` values seen, for telling a repeat from news in bounded memory.
struct RecentSet<Value: Hashable & Sendable>: Sendable {
    let capacity: Int
    private var members: Set<Value> = []
    private var order: [Value] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    func contains(_ value: Value) -> Bool { members.contains(value) }

    mutating func insert(_ value: Value) {
        guard members.insert(value).inserted else { return }
        order.append(value)
        if order.count > capacity { members.remove(order.removeFirst()) }
    }
}
