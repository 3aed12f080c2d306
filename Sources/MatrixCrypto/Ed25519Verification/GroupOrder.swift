/// Integers modulo the order L = 2^252 + 27742317777372353535851937790883648493 of Ed25519's
/// group, as much as verification needs: whether a signature's s is below L, reducing a
/// SHA-512 digest, and the signed base-16 digits of a scalar. Numbers are little-endian 64-bit
/// limbs.
enum GroupOrder {
    private static let order: [UInt64] = [0x5812_631A_5CF5_D3ED, 0x14DE_F9DE_A2F7_9CD6, 0, 0x1000_0000_0000_0000, 0]
    /// floor(2^512 / L), for Barrett reduction.
    private static let barrett: [UInt64] = [0xED9C_E5A3_0A2C_131B, 0x2106_215D_0863_29A7, 0xFFFF_FFFF_FFFF_FFEB, 0xFFFF_FFFF_FFFF_FFFF, 0xF]

    /// Whether 32 little-endian bytes encode a number below L (RFC 8032 requires it of s).
    static func isCanonical(_ bytes: [UInt8]) -> Bool {
        isLess(limbs(bytes) + [0], than: order)
    }

    /// A 64-byte little-endian number modulo L, as 32 little-endian bytes.
    static func reduce(_ wide: [UInt8]) -> [UInt8] {
        let x = limbs(wide)
        // q is floor(x / L) or at most 2 below it, so x - q·L is below 3L.
        let q = Array(multiply(x, barrett)[8 ..< 13])
        var remainder = subtract(Array(x[0 ..< 5]), Array(multiply(q, order)[0 ..< 5]))
        while !isLess(remainder, than: order) { remainder = subtract(remainder, order) }
        return remainder[0 ..< 4].flatMap { limb in (0 ..< 8).map { UInt8(truncatingIfNeeded: limb >> (8 * $0)) } }
    }

    /// 64 digits from -8 to 8 with scalar = Σ digit·16^i, for a scalar below 2^255.
    static func signedRadix16(_ scalar: [UInt8]) -> [Int8] {
        var digits = scalar.flatMap { [Int8($0 & 15), Int8($0 >> 4)] }
        for index in 0 ..< 63 {
            let carry = (digits[index] + 8) >> 4
            digits[index] -= carry << 4
            digits[index + 1] += carry
        }
        return digits
    }

    private static func limbs(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count, by: 8).map { start in
            (0 ..< 8).reduce(0) { $0 | UInt64(bytes[start + $1]) << (8 * $1) }
        }
    }

    private static func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var product = [UInt64](repeating: 0, count: a.count + b.count)
        for i in a.indices {
            var carry: UInt64 = 0
            for j in b.indices {
                let (high, low) = a[i].multipliedFullWidth(by: b[j])
                let (sum, overflow1) = low.addingReportingOverflow(product[i + j])
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                product[i + j] = total
                // high is at most 2^64 - 2, so the two carries fit.
                carry = high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
            }
            product[i + b.count] = carry
        }
        return product
    }

    /// a - b modulo 2^(64·count), for numbers of the same count of limbs.
    private static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var borrow = false
        return zip(a, b).map { a, b in
            let (difference, borrow1) = a.subtractingReportingOverflow(b)
            let (result, borrow2) = difference.subtractingReportingOverflow(borrow ? 1 : 0)
            borrow = borrow1 || borrow2
            return result
        }
    }

    private static func isLess(_ a: [UInt64], than b: [UInt64]) -> Bool {
        for index in a.indices.reversed() where a[index] != b[index] {
            return a[index] < b[index]
        }
        return false
    }
}
