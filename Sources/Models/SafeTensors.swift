// The safetensors file format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then raw
// little-endian tensor bytes. Trellis writes F32 only (what PyTorch's state_dict holds for these models) and
// reads F32/F64/F16/BF16, converting to Float. Files are written atomically (temporary file, fsync, rename,
// fsync of the folder) with a SHA-256 of the data section in `__metadata__["trellis.sha256"]`, verified on
// load when present, so a checkpoint is either whole and intact or refused with a message saying why.
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
    /// Metadata key of the hex SHA-256 of the data section.
    public static let checksumKey = "trellis.sha256"

    // MARK: encoding

    /// The file's bytes; adds the data checksum to the metadata.
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
        meta[checksumKey] = SHA256.hex(dataBytes)
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
        return out
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
    public static func decode(_ bytes: [UInt8], path: String = "<memory>", verifyChecksum: Bool = true) throws -> TensorFile {
        guard bytes.count >= 8 else { throw SafeTensorsError(path, "file is \(bytes.count) bytes, too short for a safetensors header") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8) else {
            throw SafeTensorsError(path, "header length \(n) runs past the end of the \(bytes.count)-byte file (truncated or not safetensors)")
        }
        let headerEnd = 8 + Int(n)
        let headerData = Data(bytes[8..<headerEnd])
        guard let obj = try? JSONSerialization.jsonObject(with: headerData), let dict = obj as? [String: Any] else {
            throw SafeTensorsError(path, "header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let m = dict["__metadata__"] {
            guard let md = m as? [String: Any] else { throw SafeTensorsError(path, "__metadata__ is not an object") }
            for (k, v) in md {
                guard let s = v as? String else { throw SafeTensorsError(path, "__metadata__[\(k)] is not a string") }
                metadata[k] = s
            }
        }
        let dataCount = bytes.count - headerEnd
        if verifyChecksum, let expected = metadata[checksumKey] {
            let actual = bytes.withUnsafeBytes { SHA256.hex(UnsafeRawBufferPointer(rebasing: $0[headerEnd...])) }
            guard actual == expected else {
                throw SafeTensorsError(path, "checksum mismatch: the data section's SHA-256 is \(actual.prefix(12))…, the header says \(expected.prefix(12))… (file damaged or partly written)")
            }
        }
        var entries: [(name: String, begin: Int, tensor: Tensor)] = []
        for (name, value) in dict where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeAny = info["shape"] as? [Any], let offAny = info["data_offsets"] as? [Any], offAny.count == 2 else {
                throw SafeTensorsError(path, "tensor \(name): entry lacks dtype, shape or data_offsets")
            }
            let shape = try shapeAny.map { (v: Any) -> Int in
                guard let i = (v as? NSNumber)?.intValue, i >= 0 else { throw SafeTensorsError(path, "tensor \(name): bad shape \(shapeAny)") }
                return i
            }
            guard let begin = (offAny[0] as? NSNumber)?.intValue, let end = (offAny[1] as? NSNumber)?.intValue,
                  begin >= 0, end >= begin, end <= dataCount else {
                throw SafeTensorsError(path, "tensor \(name): data_offsets \(offAny) outside the \(dataCount)-byte data section")
            }
            let count = shape.reduce(1, *)
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F64": width = 8
            case "F16", "BF16": width = 2
            default: throw SafeTensorsError(path, "tensor \(name): dtype \(dtype) is not supported (Trellis reads F32, F64, F16, BF16)")
            }
            guard end - begin == count * width else {
                throw SafeTensorsError(path, "tensor \(name): \(end - begin) bytes for shape \(shape) of \(dtype) (expected \(count * width))")
            }
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
            entries.append((name, begin, Tensor(shape: shape, data: values)))
        }
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        return TensorFile(tensors: entries.map { ($0.name, $0.tensor) }, metadata: metadata)
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
