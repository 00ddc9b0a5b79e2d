// The animated GIF encoder against a decoder written here from the GIF89a specification (block layout and
// variable-width LZW read independently of the encoder's code): frames round-trip exactly when they use at most
// 256 colours, and land on the nearest palette colour when they use more.
import XCTest
@testable import Figures

final class GIFTests: XCTestCase {
    struct Decoded {
        var width = 0, height = 0
        var palette: [UInt32] = []
        var loops: Int?
        var delays: [Int] = []
        var frames: [[UInt32]] = []
    }

    /// A GIF89a reader for what the encoder may write: a global colour table, NETSCAPE2.0 and graphic control
    /// extensions, full-size image descriptors without local tables or interlace.
    func decode(_ b: [UInt8]) throws -> Decoded {
        var d = Decoded(), p = 0
        func u16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
        XCTAssertEqual(Array(b[0..<6]), Array("GIF89a".utf8))
        d.width = u16(6); d.height = u16(8)
        let flags = b[10]
        XCTAssertEqual(flags & 0x80, 0x80, "a global colour table")
        let tableSize = 1 << (Int(flags & 7) + 1)
        p = 13
        for i in 0..<tableSize { d.palette.append(UInt32(b[p + 3 * i]) << 16 | UInt32(b[p + 3 * i + 1]) << 8 | UInt32(b[p + 3 * i + 2])) }
        p += 3 * tableSize
        func subBlocks() -> [UInt8] {
            var data: [UInt8] = []
            while b[p] != 0 { let n = Int(b[p]); data += b[(p + 1)...(p + n)]; p += n + 1 }
            p += 1
            return data
        }
        while true {
            switch b[p] {
            case 0x3B: return d
            case 0x21:
                let label = b[p + 1]; p += 2
                let data = subBlocks()
                if label == 0xFF, data.count == 14, Array(data[0..<11]) == Array("NETSCAPE2.0".utf8) { d.loops = Int(data[12]) | Int(data[13]) << 8 }
                if label == 0xF9 { d.delays.append(Int(data[1]) | Int(data[2]) << 8) }
            case 0x2C:
                XCTAssertEqual([u16(p + 1), u16(p + 3), u16(p + 5), u16(p + 7)], [0, 0, d.width, d.height])
                XCTAssertEqual(b[p + 9], 0, "no local table, not interlaced")
                p += 10
                let minimum = Int(b[p]); p += 1
                let indices = lzwDecode(subBlocks(), minimumCodeSize: minimum)
                XCTAssertEqual(indices.count, d.width * d.height)
                d.frames.append(indices.map { d.palette[Int($0)] })
            default:
                throw FigureError.invalidData("unexpected block 0x\(String(b[p], radix: 16)) at byte \(p)")
            }
        }
    }

    /// The decoder side of GIF's LZW: codes LSB-first, width grows when the next free code reaches 2^width (max 12).
    func lzwDecode(_ data: [UInt8], minimumCodeSize: Int) -> [UInt8] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var dict: [[UInt8]] = [], width = minimumCodeSize + 1, previous: [UInt8]? = nil
        func reset() { dict = (0..<clear).map { [UInt8($0)] } + [[], []]; width = minimumCodeSize + 1; previous = nil }
        reset()
        var out: [UInt8] = [], bitPosition = 0
        while bitPosition + width <= data.count * 8 {
            var code = 0
            for i in 0..<width { let bit = bitPosition + i; code |= Int(data[bit / 8] >> (bit % 8) & 1) << i }
            bitPosition += width
            if code == clear { reset(); continue }
            if code == end { break }
            let entry: [UInt8]
            if code < dict.count { entry = dict[code] } else if let prev = previous, code == dict.count { entry = prev + [prev[0]] } else {
                XCTFail("code \(code) past the table (\(dict.count))"); return out
            }
            out += entry
            if let prev = previous, dict.count < 4096 { dict.append(prev + [entry[0]]) }
            if dict.count == 1 << width && width < 12 { width += 1 }
            previous = entry
        }
        return out
    }

    func testFewColoursRoundTripExactlyThroughManyTableResets() throws {
        var rng = SystemRandomNumberGenerator()
        let colours = (0..<200).map { _ in UInt32.random(in: 0...0xFFFFFF, using: &rng) }
        // Random pixels fill the 4,096-entry table many times over: the clear-code path is exercised.
        let frames = (0..<3).map { _ in RGBImage(width: 301, height: 97, rgb: (0..<(301 * 97)).map { _ in colours.randomElement(using: &rng)! }) }
        let decoded = try decode(try GIF.encode(frames, delayHundredths: 70))
        XCTAssertEqual(decoded.width, 301); XCTAssertEqual(decoded.height, 97)
        XCTAssertEqual(decoded.loops, 0, "loops forever")
        XCTAssertEqual(decoded.delays, [70, 70, 70])
        XCTAssertEqual(decoded.frames, frames.map(\.rgb))
    }

    func testRunsOfOneColourRoundTrip() throws {
        // Long runs grow the table's strings (the "code not yet in the table" case of LZW) and widen codes to 12 bits.
        let frame = RGBImage(width: 640, height: 40, rgb: (0..<(640 * 40)).map { $0 % 1000 < 997 ? 0xFFFFFF : 0x000000 })
        XCTAssertEqual(try decode(try GIF.encode([frame], delayHundredths: 100)).frames, [frame.rgb])
    }

    func testManyColoursMapToANearbyPaletteColour() throws {
        // A smooth 4,096-colour gradient: 256 boxes of median cut leave each channel within a few levels.
        let rgb = (0..<4096).map { (i: Int) -> UInt32 in
            let red = UInt32(i % 64 * 4), green = UInt32(i / 64 * 4)
            return red << 16 | green << 8 | 0x80
        }
        let decoded = try decode(try GIF.encode([RGBImage(width: 64, height: 64, rgb: rgb)], delayHundredths: 10))
        var worst = 0
        for (a, b) in zip(rgb, decoded.frames[0]) {
            for shift in [16, 8, 0] as [UInt32] { worst = max(worst, abs(Int(a >> shift & 0xFF) - Int(b >> shift & 0xFF))) }
        }
        XCTAssertLessThanOrEqual(worst, 16, "a 64 × 64 grid of levels 4 apart in 256 boxes: each box spans at most 4 × 4 levels")
        XCTAssertEqual(decoded.palette.count, 256)
    }

    func testAnimationWritesAGIFForTheGIFExtension() throws {
        let frames = (1...3).map { k in
            Figure(width: 120, height: 80, .line(LinePlot(series: [Series("k", x: [0, 1], y: [0, Double(k)])], title: "frame \(k)")))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.gif").path
        try Animation(frames: frames, secondsPerFrame: 0.5).write(to: path)
        let decoded = try decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(decoded.frames.count, 3)
        XCTAssertEqual(decoded.delays, [50, 50, 50])
        XCTAssertEqual([decoded.width, decoded.height], [120, 80])
        // The frames differ (each plots another line) and are mostly the white background.
        XCTAssertNotEqual(decoded.frames[0], decoded.frames[2])
        XCTAssertGreaterThan(decoded.frames[0].filter { $0 == 0xFFFFFF }.count, 120 * 80 / 2)
    }
}
