// House-keeping that reading the code would otherwise have to catch: the architecture table says
// what Package.swift says, module headers list the files the module has, no document or source names
// a path of the machine it was written on, and the shell does not recognise ArgumentParser's internal
// error types by their names. These read the repository's own files (found from this file's path).
import Foundation
import XCTest

final class RepositoryTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every file below `directory` (relative to the repository), as paths relative to the repository.
    private func files(under directory: String) -> [String] {
        let base = root.appendingPathComponent(directory)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            found.append(directory + "/" + url.path.dropFirst(base.path.count + 1))
        }
        return found.sorted()
    }

    private func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (0..<match.numberOfRanges).map { i in Range(match.range(at: i), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    // MARK: - Package.swift and docs/architecture.md

    /// Target name → its dependencies, read from Package.swift (test targets left out).
    private func packageTargets() throws -> [String: Set<String>] {
        let manifest = try read("Package.swift")
        let starts = matches(#"\.(target|executableTarget|systemLibrary|testTarget)\(name: "(\w+)""#, in: manifest)
        let positions = try NSRegularExpression(pattern: #"\.(target|executableTarget|systemLibrary|testTarget)\(name: "(\w+)""#)
            .matches(in: manifest, range: NSRange(manifest.startIndex..., in: manifest))
        var targets: [String: Set<String>] = [:]
        for (i, match) in positions.enumerated() where starts[i][1] != "testTarget" {
            let from = match.range.location
            let to = i + 1 < positions.count ? positions[i + 1].range.location : (manifest as NSString).length
            let body = (manifest as NSString).substring(with: NSRange(location: from, length: to - from))
            var dependencies = Set<String>()
            if let open = body.range(of: "dependencies: [") {
                var depth = 1
                var end = open.upperBound
                while end < body.endIndex && depth > 0 {
                    if body[end] == "[" { depth += 1 } else if body[end] == "]" { depth -= 1 }
                    end = body.index(after: end)
                }
                let list = String(body[open.upperBound..<end]).replacingOccurrences(of: #"package: "[^"]*""#, with: "", options: .regularExpression)
                dependencies = Set(matches(#""(\w+)""#, in: list).map { $0[1] })
            }
            targets[starts[i][2]] = dependencies
        }
        return targets
    }

    func testArchitectureTableMatchesPackageSwift() throws {
        let targets = try packageTargets()
        XCTAssertTrue(targets.keys.contains("Workbench") && targets.keys.contains("CTC"), "Package.swift was not read: \(targets)")
        let doc = try read("docs/architecture.md")
        var rows: [String: Set<String>] = [:]
        for row in matches(#"^\| `(\w+)` \|.*\| ([^|]*) \|$"#, in: doc) {
            rows[row[1]] = Set(matches(#"`(\w+)`"#, in: row[2]).map { $0[1] })
        }
        XCTAssertEqual(Set(rows.keys), Set(targets.keys), "docs/architecture.md lists other modules than Package.swift")
        for (name, dependencies) in targets.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(rows[name], dependencies, "docs/architecture.md: the dependencies of \(name)")
        }
    }

    // MARK: - module headers

    /// A module's header: its Module.swift, else the file named after it.
    private func header(of module: String) -> String? {
        for name in ["Module.swift", "\(module).swift"] {
            if let text = try? read("Sources/\(module)/\(name)") { return text }
        }
        return nil
    }

    /// File-list entries of a header comment: comment lines that start with a file name
    /// ("//   Tokenizer.swift   the notebook's 29 symbols ...").
    private func listedFiles(_ header: String) -> [String] {
        let comment = header.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("//") }.joined(separator: "\n")
        return matches(#"^//\s+([\w+/-]+\.(?:swift|c|h))\s"#, in: comment).map { $0[1] }
    }

    func testModuleHeadersListTheFilesTheModuleHas() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources").path).sorted()
        var listsSeen = 0
        for module in modules {
            guard let header = header(of: module) else { continue }
            // Any Swift file a header names (in a list or in a sentence) exists, in the module or under Sources/.
            let comment = header.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("//") }.joined(separator: "\n")
            for mention in Set(matches(#"([\w/+-]+\.swift)\b"#, in: comment).map { $0[1] }) {
                let exists = !files(under: "Sources/\(module)").filter { $0.hasSuffix("/" + mention) }.isEmpty
                    || FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources/" + mention).path)
                XCTAssertTrue(exists, "Sources/\(module)'s header names \(mention), which does not exist")
            }
            let listed = listedFiles(header)
            if listed.isEmpty { continue }
            listsSeen += 1
            let present = files(under: "Sources/\(module)").map { String($0.dropFirst("Sources/\(module)/".count)) }
            let names = Set(present + present.map { ($0 as NSString).lastPathComponent })
            for file in listed {
                XCTAssertTrue(names.contains(file), "Sources/\(module)'s header lists \(file), which does not exist")
            }
            for file in present where file.hasSuffix(".swift") && file != "Module.swift" {
                XCTAssertTrue(listed.contains(file) || listed.contains((file as NSString).lastPathComponent),
                              "Sources/\(module)'s header does not list \(file)")
            }
        }
        XCTAssertGreaterThanOrEqual(listsSeen, 2, "no module header with a file list was found (CTC and Base have one)")
    }

    // MARK: - paths and names

    /// Paths that only exist on the machine a figure was measured on: the shared folder, data and run
    /// folders, temporary binaries, second build folders. Docs say "the anchor figures in tools/" or give
    /// the command instead.
    func testNoAbsolutePathOfTheMachineInDocsSourcesOrTools() throws {
        let places = ["README.md", "Makefile", "Package.swift"] + files(under: "docs") + files(under: "Sources")
            + files(under: "tools") + files(under: "scripts")
        let pattern = #"(/work/|/tmp/|/root/|/home/|/Users/|shared/anchors|shared/lm|--scratch-path[ =]+/|\.build-\w)"#
        for path in places {
            guard let text = try? read(path) else { continue }
            for hit in matches("^.*" + pattern + ".*$", in: text) {
                XCTFail("\(path) names a path of one machine (\(hit[1])): \(hit[0])")
            }
        }
    }

    func testNoArgumentParserErrorTypeIsMatchedByName() throws {
        for path in files(under: "Sources/Workbench") {
            let text = try read(path)
            XCTAssertFalse(text.contains("String(describing: type(of:"), "\(path) matches an error by its type's name")
            XCTAssertFalse(text.contains("\"CommandError\""), "\(path) names ArgumentParser's internal CommandError")
        }
    }
}
