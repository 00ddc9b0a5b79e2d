// Output: picks the cairo surface from the file extension (.png raster, .svg/.pdf vector) and writes the
// figure, turning cairo's status codes into FigureError messages that name the file.
import CCairo

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
        try validate()
        let format = try FigureFormat(path: path)
        let w = Double(width), h = Double(height)
        let surface: OpaquePointer?
        switch format {
        case .png: surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        case .svg: surface = cairo_svg_surface_create(path, w, h)
        case .pdf: surface = cairo_pdf_surface_create(path, w, h)
        }
        guard let surface else { throw .cannotWrite(path: path, reason: "cairo could not create the surface") }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), path: path)
        if format == .svg { cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_2) }
        guard let cr = cairo_create(surface) else { throw .cannotWrite(path: path, reason: "cairo could not create a context") }
        draw(on: Canvas(cr: cr))
        let drawStatus = cairo_status(cr)
        cairo_destroy(cr)
        try check(drawStatus, path: path)
        if format == .png {
            cairo_surface_flush(surface)
            try check(cairo_surface_write_to_png(surface, path), path: path)
        } else {
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), path: path)
        }
    }

    private func check(_ status: cairo_status_t, path: String) throws(FigureError) {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        let reason = String(cString: cairo_status_to_string(status))
        if status == CAIRO_STATUS_WRITE_ERROR || status == CAIRO_STATUS_FILE_NOT_FOUND {
            throw .cannotWrite(path: path, reason: "\(reason) (does the folder exist and is it writable?)")
        }
        throw .cannotWrite(path: path, reason: reason)
    }
}
