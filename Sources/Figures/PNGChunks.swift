// PNGChunks: the physical pixel size of a PNG (its pHYs chunk, PNG spec §11.3.5.3). cairo writes PNGs without
// one, so viewers, word processors and LaTeX fall back to 72 or 96 dpi and print a figure at whatever size they
// like; with pHYs, W pixels at N dpi print W/N inches wide. The chunk is inserted right after IHDR (it must come
// before the image data) and read back by `PNGImage`.
import Foundation

enum PNGChunks {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `png` with a pHYs chunk saying `dpi` dots per inch in both directions (the spec stores pixels per metre).
    static func settingDPI(_ dpi: Double, in png: [UInt8]) throws(FigureError) -> [UInt8] {
        let chunks = try split(png)
        guard let ihdr = chunks.first, ihdr.type == "IHDR" else { throw .invalidData("a PNG must start with its IHDR chunk") }
        let perMetre = UInt32((dpi / 0.0254).rounded())
        var data = bigEndian(perMetre) + bigEndian(perMetre)
        data.append(1)  // unit: the metre
        var out = signature + png[ihdr.range]
        out += chunk("pHYs", data)
        for c in chunks.dropFirst() where c.type != "pHYs" { out += png[c.range] }
        return out
    }

    /// The dots per inch stored in `png`'s pHYs chunk (nil without one, or when its unit is not the metre,
    /// i.e. only an aspect ratio); the horizontal value when the two differ.
    static func dpi(of png: [UInt8]) throws(FigureError) -> Double? {
        for c in try split(png) where c.type == "pHYs" {
            let d = Array(png[c.data])
            guard d.count == 9, d[8] == 1 else { return nil }
            let perMetre = d[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return Double(perMetre) * 0.0254
        }
        return nil
    }

    struct Chunk {
        var type: String
        /// The whole chunk: length, type, data and CRC.
        var range: Range<Int>
        var data: Range<Int>
    }

    /// The chunks of `png` in order; checks the signature, the lengths and every CRC.
    static func split(_ png: [UInt8]) throws(FigureError) -> [Chunk] {
        guard png.count >= 8, Array(png[0..<8]) == signature else { throw .invalidData("not a PNG (wrong signature)") }
        var chunks: [Chunk] = []
        var at = 8
        while at < png.count {
            guard at + 12 <= png.count else { throw .invalidData("PNG chunk at byte \(at) is cut short") }
            let length = Int(png[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let end = at + 12 + length
            guard end <= png.count else { throw .invalidData("PNG chunk at byte \(at) runs past the end of the file") }
            let type = String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self)
            let stored = png[(end - 4)..<end].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard crc32(png[(at + 4)..<(end - 4)]) == stored else { throw .invalidData("PNG chunk \(type) at byte \(at) has a wrong CRC") }
            chunks.append(Chunk(type: type, range: at..<end, data: (at + 8)..<(end - 4)))
            at = end
        }
        return chunks
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body[...]))
    }

    /// CRC-32 as PNG (and zlib, gzip, Ethernet) define it: reflected polynomial 0xEDB88320, initial and final XOR
    /// 0xFFFFFFFF; crc32("123456789") = 0xCBF43926.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
