import XCTest
final class LanguageModelTestsPlaceholder: XCTestCase { func testModuleLinks() {} }
