// Checkpoints from anywhere: the header is covered by Trellis's checksum, and every header (Trellis's or a plain
// PyTorch state_dict's, which has no checksum) is validated against the bytes present before anything is
// allocated. Each reproduction of issue 8's defect 2 is kept here: an edited `rnn_dim`, a shape whose element
// count overflows, swapped `data_offsets` of two same-shape tensors.
import Foundation
import XCTest
@testable import Models
import NN

final class SafeTensorsHostileTests: XCTestCase {
    /// A safetensors file from a header text and data bytes, as any writer (or an editor) could make it.
    func rawFile(_ header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        let out: [UInt8] = (0..<8).map { UInt8((UInt64(h.count) >> (8 * UInt64($0))) & 0xff) }
        return out + h + data
    }

    func floats(_ values: [Float]) -> [UInt8] { values.flatMap { v in (0..<4).map { UInt8((v.bitPattern >> (8 * UInt32($0))) & 0xff) } } }

    /// Replaces `old` by `new` in the header and rewrites the header length, as an editor would.
    func editHeader(_ bytes: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        XCTAssertTrue(header.contains(old), "the header has no \(old): \(header)")
        return rawFile(header.replacingOccurrences(of: old, with: new), data: Array(bytes[(8 + n)...]))
    }

    func assertRefused(_ bytes: [UInt8], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.decode(bytes, path: "m.safetensors"), file: file, line: line) { e in
            XCTAssertTrue("\(e)".contains(expected), "\(e)", file: file, line: line)
        }
    }

    func testEditingOnlyTheHeaderIsCaughtByTheChecksum() throws {
        let config = ModelConfig(kind: .dnn, nCNNLayers: 0, nRNNLayers: 1, rnnDim: 16, nFeats: 8, dropout: 0.1, channels: 2, dnnHidden: 8)
        let file = TensorFile(tensors: [("a", Tensor(shape: [2, 2], data: [1, 2, 3, 4])), ("b", Tensor(shape: [2, 2], data: [5, 6, 7, 8]))],
                              metadata: [ModelConfig.metadataKey: config.jsonString()])
        let bytes = SafeTensors.encode(file)
        XCTAssertNoThrow(try SafeTensors.decode(bytes))
        // The first reproduction: the model config's rnn_dim, same length so nothing else moves.
        assertRefused(try editHeader(bytes, "\\\"rnn_dim\\\":16", "\\\"rnn_dim\\\":99"), "checksum mismatch")
        // Swapped data_offsets of the two same-shape tensors.
        let swapped = try editHeader(try editHeader(bytes, "[0,16]", "[X]"), "[16,32]", "[0,16]")
        assertRefused(try editHeader(swapped, "[X]", "[16,32]"), "checksum mismatch")
        // A shape edited (and the data left alone).
        assertRefused(try editHeader(bytes, "\"shape\":[2,2]", "\"shape\":[4,1]"), "checksum mismatch")
        // The checksum entry itself edited to another well-formed digest.
        let digest = try SafeTensors.decode(bytes).metadata[SafeTensors.checksumKey]!
        assertRefused(try editHeader(bytes, digest, String(digest.reversed())), "checksum mismatch")
    }

    func testAShapeWhoseSizeOverflowsIsAnErrorNotATrap() {
        let huge = 1 << 31
        let header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[\(huge),\(huge),\(huge),\(huge)],\"data_offsets\":[0,16]}}"
        assertRefused(rawFile(header, data: floats([1, 2, 3, 4])), "needs more bytes than the 16-byte data section holds")
        // A shape that fits Int but not the file is refused before the values are allocated.
        let big = "{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,16]}}"
        assertRefused(rawFile(big, data: floats([1, 2, 3, 4])), "needs more bytes")
        // Numbers beyond Int, negative or fractional are not sizes.
        for bad in ["[1e30]", "[-4]", "[2.5]", "[18446744073709551616]", "[\"4\"]"] {
            let h = "{\"w\":{\"dtype\":\"F32\",\"shape\":\(bad),\"data_offsets\":[0,16]}}"
            assertRefused(rawFile(h, data: floats([1, 2, 3, 4])), "whole numbers")
        }
    }

    func testSwappedOverlappingOrGappedOffsetsAreRefusedWithoutAChecksum() throws {
        let data = floats([1, 2, 3, 4, 5, 6, 7, 8])
        func file(_ a: String, _ b: String, extra: [UInt8] = []) -> [UInt8] {
            rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":\(a)},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":\(b)}}",
                    data: data + extra)
        }
        let good = try SafeTensors.decode(file("[0,16]", "[16,32]"))
        XCTAssertEqual(good["a"]?.data, [1, 2, 3, 4])
        XCTAssertEqual(good["b"]?.data, [5, 6, 7, 8])
        // The third reproduction on a plain state_dict: the two entries' offsets exchanged.
        assertRefused(file("[16,32]", "[0,16]"), "out of order")
        assertRefused(file("[0,16]", "[8,24]"), "overlap")
        assertRefused(file("[0,16]", "[0,16]"), "overlap")
        assertRefused(file("[4,20]", "[20,36]"), "gap")
        assertRefused(file("[0,16]", "[16,32]", extra: [0, 0, 0, 0]), "4 bytes after the last tensor")
        assertRefused(file("[0,16]", "[16,40]"), "run past the end")
        assertRefused(file("[0,16]", "[32,16]"), "begin ≤ end")
    }

    func testHeaderSyntaxIsCheckedStrictly() {
        let data = floats([1])
        let cases: [(String, String)] = [
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "appears twice"),
            ("{\"w\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}", "nesting deeper"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} trailing", "after the header's closing"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "expected '}'"),
            ("{\"__metadata__\":{\"k\":5},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "not a string"),
            ("{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,4]}}", "not supported"),
            ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "lacks dtype, shape or data_offsets"),
        ]
        for (header, expected) in cases { assertRefused(rawFile(header, data: data), expected) }
        // Escapes and spacing that JSON allows are read.
        let ok = "{ \"__metadata__\" : { \"n\\u00e9\\ud83d\\ude00\" : \"a\\tb\" } , \"w\" : { \"dtype\" : \"F32\", \"shape\" : [ 1 ], \"data_offsets\" : [ 0, 4 ] } }   "
        XCTAssertEqual(try SafeTensors.decode(rawFile(ok, data: data)).metadata["né😀"], "a\tb")
    }

    func testAFileThatIsNotSafetensorsGetsOneClearSentence() {
        // The run folder's `latest` pointer, whose first 8 bytes read as a header length of 3472325239070748773.
        let latest = Array("epoch-004.safetensors\n".utf8)
        assertRefused(latest, "m.safetensors: not a safetensors checkpoint: it is a text file (it begins \"epoch-004.safetensors\")")
        assertRefused([0x80, 0x02, 0x7D, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00, 0x00], "torch.save")
        assertRefused(Array("PK\u{03}\u{04}".utf8) + [UInt8](repeating: 0, count: 40), "torch.save")
        assertRefused([1, 2, 3], "shorter than the 8-byte header length")
        assertRefused([0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0, 0xFE, 0xFE], "header length of")
        assertRefused(rawFile("[1, 2]", data: []), "not a safetensors checkpoint")
    }

    func testAFileWithTheOlderDataOnlyChecksumIsStillVerified() {
        // Checkpoints written before the header was covered carry trellis.sha256 over the data section only.
        let data = floats([1, 2])
        let digest = SHA256.hex(data)
        let header = "{\"__metadata__\":{\"trellis.sha256\":\"\(digest)\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        XCTAssertEqual(try SafeTensors.decode(rawFile(header, data: data))["w"]?.data, [1, 2])
        assertRefused(rawFile(header, data: floats([1, 3])), "checksum mismatch")
    }

    func testAnEditedConfigIsRefusedBeforeAModelIsAllocated() throws {
        // The rnn_dim 100000 with the checksum removed too: the config no longer fits the tensors, and
        // the refusal comes from comparing shapes, before CTCModel allocates anything.
        let config = ModelConfig(kind: .dnn, nCNNLayers: 0, nRNNLayers: 1, rnnDim: 16, nFeats: 8, dropout: 0.1, channels: 2, dnnHidden: 8)
        let tensors = config.parameterLayout.map { (name: $0.name, tensor: Tensor(shape: $0.shape, data: [Float](repeating: 0.5, count: $0.shape.reduce(1, *)))) }
        var edited = config
        edited.rnnDim = 100_000
        XCTAssertThrowsError(try ModelConfig.from(TensorFile(tensors: tensors, metadata: [ModelConfig.metadataKey: edited.jsonString()]), path: "m")) { e in
            XCTAssertTrue("\(e)".contains("rnn_dim 100000 is larger than 65536"), "\(e)")
        }
        edited.rnnDim = 60_000  // within bounds, but not what the tensors hold
        XCTAssertThrowsError(try ModelConfig.from(TensorFile(tensors: tensors, metadata: [ModelConfig.metadataKey: edited.jsonString()]), path: "m")) { e in
            XCTAssertTrue("\(e)".contains("does not match the tensors"), "\(e)")
        }
        edited.rnnDim = 1 << 62  // would overflow every shape computed from it
        XCTAssertThrowsError(try ModelConfig.from(TensorFile(tensors: tensors, metadata: [ModelConfig.metadataKey: edited.jsonString()]), path: "m")) { e in
            XCTAssertTrue("\(e)".contains("larger than 65536"), "\(e)")
        }
        XCTAssertEqual(try ModelConfig.from(TensorFile(tensors: tensors, metadata: [ModelConfig.metadataKey: config.jsonString()]), path: "m"), config)
        // A state_dict whose convolution has no channels is refused, not divided by.
        let zero = TensorFile(tensors: [("feature_extractor.cnn.weight", Tensor(shape: [0, 1, 3, 3], data: [])),
                                        ("feature_extractor.fully_connected.0.weight", Tensor(shape: [1, 1], data: [0])),
                                        ("feature_extractor.fully_connected.6.weight", Tensor(shape: [1, 1], data: [0]))])
        XCTAssertThrowsError(try ModelConfig.from(zero, path: "m"))
    }
}
