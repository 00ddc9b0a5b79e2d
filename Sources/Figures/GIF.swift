// GIF: animated GIF89a encoding of rendered frames — one global palette of at most 256 colours shared by every
// frame (the colours themselves when the frames use no more, as a figure with a few line colours does; otherwise a
// median cut over the frames' colour histogram, so a viridis heatmap keeps its gradient), each pixel mapped to the
// nearest palette entry, LZW-compressed as the GIF89a specification prescribes (variable code width up to 12 bits,
// a clear code when the table is full), a NETSCAPE2.0 block so that viewers loop it, and a graphic control block per
// frame for its delay. GIF is what slides, chat and older viewers play where APNG is not understood.
import Foundation

/// One frame's pixels: `rgb[i]` is 0xRRGGBB of pixel i, row-major, `width × height` of them.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var rgb: [UInt32]

    public init(width: Int, height: Int, rgb: [UInt32]) {
        precondition(rgb.count == width * height, "RGBImage: \(rgb.count) pixels for \(width) × \(height)")
        self.width = width; self.height = height; self.rgb = rgb
    }
}

public enum GIF {
    /// The GIF file of `frames` (all one size), each shown `delayHundredths` hundredths of a second, looping forever.
    public static func encode(_ frames: [RGBImage], delayHundredths: Int) throws(FigureError) -> [UInt8] {
        guard let first = frames.first else { throw .invalidData("an animation needs at least one frame") }
        guard frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw .invalidData("every frame of an animation must have the first one's size, \(first.width)×\(first.height)")
        }
        guard (1...65_535).contains(first.width), (1...65_535).contains(first.height) else {
            throw .invalidData("a GIF frame is at most 65535 × 65535 pixels, got \(first.width)×\(first.height)")
        }
        let palette = Self.palette(for: frames)
        var out = Array("GIF89a".utf8)
        out += u16(first.width) + u16(first.height)
        // Global colour table present, 8 bits of colour resolution, table of 2^(7+1) = 256 entries.
        out += [0xF7, 0, 0]
        for i in 0..<256 {
            let c = i < palette.colors.count ? palette.colors[i] : 0
            out += [UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)]
        }
        // Application extension: loop forever (count 0).
        out += [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]
        let delay = max(0, min(65_535, delayHundredths))
        for frame in frames {
            out += [0x21, 0xF9, 4, 0x04, UInt8(delay & 0xFF), UInt8(delay >> 8), 0, 0]  // dispose: leave in place
            out += [0x2C] + u16(0) + u16(0) + u16(frame.width) + u16(frame.height) + [0]
            let indices = frame.rgb.map { palette.index(of: $0) }
            out.append(8)  // LZW minimum code size for 256 colours
            let data = lzw(indices, minimumCodeSize: 8)
            var i = 0
            while i < data.count {
                let n = min(255, data.count - i)
                out.append(UInt8(n)); out += data[i..<(i + n)]
                i += n
            }
            out.append(0)
        }
        out.append(0x3B)
        return out
    }

    /// The palette shared by all frames and the mapping of a colour to its entry.
    struct Palette {
        var colors: [UInt32]
        private var lookup: [UInt32: UInt8]

        init(colors: [UInt32], mapping: [UInt32: UInt8]) { self.colors = colors; self.lookup = mapping }

        func index(of color: UInt32) -> UInt8 { lookup[color] ?? 0 }
    }

    static func palette(for frames: [RGBImage]) -> Palette {
        var histogram: [UInt32: Int] = [:]
        for f in frames { for c in f.rgb { histogram[c, default: 0] += 1 } }
        let distinct = histogram.keys.sorted()
        if distinct.count <= 256 {
            return Palette(colors: distinct, mapping: Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, UInt8($0)) }))
        }
        let colors = medianCut(histogram, boxes: 256)
        var mapping: [UInt32: UInt8] = [:]
        mapping.reserveCapacity(distinct.count)
        for c in distinct { mapping[c] = nearest(c, in: colors) }
        return Palette(colors: colors, mapping: mapping)
    }

    /// Median cut (Heckbert): split the box with the widest channel range at its pixel-weighted median until there
    /// are `boxes` boxes; each box's colour is its pixel-weighted mean.
    static func medianCut(_ histogram: [UInt32: Int], boxes: Int) -> [UInt32] {
        typealias Entry = (color: UInt32, count: Int)
        func channel(_ c: UInt32, _ k: Int) -> Int { Int(c >> UInt32(16 - 8 * k) & 0xFF) }
        func widest(_ box: [Entry]) -> (channel: Int, range: Int) {
            var best = (channel: 0, range: -1)
            for k in 0..<3 {
                var lo = 255, hi = 0
                for e in box { let v = channel(e.color, k); lo = min(lo, v); hi = max(hi, v) }
                if hi - lo > best.range { best = (k, hi - lo) }
            }
            return best
        }
        var work: [[Entry]] = [histogram.map { ($0.key, $0.value) }.sorted { $0.color < $1.color }]
        while work.count < boxes {
            // The splittable box with the widest range (ties: the most pixels) goes next.
            guard let (i, k) = work.indices.compactMap({ i -> (Int, Int, Int, Int)? in
                guard work[i].count > 1 else { return nil }
                let w = widest(work[i])
                return (i, w.channel, w.range, work[i].reduce(0) { $0 + $1.count })
            }).max(by: { ($0.2, $0.3) < ($1.2, $1.3) }).map({ ($0.0, $0.1) }) else { break }
            let box = work[i].sorted { channel($0.color, k) < channel($1.color, k) }
            let total = box.reduce(0) { $0 + $1.count }
            var running = 0, cut = 1
            for (j, e) in box.enumerated() {
                running += e.count
                if running * 2 >= total { cut = max(1, min(box.count - 1, j + 1)); break }
            }
            work[i] = Array(box[..<cut])
            work.append(Array(box[cut...]))
        }
        return work.map { box in
            var sum = [0, 0, 0], n = 0
            for e in box { for k in 0..<3 { sum[k] += channel(e.color, k) * e.count }; n += e.count }
            let m = sum.map { UInt32(($0 + n / 2) / max(n, 1)) }
            return m[0] << 16 | m[1] << 8 | m[2]
        }
    }

    static func nearest(_ c: UInt32, in colors: [UInt32]) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for (i, p) in colors.enumerated() {
            var d = 0
            for shift in [16, 8, 0] as [UInt32] {
                let a = Int(c >> shift & 0xFF), b = Int(p >> shift & 0xFF)
                d += (a - b) * (a - b)
            }
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// GIF's variable-width LZW (codes packed least-significant bit first).
    static func lzw(_ indices: [UInt8], minimumCodeSize: Int) -> [UInt8] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var table: [Int: Int] = [:]  // (prefix code << 8 | next index) → code
        var next = end + 1, width = minimumCodeSize + 1
        var out: [UInt8] = [], bits = 0, bitCount = 0
        func emit(_ code: Int) {
            bits |= code << bitCount; bitCount += width
            while bitCount >= 8 { out.append(UInt8(bits & 0xFF)); bits >>= 8; bitCount -= 8 }
        }
        emit(clear)
        guard var prefix = indices.first.map(Int.init) else { emit(end); if bitCount > 0 { out.append(UInt8(bits & 0xFF)) }; return out }
        for k in indices.dropFirst() {
            let key = prefix << 8 | Int(k)
            if let code = table[key] { prefix = code; continue }
            emit(prefix)
            if next < 4096 {
                table[key] = next
                // The decoder widens its codes one step later than the encoder adds the entry that needs it.
                if next == 1 << width && width < 12 { width += 1 }
                next += 1
            } else {
                emit(clear)
                table.removeAll(keepingCapacity: true)
                next = end + 1; width = minimumCodeSize + 1
            }
            prefix = Int(k)
        }
        emit(prefix)
        emit(end)
        if bitCount > 0 { out.append(UInt8(bits & 0xFF)) }
        return out
    }

    static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
}
