import XCTest
final class AudioTestsPlaceholder: XCTestCase { func testModuleLinks() {} }
