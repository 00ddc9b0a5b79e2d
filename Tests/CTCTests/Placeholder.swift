import XCTest
final class CTCTestsPlaceholder: XCTestCase { func testModuleLinks() {} }
