// Numbers typed on the command line must be finite: `beam --alpha nan` decoded garbage with status 0 and
// `mel --power nan` wrote an all-NaN matrix. Every Double or Float option and argument is declared with
// `transform: finite`, so the parser refuses nan and inf with the option's name before any command runs.
import ArgumentParser

/// A finite Double, or a ValidationError naming what is wrong with `text`.
func finite(_ text: String) throws -> Double {
    guard let value = Double(text) else { throw ValidationError("'\(text)' is not a number") }
    guard value.isFinite else { throw ValidationError("'\(text)' is not a finite number (nan and inf are not allowed)") }
    return value
}

/// A finite Float (a Double beyond Float's range, such as 1e39, is refused too).
func finite(_ text: String) throws -> Float {
    let value: Double = try finite(text)
    guard Float(value).isFinite else { throw ValidationError("'\(text)' is out of range for this option") }
    return Float(value)
}
