// Buffer: a reusable scratch/cache allocation with a stable pointer, for activations a layer keeps between
// forward and backward and for per-step scratch. It grows only, so repeated steps of one shape allocate once.
// Reference type inside value-type layers: a layer calls `unique(&buffer)` before writing, so a copied layer
// gets its own storage on first use (value semantics, as for arrays).

final class Buffer: @unchecked Sendable {
    private(set) var capacity = 0
    private(set) var pointer: UnsafeMutablePointer<Float>

    init(_ count: Int = 0) {
        capacity = max(1, count)
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    /// A pointer to at least `count` floats (contents unspecified after growth).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: count)
        }
        return pointer
    }

    /// A new buffer with the same contents.
    func copy() -> Buffer {
        let b = Buffer(capacity)
        b.pointer.update(from: pointer, count: capacity)
        return b
    }

    /// A pointer to `count` zeros.
    func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = reserve(count)
        p.update(repeating: 0, count: count)
        return p
    }
}

/// Replaces `buffer` by a private copy if another layer value shares it (copy-on-write for layer caches).
@inline(__always)
func unique(_ buffer: inout Buffer) {
    if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
}
