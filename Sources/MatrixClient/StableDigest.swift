/// A short digest that is the same in every process (FNV-1a, 64 bits, as hex), for names that
/// must come out the same on every retry: transaction ids, aliases. Not for secrets.
public enum StableDigest {
    public static func of(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
