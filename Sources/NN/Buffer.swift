// Buffer: a reusable scratch/cache allocation with a stable pointer, for activations a layer keeps between
// forward and backward and for per-step scratch. It grows only, so repeated steps of one shape allocate once.
// Reference type: copies of a layer share their caches (make a fresh layer to run two models side by side).

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

    /// A pointer to `count` zeros.
    func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = reserve(count)
        p.update(repeating: 0, count: count)
        return p
    }
}
