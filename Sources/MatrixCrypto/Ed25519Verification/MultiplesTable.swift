/// The multiples 1·P … 8·P of 256^i·P for i = 0 … 31, in affine Niels form: with a scalar in
/// 64 signed base-16 digits, [k]P is 64 table additions and 4 doublings (the method of
/// Bernstein et al., "High-speed high-security signatures", 2011). Building one costs about 500
/// point operations and holds 30 KB, so it pays for a key that verifies many signatures.
struct MultiplesTable: Sendable {
    private static let rows = 32
    private static let multiplesPerRow = 8
    private let entries: [NielsPoint]

    /// The table of the generator, shared by every verification.
    static let base = MultiplesTable(EdwardsPoint.base)

    init(_ point: EdwardsPoint) {
        var multiples: [EdwardsPoint] = []
        multiples.reserveCapacity(Self.rows * Self.multiplesPerRow)
        var rowBase = point
        for _ in 0 ..< Self.rows {
            var multiple = rowBase
            multiples.append(multiple)
            for _ in 1 ..< Self.multiplesPerRow {
                multiple = multiple + rowBase
                multiples.append(multiple)
            }
            for _ in 0 ..< 8 { rowBase = rowBase.doubled() }
        }
        entries = Self.affine(multiples)
    }

    /// Divides every point by its Z with one inversion for all (Montgomery's trick).
    private static func affine(_ points: [EdwardsPoint]) -> [NielsPoint] {
        var products: [FieldElement] = []
        products.reserveCapacity(points.count)
        var running = FieldElement.one
        for point in points {
            products.append(running)
            running = running * point.z
        }
        var inverse = running.inverted()
        var affine = [NielsPoint?](repeating: nil, count: points.count)
        for index in points.indices.reversed() {
            let zInverse = inverse * products[index]
            inverse = inverse * points[index].z
            let x = points[index].x * zInverse, y = points[index].y * zInverse
            affine[index] = NielsPoint(yPlusX: y + x, yMinusX: y - x, xy2d: x * y * .twoD)
        }
        return affine.map { $0! }
    }

    /// `point` plus digit · 256^row · P, for a digit from -8 to 8.
    func adding(_ digit: Int8, row: Int, to point: EdwardsPoint) -> EdwardsPoint {
        guard digit != 0 else { return point }
        let entry = entries[row * Self.multiplesPerRow + Int(digit.magnitude) - 1]
        return point + (digit > 0 ? entry : entry.negated)
    }

    /// [a]P + [b]Q for P and Q the points of `tableP` and `tableQ`, each scalar given as 64
    /// signed base-16 digits: the odd digits first, then 16 times that, then the even digits.
    static func combination(_ a: [Int8], _ tableP: MultiplesTable, _ b: [Int8], _ tableQ: MultiplesTable) -> EdwardsPoint {
        var sum = EdwardsPoint.identity
        for digit in stride(from: 1, to: 64, by: 2) {
            sum = tableQ.adding(b[digit], row: digit / 2, to: tableP.adding(a[digit], row: digit / 2, to: sum))
        }
        for _ in 0 ..< 4 { sum = sum.doubled() }
        for digit in stride(from: 0, to: 64, by: 2) {
            sum = tableQ.adding(b[digit], row: digit / 2, to: tableP.adding(a[digit], row: digit / 2, to: sum))
        }
        return sum
    }
}
