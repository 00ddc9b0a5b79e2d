// The safetensors codec: NIST vectors for the checksum, byte-exact layout, round trips, refusal of damage,
// and reading a file written by the Python `safetensors` package.
import Foundation
import XCTest
@testable import Models
import NN

final class SafeTensorsTests: XCTestCase {
    func testSHA256MatchesNISTVectors() {
        XCTAssertEqual(SHA256.hex([UInt8]("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex([UInt8]("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testEncodeLayoutAndRoundTrip() throws {
        let a = Tensor(shape: [2, 3], data: [1, -2, 3.5, 0, .infinity, -0.0])
        let b = Tensor(shape: [1], data: [42])
        let file = TensorFile(tensors: [("layer.weight", a), ("layer.bias", b)], metadata: ["note": "a \"quoted\"\nline"])
        let bytes = SafeTensors.encode(file)
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        XCTAssertEqual((8 + n) % 8, 0, "header padded to 8 bytes")
        XCTAssertEqual(bytes.count, 8 + n + 4 * 7)
        let back = try SafeTensors.decode(bytes)
        XCTAssertEqual(back.names, ["layer.weight", "layer.bias"])
        XCTAssertEqual(back["layer.weight"]?.shape, [2, 3])
        XCTAssertEqual(back["layer.weight"]!.data.map(\.bitPattern), a.data.map(\.bitPattern))
        XCTAssertEqual(back["layer.bias"], b)
        XCTAssertEqual(back.metadata["note"], "a \"quoted\"\nline")
        XCTAssertNotNil(back.metadata[SafeTensors.checksumKey])
    }

    func testDamagedDataIsRefused() throws {
        let file = TensorFile(tensors: [("w", Tensor(shape: [4], data: [1, 2, 3, 4]))])
        var bytes = SafeTensors.encode(file)
        bytes[bytes.count - 1] ^= 0x01
        XCTAssertThrowsError(try SafeTensors.decode(bytes, path: "x.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("checksum mismatch"), "\(e)")
        }
        let cut = Array(SafeTensors.encode(file).dropLast(3))
        XCTAssertThrowsError(try SafeTensors.decode(cut, path: "x.safetensors"))
        XCTAssertThrowsError(try SafeTensors.decode([1, 2, 3], path: "x.safetensors"))
    }

    func testAtomicWriteLeavesNoTemporaryFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.safetensors")
        try SafeTensors.write(TensorFile(tensors: [("w", Tensor(shape: [2], data: [1, 2]))]), to: url)
        try SafeTensors.write(TensorFile(tensors: [("w", Tensor(shape: [3], data: [1, 2, 3]))]), to: url)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.safetensors"])
        XCTAssertEqual(try SafeTensors.read(url)["w"]?.count, 3)
    }

    func testReadsFileWrittenByPythonSafetensors() throws {
        // Written by tools/golden_models.py with safetensors.torch.save_file (no Trellis checksum).
        let f = try SafeTensors.read(Fixtures.golden("models_dnn.safetensors"))
        XCTAssertNil(f.metadata[SafeTensors.checksumKey])
        XCTAssertEqual(f["param.feature_extractor.cnn.weight"]?.shape, [3, 1, 3, 3])
        XCTAssertNotNil(f.metadata["loss"])
    }
}
