// Output: picks the cairo surface from the file extension (.png raster, .svg/.pdf vector), renders the figure
// into memory and writes the file through Base's AtomicFile (a failed render or a full disk leaves the previous
// figure as it was), turning cairo's status codes and errno into FigureError messages that name the file.
import Base
import CCairo
import Foundation

public enum FigureFormat: String, Sendable, CaseIterable {
    case png, svg, pdf

    /// The format for `path`'s extension (case-insensitive), or `FigureError.unsupportedFormat`.
    public init(path: String) throws(FigureError) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), let f = FigureFormat(rawValue: name[name.index(after: dot)...].lowercased()) else {
            throw .unsupportedFormat(path: path)
        }
        self = f
    }
}

extension Figure {
    /// Writes the figure; the format follows the extension of `path` (.png, .svg or .pdf).
    public func write(to path: String) throws(FigureError) {
        let bytes = try encoded(as: try FigureFormat(path: path), path: path)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// The file's bytes: rendered by cairo into memory, then a PNG gets its pHYs chunk (`dpi`) and an SVG its
    /// text as <text> elements (SVGText.swift). `path` only names the file in errors.
    func encoded(as format: FigureFormat, path: String = "figure") throws(FigureError) -> [UInt8] {
        try validate()
        let sink = ByteSink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let w = Double(width), h = Double(height)
        let surface: OpaquePointer?
        switch format {
        case .png: surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        case .svg: surface = cairo_svg_surface_create_for_stream(ByteSink.write, context, w, h)
        case .pdf: surface = cairo_pdf_surface_create_for_stream(ByteSink.write, context, w, h)
        }
        guard let surface else { throw .cannotWrite(path: path, reason: "cairo could not create the surface") }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), path: path)
        if format == .svg { cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_2) }
        guard let cr = cairo_create(surface) else { throw .cannotWrite(path: path, reason: "cairo could not create a context") }
        let text = format == .svg ? TextRuns() : nil
        draw(on: Canvas(cr: cr, textRuns: text))
        let drawStatus = cairo_status(cr)
        cairo_destroy(cr)
        try check(drawStatus, path: path)
        if format == .png {
            cairo_surface_flush(surface)
            try check(cairo_surface_write_to_png_stream(surface, ByteSink.write, context), path: path)
        } else {
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), path: path)
        }
        switch format {
        case .png: return try PNGChunks.settingDPI(dpi, in: sink.bytes)
        case .svg: return Array(SVGText.insert(text?.runs ?? [], into: String(decoding: sink.bytes, as: UTF8.self)).utf8)
        case .pdf: return sink.bytes
        }
    }

    /// The figure rendered as pixels (what the PNG would hold), composited over white: the frames of a GIF.
    func rasterised(path: String = "figure") throws(FigureError) -> RGBImage {
        try validate()
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else {
            throw .cannotWrite(path: path, reason: "cairo could not create the surface")
        }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), path: path)
        guard let cr = cairo_create(surface) else { throw .cannotWrite(path: path, reason: "cairo could not create a context") }
        draw(on: Canvas(cr: cr, textRuns: nil))
        let drawStatus = cairo_status(cr)
        cairo_destroy(cr)
        try check(drawStatus, path: path)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw .cannotWrite(path: path, reason: "cairo gave no pixels") }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var rgb = [UInt32](repeating: 0, count: width * height)
        // ARGB32 is one native-endian 32-bit word per pixel with premultiplied colour: over white, c + (255 − a).
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let p = row[x], a = p >> 24, white = 255 - a
                rgb[y * width + x] = ((p >> 16 & 0xFF) + white) << 16 | ((p >> 8 & 0xFF) + white) << 8 | ((p & 0xFF) + white)
            }
        }
        return RGBImage(width: width, height: height, rgb: rgb)
    }

    private func check(_ status: cairo_status_t, path: String) throws(FigureError) {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        let reason = String(cString: cairo_status_to_string(status))
        throw .cannotWrite(path: path, reason: reason)
    }
}

/// The bytes cairo streams out while it writes a surface.
private final class ByteSink {
    var bytes: [UInt8] = []

    static let write: cairo_write_func_t = { context, data, length in
        guard let context, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
}
