import XCTest
final class FiguresTestsPlaceholder: XCTestCase { func testModuleLinks() {} }
