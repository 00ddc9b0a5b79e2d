// Byte-level helpers for the ARPA reader: whitespace field splitting, ASCII lower-casing and a
// number parser, so that parsing never allocates per line.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

@inline(__always) func isBlank(_ b: UInt8) -> Bool { b == 32 || b == 9 }

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }

/// Splits `line` on runs of spaces and tabs into at most `fields.count` ranges; returns how many
/// fields the line has in total (which may exceed the capacity, to report "too many fields").
@inline(__always)
func splitFields(_ line: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>]) -> Int {
    var n = 0
    var i = 0
    let count = line.count
    while i < count {
        while i < count && isBlank(line[i]) { i += 1 }
        if i == count { break }
        let s = i
        while i < count && !isBlank(line[i]) { i += 1 }
        if n < fields.count { fields[n] = s..<i }
        n += 1
    }
    return n
}

private let powersOf10: [Double] = (0...22).map { e in
    var p = 1.0
    for _ in 0..<e { p *= 10 }
    return p
}

/// Parses a decimal number such as `-1.2345`, `0`, `-99`, `1e-05` or `-inf`. Returns nil if the
/// bytes are not a complete number. Exact for the up-to-15-digit decimals ARPA files hold
/// (mantissa and power of ten are both exact doubles, so one rounding); longer ones fall back to strtod.
func parseNumber(_ p: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    let n = p.count
    guard n > 0 else { return nil }
    var negative = false
    if p[0] == 45 { negative = true; i = 1 } else if p[0] == 43 { i = 1 }
    if n - i == 3, asciiLower(p[i]) == 105, asciiLower(p[i + 1]) == 110, asciiLower(p[i + 2]) == 102 {
        return negative ? -Double.infinity : .infinity
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var scale = 0
    var sawDigit = false
    while i < n, p[i] >= 48, p[i] <= 57 {
        sawDigit = true
        if digits < 19 { mantissa = mantissa * 10 + UInt64(p[i] - 48); if mantissa > 0 { digits += 1 } } else { scale += 1 }
        i += 1
    }
    if i < n, p[i] == 46 {
        i += 1
        while i < n, p[i] >= 48, p[i] <= 57 {
            sawDigit = true
            if digits < 19 { mantissa = mantissa * 10 + UInt64(p[i] - 48); if mantissa > 0 { digits += 1 }; scale -= 1 }
            i += 1
        }
    }
    guard sawDigit else { return nil }
    if i < n, p[i] == 101 || p[i] == 69 {
        i += 1
        var expNegative = false
        if i < n, p[i] == 45 { expNegative = true; i += 1 } else if i < n, p[i] == 43 { i += 1 }
        var e = 0
        var sawExp = false
        while i < n, p[i] >= 48, p[i] <= 57 {
            sawExp = true
            if e < 10000 { e = e * 10 + Int(p[i] - 48) }
            i += 1
        }
        guard sawExp else { return nil }
        scale += expNegative ? -e : e
    }
    guard i == n else { return nil }
    var value: Double
    if mantissa < (1 << 53) && scale >= -22 && scale <= 22 {
        value = Double(mantissa)
        value = scale < 0 ? value / powersOf10[-scale] : value * powersOf10[scale]
    } else {
        // Rare long or extreme literal: let the C library round it correctly.
        var text = [CChar](repeating: 0, count: n + 1)
        for k in 0..<n { text[k] = CChar(bitPattern: p[k]) }
        return strtod(text, nil)
    }
    return negative ? -value : value
}
