/// A point of the Ed25519 curve -x² + y² = 1 + d·x²·y² in extended coordinates (X:Y:Z:T), with
/// x = X/Z, y = Y/Z and x·y = T/Z. The formulas are Hisil, Wong, Carter and Dawson's
/// ("Twisted Edwards curves revisited", 2008) for a = -1, as in RFC 8032 and BoringSSL.
struct EdwardsPoint {
    let x, y, z, t: FieldElement

    static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// The generator B, whose encoding is y = 4/5 with x even.
    static let base = EdwardsPoint(decompressing: [0x58] + [UInt8](repeating: 0x66, count: 31))!

    init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) {
        (self.x, self.y, self.z, self.t) = (x, y, z, t)
    }

    /// The point a 32-byte encoding names, or nil when no point has that y (RFC 8032 5.1.3,
    /// with BoringSSL's leniency: a y of p or more is reduced, and x = 0 may carry either sign).
    init?(decompressing encoding: [UInt8]) {
        guard encoding.count == 32 else { return nil }
        let y = encoding.withUnsafeBytes { FieldElement(bytes: $0) }
        let ySquared = y.squared()
        let u = ySquared - .one
        let v = ySquared * .d + .one
        let v3 = v.squared() * v
        var x = (v3.squared() * v * u).power2To252Minus3() * v3 * u
        let vxx = x.squared() * v
        if !(vxx - u).isZero {
            guard (vxx + u).isZero else { return nil }
            x = x * .squareRootOfMinusOne
        }
        if x.isNegative != (encoding[31] >> 7 == 1) { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    var negated: EdwardsPoint { EdwardsPoint(x: -x, y: y, z: z, t: -t) }

    /// The 32-byte encoding: y with the sign of x in the top bit.
    var encoded: [UInt8] {
        let inverse = z.inverted()
        var encoding = (y * inverse).bytes
        if (x * inverse).isNegative { encoding[31] |= 0x80 }
        return encoding
    }

    /// 2P in four squarings and four multiplications ("dbl-2008-hwcd").
    func doubled() -> EdwardsPoint {
        let xx = x.squared(), yy = y.squared()
        let sum = xx + yy
        let zz = z.squared()
        let e = (x + y).squared() - sum
        let g = yy - xx
        let f = g - (zz + zz)
        return Self.completing(e: e, f: f, g: g, h: -sum)
    }

    /// P + Q for any two points ("add-2008-hwcd-3").
    static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * (q.y - q.x)
        let b = (p.y + p.x) * (q.y + q.x)
        let c = p.t * FieldElement.twoD * q.t
        let zz = p.z * q.z
        return completing(a: a, b: b, c: c, d: zz + zz)
    }

    /// P + Q for a Q in affine Niels form, one multiplication fewer and none to prepare Q.
    static func + (p: EdwardsPoint, q: NielsPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * q.yMinusX
        let b = (p.y + p.x) * q.yPlusX
        let c = p.t * q.xy2d
        return completing(a: a, b: b, c: c, d: p.z + p.z)
    }

    private static func completing(a: FieldElement, b: FieldElement, c: FieldElement, d: FieldElement) -> EdwardsPoint {
        completing(e: b - a, f: d - c, g: d + c, h: b + a)
    }

    private static func completing(e: FieldElement, f: FieldElement, g: FieldElement, h: FieldElement) -> EdwardsPoint {
        EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }
}

/// An affine point as (y + x, y - x, 2d·x·y), the form a table keeps for mixed additions.
struct NielsPoint {
    let yPlusX, yMinusX, xy2d: FieldElement

    var negated: NielsPoint { NielsPoint(yPlusX: yMinusX, yMinusX: yPlusX, xy2d: -xy2d) }
}
