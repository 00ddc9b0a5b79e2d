// The safetensors file format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then raw
// little-endian tensor bytes. Trellis writes F32 only (what PyTorch's state_dict holds for these models) and
// reads F32/F64/F16/BF16, converting to Float. Files are written atomically (temporary file, fsync, rename,
// fsync of the folder) with a SHA-256 of the whole file, header included, in `__metadata__["trellis.file.sha256"]`
// (computed with its own digits read as zeros), verified on load when present. Every header, checksummed or not
// (a PyTorch state_dict), is read by a strict parser (SafeTensorsHeader.swift) and validated against the bytes
// present before anything is allocated, so a checkpoint is either whole and consistent or refused with a message
// saying why.
import Base
import Foundation
import NN

/// The tensors of one safetensors file, in file order, and its string metadata.
public struct TensorFile: Sendable {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]
    public init(tensors: [(name: String, tensor: Tensor)] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }
    public var names: [String] { tensors.map(\.name) }
}

public struct SafeTensorsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ path: String, _ reason: String) { description = "\(path): \(reason)" }
}

public enum SafeTensors {
    /// Metadata key of the hex SHA-256 of the whole file, computed with these 64 digits read as '0's, so the
    /// header (shapes, offsets, model config) is covered as well as the data.
    public static let checksumKey = "trellis.file.sha256"
    /// The checksum of files written before the header was covered: the data section only. Still verified; the
    /// header of such a file is trusted no more than a PyTorch state_dict's (validated field by field).
    public static let dataChecksumKey = "trellis.sha256"
    /// The reference implementation's limit; a larger header is damage or hostility, not a model.
    public static let maxHeaderBytes = 100_000_000

    // MARK: encoding

    /// The file's bytes; adds the file checksum to the metadata.
    public static func encode(_ file: TensorFile) -> [UInt8] {
        var offsets: [(Int, Int)] = []
        var total = 0
        for (_, t) in file.tensors {
            offsets.append((total, total + 4 * t.count))
            total += 4 * t.count
        }
        var dataBytes = [UInt8](repeating: 0, count: total)
        dataBytes.withUnsafeMutableBytes { raw in
            for (i, (_, t)) in file.tensors.enumerated() {
                t.data.withUnsafeBytes { src in
                    // Float's in-memory layout is little-endian IEEE 754 on every platform Swift targets here.
                    raw.baseAddress!.advanced(by: offsets[i].0).copyMemory(from: src.baseAddress!, byteCount: src.count)
                }
            }
        }
        var meta = file.metadata
        meta[dataChecksumKey] = nil
        meta[checksumKey] = zeroDigest
        var json = "{\"__metadata__\":{"
        json += meta.keys.sorted().map { "\(quote($0)):\(quote(meta[$0]!))" }.joined(separator: ",")
        json += "}"
        for (i, (name, t)) in file.tensors.enumerated() {
            let shape = t.shape.map(String.init).joined(separator: ",")
            json += ",\(quote(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offsets[i].0),\(offsets[i].1)]}"
        }
        json += "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // pad with spaces, as the reference writer does
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + total)
        let n = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8((n >> (8 * UInt64(i))) & 0xff)) }
        out += header
        out += dataBytes
        // The digest of the file with zeros in place of the digits, then the digits themselves.
        let at = checksumDigits(in: out, headerEnd: 8 + header.count, digits: zeroDigest)!
        let digest = Array(SHA256.hex(out).utf8)
        out.replaceSubrange(at..<(at + 64), with: digest)
        return out
    }

    private static let zeroDigest = String(repeating: "0", count: 64)

    /// Where the 64 digits of `"trellis.file.sha256":"DIGITS"` start in the header, when that text occurs exactly
    /// once (inside a JSON string every quote is escaped, so it can only be the metadata entry itself).
    private static func checksumDigits(in bytes: [UInt8], headerEnd: Int, digits: String) -> Int? {
        let pattern = Array((quote(checksumKey) + ":\"" + digits + "\"").utf8)
        var found: Int?
        var i = 8
        while i + pattern.count <= headerEnd {
            if bytes[i] == pattern[0] && bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                guard found == nil else { return nil }
                found = i + pattern.count - 65
            }
            i += 1
        }
        return found
    }

    private static func quote(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    r += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    r.unicodeScalars.append(u)
                }
            }
        }
        return r + "\""
    }

    // MARK: decoding

    /// Parses a safetensors file's bytes. `path` only names the file in error messages.
    ///
    /// Nothing in the header is trusted: every size is bounded by the bytes actually present (with
    /// overflow-checked arithmetic) before anything is allocated, and the tensors must lie in the data section
    /// in header order, back to back, with no overlap, gap or trailing bytes (what the reference writer produces
    /// and its reader demands), so swapped `data_offsets` are refused even in a file without a checksum.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>", verifyChecksum: Bool = true) throws -> TensorFile {
        guard bytes.count >= 8 else {
            throw SafeTensorsError(path, "not a safetensors checkpoint: the file is \(bytes.count) bytes, shorter than the 8-byte header length every safetensors file starts with")
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8), n <= UInt64(maxHeaderBytes), n >= 2 else {
            throw SafeTensorsError(path, notSafetensors(bytes, headerLength: n))
        }
        let headerEnd = 8 + Int(n)
        let header = Array(bytes[8..<headerEnd])
        guard header.first == UInt8(ascii: "{") else { throw SafeTensorsError(path, notSafetensors(bytes, headerLength: n)) }
        let entries: [(key: String, value: HeaderValue)]
        do { entries = try HeaderParser.parse(header) } catch {
            throw SafeTensorsError(path, "damaged safetensors header: \(error)")
        }
        var metadata: [String: String] = [:]
        for (key, value) in entries where key == "__metadata__" {
            guard case let .object(md) = value else { throw SafeTensorsError(path, "__metadata__ is \(value.kind), not an object") }
            for (k, v) in md {
                guard case let .string(s) = v else { throw SafeTensorsError(path, "__metadata__[\(k)] is \(v.kind), not a string") }
                metadata[k] = s
            }
        }
        let dataCount = bytes.count - headerEnd
        if verifyChecksum { try verify(bytes, headerEnd: headerEnd, metadata: metadata, path: path) }

        var tensors: [(name: String, tensor: Tensor)] = []
        var previous: (name: String, end: Int)?
        // Where each entry says its data begins, in header order: to tell entries out of order from a gap.
        let begins: [(name: String, begin: Int)] = entries.compactMap { e in
            guard e.key != "__metadata__", case let .object(f) = e.value,
                  case let .array(o)? = f.first(where: { $0.key == "data_offsets" })?.value,
                  case let .integer(b)? = o.first else { return nil }
            return (e.key, b)
        }
        for (index, (name, value)) in entries.filter({ $0.key != "__metadata__" }).enumerated() {
            func bad(_ reason: String) -> SafeTensorsError { SafeTensorsError(path, "tensor \(name): \(reason)") }
            guard case let .object(fields) = value else { throw bad("its entry is \(value.kind), not an object") }
            func field(_ k: String) -> HeaderValue? { fields.first { $0.key == k }?.value }
            guard case let .string(dtype)? = field("dtype"), case let .array(shapeValues)? = field("shape"),
                  case let .array(offsetValues)? = field("data_offsets") else {
                throw bad("its entry lacks dtype, shape or data_offsets")
            }
            var shape: [Int] = []
            for v in shapeValues {
                guard case let .integer(d) = v, d >= 0 else { throw bad("shape \(describe(shapeValues)) holds something other than whole numbers ≥ 0") }
                shape.append(d)
            }
            guard offsetValues.count == 2, case let .integer(begin) = offsetValues[0], case let .integer(end) = offsetValues[1],
                  begin >= 0, end >= begin else {
                throw bad("data_offsets \(describe(offsetValues)) are not two whole numbers [begin, end] with begin ≤ end")
            }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F64": width = 8
            case "F16", "BF16": width = 2
            default: throw bad("dtype \(dtype) is not supported (Trellis reads F32, F64, F16, BF16)")
            }
            // Checked arithmetic: a shape such as [2^31, 2^31, 2^31, 2^31] must be an error, not a trap.
            var count = 1
            var byteCount = 0
            var overflow = false
            for d in shape {
                let (c, o) = count.multipliedReportingOverflow(by: d)
                count = c; overflow = overflow || o
            }
            if !overflow { (byteCount, overflow) = count.multipliedReportingOverflow(by: width) }
            guard !overflow, byteCount <= dataCount else {
                throw bad("shape \(shape) of \(dtype) needs more bytes than the \(dataCount)-byte data section holds")
            }
            let expectedBegin = previous?.end ?? 0
            guard begin >= expectedBegin else {
                let after = previous.map { "the previous tensor \($0.name) ends at byte \($0.end)" } ?? "data starts at byte 0"
                throw bad("data_offsets [\(begin), \(end)] overlap or come before the data of the tensors listed before it (\(after)); offsets out of order or file damaged")
            }
            guard begin == expectedBegin else {
                if let later = begins.dropFirst(index + 1).first(where: { $0.begin < begin }) {
                    throw bad("data_offsets [\(begin), \(end)] come after those of \(later.name), listed after it in the header: offsets out of order (entries swapped?) or file damaged")
                }
                throw bad("data_offsets [\(begin), \(end)] leave a gap of \(begin - expectedBegin) bytes after byte \(expectedBegin); offsets damaged")
            }
            guard end <= dataCount else {
                throw bad("data_offsets [\(begin), \(end)] run past the end of the \(dataCount)-byte data section (truncated file?)")
            }
            guard end - begin == byteCount else {
                throw bad("\(end - begin) bytes for shape \(shape) of \(dtype) (expected \(byteCount))")
            }
            previous = (name, end)
            var values = [Float](repeating: 0, count: count)
            let base = headerEnd + begin
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let p = base + i * width
                    switch dtype {
                    case "F32":
                        values[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
                    case "F64":
                        values[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self).littleEndian))
                    case "BF16":
                        values[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: p, as: UInt16.self).littleEndian) << 16)
                    default:
                        values[i] = halfToFloat(raw.loadUnaligned(fromByteOffset: p, as: UInt16.self).littleEndian)
                    }
                }
            }
            tensors.append((name, Tensor(shape: shape, data: values)))
        }
        let used = previous?.end ?? 0
        guard used == dataCount else {
            throw SafeTensorsError(path, "\(dataCount - used) bytes after the last tensor's data (file damaged or offsets wrong)")
        }
        return TensorFile(tensors: tensors, metadata: metadata)
    }

    /// Checks the file checksum (header and data) or, in files written before it existed, the data checksum.
    private static func verify(_ bytes: [UInt8], headerEnd: Int, metadata: [String: String], path: String) throws {
        if let expected = metadata[checksumKey] {
            guard expected.utf8.count == 64, expected.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
                  let at = checksumDigits(in: bytes, headerEnd: headerEnd, digits: expected) else {
                throw SafeTensorsError(path, "checksum mismatch: the header's \(checksumKey) entry is not as Trellis writes it (header edited or damaged)")
            }
            var zeroed = bytes
            zeroed.replaceSubrange(at..<(at + 64), with: Array(zeroDigest.utf8))
            let actual = SHA256.hex(zeroed)
            guard actual == expected else {
                throw SafeTensorsError(path, "checksum mismatch: the file's SHA-256 is \(actual.prefix(12))…, its header says \(expected.prefix(12))… (file damaged, partly written or edited)")
            }
        } else if let expected = metadata[dataChecksumKey] {
            let actual = bytes.withUnsafeBytes { SHA256.hex(UnsafeRawBufferPointer(rebasing: $0[headerEnd...])) }
            guard actual == expected else {
                throw SafeTensorsError(path, "checksum mismatch: the data section's SHA-256 is \(actual.prefix(12))…, the header says \(expected.prefix(12))… (file damaged or partly written)")
            }
        }
    }

    /// One sentence for a file whose first 8 bytes are not a plausible header length: most often a text file
    /// (the run folder's `latest`, a transcript) or a PyTorch pickle (`torch.save`) given where a checkpoint goes.
    private static func notSafetensors(_ bytes: [UInt8], headerLength n: UInt64) -> String {
        let head = bytes.prefix(64)
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.first == 0x80 {
            return "not a safetensors checkpoint: it looks like a PyTorch file from torch.save; save the state_dict with safetensors.torch.save_file instead"
        }
        let printable = head.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if printable, let text = String(validating: Array(head), as: UTF8.self) {
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return "not a safetensors checkpoint: it is a text file (it begins \"\(line.prefix(40))\"), while a safetensors file begins with an 8-byte header length"
        }
        if n > UInt64(bytes.count - 8) {
            return "not a safetensors checkpoint (or a truncated one): its first 8 bytes give a header length of \(n) bytes, more than the \(bytes.count)-byte file holds"
        }
        return "not a safetensors checkpoint: its first 8 bytes give a header length of \(n) bytes, and the header is not a JSON object"
    }

    private static func describe(_ values: [HeaderValue]) -> String {
        "[" + values.map { v -> String in
            switch v {
            case let .integer(i): return String(i)
            case let .number(d): return String(d)
            case let .string(s): return "\"\(s)\""
            default: return v.kind
            }
        }.joined(separator: ", ") + "]"
    }

    private static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1f)
        let mant = UInt32(h & 0x3ff)
        if exp == 0 {
            let v = Float(mant) * Float(sign == 0 ? 1 : -1) * powf(2, -24)
            return v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
    }

    // MARK: files

    public static func read(_ url: URL, verifyChecksum: Bool = true) throws -> TensorFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafeTensorsError(url.path, "cannot read: \(error.localizedDescription)")
        }
        return try decode([UInt8](data), path: url.path, verifyChecksum: verifyChecksum)
    }

    /// Writes atomically: a reader (or a crash) sees the old file or the whole new one, never a partial one.
    public static func write(_ file: TensorFile, to url: URL) throws {
        try AtomicFile.write(encode(file), to: url)
    }
}
