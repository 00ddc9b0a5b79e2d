import XCTest
final class NNTestsPlaceholder: XCTestCase { func testModuleLinks() {} }
