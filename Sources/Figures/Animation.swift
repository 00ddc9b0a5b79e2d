// Animation: figures of one size shown one after another, as an animated PNG (APNG, the PNG extension every current
// browser plays; viewers that do not know it show the first frame) or an animated GIF (GIF.swift) by extension. For
// the APNG each frame is rendered as a PNG by cairo and its image data reused as is: the first frame's IDAT chunks
// stay IDAT, later frames' become fdAT chunks, each frame is announced by an fcTL chunk, and one acTL after IHDR
// gives the frame count (APNG spec, chunks numbered in one sequence from 0).
import Base
import Foundation

public struct Animation: Sendable {
    /// The frames, all of the first one's size (a different size is an error, not a crop).
    public var frames: [Figure]
    public var secondsPerFrame: Double

    public init(frames: [Figure], secondsPerFrame: Double = 1) {
        self.frames = frames
        self.secondsPerFrame = secondsPerFrame
    }

    /// Writes the animation to `path`: an animated GIF when its extension is .gif, else an APNG (.png or .apng).
    public func write(to path: String) throws(FigureError) {
        let bytes = (path as NSString).pathExtension.lowercased() == "gif" ? try gif(path: path) : try encoded(path: path)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    func encoded(path: String = "animation") throws(FigureError) -> [UInt8] {
        guard let first = frames.first else { throw .invalidData("an animation needs at least one frame") }
        guard frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw .invalidData("every frame of an animation must have the first one's size, \(first.width)×\(first.height)")
        }
        guard secondsPerFrame.isFinite, secondsPerFrame > 0, secondsPerFrame <= 600 else {
            throw .invalidData("seconds per frame must be in (0, 600], got \(secondsPerFrame)")
        }
        var out = PNGChunks.signature
        var sequence: UInt32 = 0
        // Delay as a fraction of a second in hundredths (u16 numerator / denominator).
        let delay = UInt16(min(65_535, (secondsPerFrame * 100).rounded()))
        for (i, figure) in frames.enumerated() {
            let png = try figure.encoded(as: .png, path: path)
            let chunks = try PNGChunks.split(png)
            if i == 0 {
                guard let ihdr = chunks.first, ihdr.type == "IHDR" else { throw .invalidData("a PNG must start with its IHDR chunk") }
                out += png[ihdr.range]
                out += PNGChunks.chunk("acTL", Self.u32(UInt32(frames.count)) + Self.u32(0))   // 0 plays: loop forever
                for c in chunks where c.type == "pHYs" { out += png[c.range] }
            }
            out += PNGChunks.chunk("fcTL", Self.u32(sequence) + Self.u32(UInt32(first.width)) + Self.u32(UInt32(first.height))
                                   + Self.u32(0) + Self.u32(0) + Self.u16(delay) + Self.u16(100) + [0, 0])
            sequence += 1
            for c in chunks where c.type == "IDAT" {
                if i == 0 {
                    out += png[c.range]
                } else {
                    out += PNGChunks.chunk("fdAT", Self.u32(sequence) + Array(png[c.data]))
                    sequence += 1
                }
            }
        }
        out += PNGChunks.chunk("IEND", [])
        return out
    }

    /// The animated GIF: every frame rasterised, one palette for all (GIF.swift).
    func gif(path: String = "animation") throws(FigureError) -> [UInt8] {
        guard secondsPerFrame.isFinite, secondsPerFrame > 0, secondsPerFrame <= 600 else {
            throw .invalidData("seconds per frame must be in (0, 600], got \(secondsPerFrame)")
        }
        var images: [RGBImage] = []
        for f in frames { images.append(try f.rasterised(path: path)) }
        return try GIF.encode(images, delayHundredths: Int((secondsPerFrame * 100).rounded()))
    }

    static func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
}
