// PNGImage: reads a PNG back into 8-bit RGBA pixels (cairo's PNG reader) and its resolution (the pHYs chunk),
// so tests and tools can check what a figure contains without another image library.
import CCairo
import Foundation

public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major, 4 bytes per pixel: r, g, b, a (un-premultiplied).
    public let rgba: [UInt8]
    /// The dots per inch of its pHYs chunk; nil when it has none.
    public let dotsPerInch: Double?

    public init(path: String) throws(FigureError) {
        guard let surface = cairo_image_surface_create_from_png(path) else {
            throw .cannotRead(path: path, reason: "cairo returned no surface")
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw .cannotRead(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        let format = cairo_image_surface_get_format(surface)
        guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
            throw .cannotRead(path: path, reason: "unexpected pixel format \(format.rawValue)")
        }
        cairo_surface_flush(surface)
        let w = Int(cairo_image_surface_get_width(surface)), h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        var out = [UInt8](repeating: 0, count: w * h * 4)
        if let data = cairo_image_surface_get_data(surface) {
            for y in 0..<h {
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<w {
                    let p = row[x]
                    var a = UInt32(format == CAIRO_FORMAT_RGB24 ? 255 : (p >> 24) & 0xFF)
                    var r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF
                    if a > 0 && a < 255 {  // cairo stores premultiplied alpha
                        r = min(255, r * 255 / a); g = min(255, g * 255 / a); b = min(255, b * 255 / a)
                    } else if a == 0 { r = 0; g = 0; b = 0; a = 0 }
                    let o = (y * w + x) * 4
                    out[o] = UInt8(r); out[o + 1] = UInt8(g); out[o + 2] = UInt8(b); out[o + 3] = UInt8(a)
                }
            }
        }
        width = w
        height = h
        rgba = out
        guard let bytes = FileManager.default.contents(atPath: path) else { throw .cannotRead(path: path, reason: "cannot read the file") }
        do { dotsPerInch = try PNGChunks.dpi(of: [UInt8](bytes)) } catch { throw .cannotRead(path: path, reason: "\(error)") }
    }

    /// The colour at (x, y), with (0, 0) the top-left pixel.
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let o = (y * width + x) * 4
        return (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3])
    }
}
