/// An element of GF(2^255 - 19) in five 51-bit limbs, the radix of BoringSSL's and
/// curve25519-dalek's 64-bit field code. It serves signature verification only, where every
/// input is public, so nothing here needs to run in constant time.
///
/// Limbs stay below 2^54 between operations: a sum of two reduced elements is not carried, and
/// products and differences are.
struct FieldElement {
    private static let mask: UInt64 = (1 << 51) - 1
    private var l0, l1, l2, l3, l4: UInt64

    private init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
    }

    static let zero = FieldElement(0, 0, 0, 0, 0)
    static let one = FieldElement(1, 0, 0, 0, 0)
    /// The curve constant d = -121665/121666.
    static let d = FieldElement(0x34DC_A135_978A3, 0x1A82_83B1_56EBD, 0x5E7A_2600_1C029, 0x739C_663A_03CBB, 0x5203_6CEE_2B6FF)
    static let twoD = FieldElement(0x69B9_426B_2F159, 0x3505_0762_ADD7A, 0x3CF4_4C00_38052, 0x6738_CC74_07977, 0x2406_D9DC_56DFF)
    static let squareRootOfMinusOne = FieldElement(0x61B2_74A0_EA0B0, 0xD5A_5FC8_F189D, 0x7EF5_E9CB_D0C60, 0x7859_5A68_04C9E, 0x2B83_2480_4FC1D)

    /// The low 255 bits of 32 little-endian bytes. As in BoringSSL, a value of p or more is
    /// accepted and reduced, and the top bit (a point's sign) is ignored.
    init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32)
        let w0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let w1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let w2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let w3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        let mask = Self.mask
        self.init(w0 & mask, (w0 >> 51 | w1 << 13) & mask, (w1 >> 38 | w2 << 26) & mask, (w2 >> 25 | w3 << 39) & mask, (w3 >> 12) & mask)
    }

    /// The canonical (fully reduced) 32-byte little-endian encoding.
    var bytes: [UInt8] {
        var r = carried()
        // q is 1 exactly when the value is p or more: adding 19 then carries out of bit 255.
        var q = (r.l0 &+ 19) >> 51
        q = (r.l1 &+ q) >> 51
        q = (r.l2 &+ q) >> 51
        q = (r.l3 &+ q) >> 51
        q = (r.l4 &+ q) >> 51
        r.l0 &+= 19 &* q
        r.l1 &+= r.l0 >> 51
        r.l2 &+= r.l1 >> 51
        r.l3 &+= r.l2 >> 51
        r.l4 &+= r.l3 >> 51
        let mask = Self.mask
        let words = (
            r.l0 & mask | r.l1 << 51,
            (r.l1 & mask) >> 13 | r.l2 << 38,
            (r.l2 & mask) >> 26 | r.l3 << 25,
            (r.l3 & mask) >> 39 | (r.l4 & mask) << 12
        )
        return [UInt8](count: 32) { bytes in
            let raw = UnsafeMutableRawBufferPointer(bytes)
            raw.storeBytes(of: words.0.littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: words.1.littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: words.2.littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: words.3.littleEndian, toByteOffset: 24, as: UInt64.self)
        }
    }

    var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
    /// The sign of an encoded x coordinate: whether its canonical value is odd.
    var isNegative: Bool { bytes[0] & 1 == 1 }

    /// Each limb's bits above 51 moved up one limb, the top one's times 19 (2^255 = 19).
    private func carried() -> FieldElement {
        let mask = Self.mask
        return FieldElement(
            (l0 & mask) &+ (l4 >> 51) &* 19, (l1 & mask) &+ (l0 >> 51), (l2 & mask) &+ (l1 >> 51),
            (l3 & mask) &+ (l2 >> 51), (l4 & mask) &+ (l3 >> 51)
        )
    }

    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(a.l0 &+ b.l0, a.l1 &+ b.l1, a.l2 &+ b.l2, a.l3 &+ b.l3, a.l4 &+ b.l4)
    }

    /// Adds 16p before subtracting, so no limb goes below zero.
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        let low: UInt64 = 36_028_797_018_963_664, high: UInt64 = 36_028_797_018_963_952
        return FieldElement(
            (a.l0 &+ low) &- b.l0, (a.l1 &+ high) &- b.l1, (a.l2 &+ high) &- b.l2, (a.l3 &+ high) &- b.l3, (a.l4 &+ high) &- b.l4
        ).carried()
    }

    static prefix func - (a: FieldElement) -> FieldElement {
        zero - a
    }

    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        let b1 = b.l1 &* 19, b2 = b.l2 &* 19, b3 = b.l3 &* 19, b4 = b.l4 &* 19
        return carried(
            product(a.l0, b.l0) &+ product(a.l4, b1) &+ product(a.l3, b2) &+ product(a.l2, b3) &+ product(a.l1, b4),
            product(a.l1, b.l0) &+ product(a.l0, b.l1) &+ product(a.l4, b2) &+ product(a.l3, b3) &+ product(a.l2, b4),
            product(a.l2, b.l0) &+ product(a.l1, b.l1) &+ product(a.l0, b.l2) &+ product(a.l4, b3) &+ product(a.l3, b4),
            product(a.l3, b.l0) &+ product(a.l2, b.l1) &+ product(a.l1, b.l2) &+ product(a.l0, b.l3) &+ product(a.l4, b4),
            product(a.l4, b.l0) &+ product(a.l3, b.l1) &+ product(a.l2, b.l2) &+ product(a.l1, b.l3) &+ product(a.l0, b.l4)
        )
    }

    /// Squaring shares the cross products a multiplication computes twice.
    func squared() -> FieldElement {
        let a3x19 = l3 &* 19, a4x19 = l4 &* 19
        return Self.carried(
            Self.product(l0, l0) &+ (Self.product(l1, a4x19) &+ Self.product(l2, a3x19)) << 1,
            Self.product(l3, a3x19) &+ (Self.product(l0, l1) &+ Self.product(l2, a4x19)) << 1,
            Self.product(l1, l1) &+ (Self.product(l0, l2) &+ Self.product(l4, a3x19)) << 1,
            Self.product(l4, a4x19) &+ (Self.product(l0, l3) &+ Self.product(l1, l2)) << 1,
            Self.product(l2, l2) &+ (Self.product(l0, l4) &+ Self.product(l1, l3)) << 1
        )
    }

    /// Squared `count` times.
    func squared(times count: Int) -> FieldElement {
        var result = self
        for _ in 0 ..< count { result = result.squared() }
        return result
    }

    private static func product(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(a) &* UInt128(b)
    }

    private static func carried(_ c0: UInt128, _ c1: UInt128, _ c2: UInt128, _ c3: UInt128, _ c4: UInt128) -> FieldElement {
        let mask = UInt128(Self.mask)
        let c1 = c1 &+ (c0 >> 51), c2 = c2 &+ (c1 >> 51), c3 = c3 &+ (c2 >> 51), c4 = c4 &+ (c3 >> 51)
        var result = FieldElement(
            UInt64(truncatingIfNeeded: c0 & mask), UInt64(truncatingIfNeeded: c1 & mask), UInt64(truncatingIfNeeded: c2 & mask),
            UInt64(truncatingIfNeeded: c3 & mask), UInt64(truncatingIfNeeded: c4 & mask)
        )
        result.l0 &+= UInt64(truncatingIfNeeded: c4 >> 51) &* 19
        result.l1 &+= result.l0 >> 51
        result.l0 &= Self.mask
        return result
    }

    // MARK: Powers

    /// z^(2^250 - 1) and z^11, the common start of inversion and of square roots.
    private func power2To250Minus1() -> (FieldElement, FieldElement) {
        let z2 = squared()
        let z9 = self * z2.squared(times: 2)
        let z11 = z2 * z9
        let z2To5Minus1 = z9 * z11.squared()
        let z2To10Minus1 = z2To5Minus1.squared(times: 5) * z2To5Minus1
        let z2To20Minus1 = z2To10Minus1.squared(times: 10) * z2To10Minus1
        let z2To40Minus1 = z2To20Minus1.squared(times: 20) * z2To20Minus1
        let z2To50Minus1 = z2To40Minus1.squared(times: 10) * z2To10Minus1
        let z2To100Minus1 = z2To50Minus1.squared(times: 50) * z2To50Minus1
        let z2To200Minus1 = z2To100Minus1.squared(times: 100) * z2To100Minus1
        return (z2To200Minus1.squared(times: 50) * z2To50Minus1, z11)
    }

    /// z^(p - 2) = 1/z (0 for 0).
    func inverted() -> FieldElement {
        let (z2To250Minus1, z11) = power2To250Minus1()
        return z2To250Minus1.squared(times: 5) * z11
    }

    /// z^((p - 5) / 8) = z^(2^252 - 3), the heart of a square root.
    func power2To252Minus3() -> FieldElement {
        power2To250Minus1().0.squared(times: 2) * self
    }
}
