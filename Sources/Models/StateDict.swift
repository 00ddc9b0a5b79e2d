// StateDict: moving a model's parameters to and from safetensors files under their PyTorch names, so
// `safetensors.torch.save_file(model.state_dict(), f)` from the notebook loads into Trellis and Trellis's
// checkpoints load into the notebook's modules with `load_state_dict(load_file(f))`.
import Foundation
import NN

public struct StateDictError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public enum StateDict {
    /// The model's parameters as tensors, in visiting (PyTorch `named_parameters`) order.
    public static func tensors<M: ParameterContainer>(of model: inout M) -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        model.visitParameters { p in out.append((p.name, Tensor(shape: p.shape, data: p.value))) }
        return out
    }

    /// Gradients under the same names (for golden comparisons and debugging dumps).
    public static func gradients<M: ParameterContainer>(of model: inout M) -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        model.visitParameters { p in out.append((p.name, Tensor(shape: p.shape, data: p.grad))) }
        return out
    }

    /// Copies every parameter from `file` (names prefixed with `prefix`), checking that the names and shapes
    /// match exactly; extra tensors in the file are an error unless `allowExtra`.
    public static func load<M: ParameterContainer>(_ file: TensorFile, into model: inout M, prefix: String = "",
                                                   allowExtra: Bool = false, source: String = "checkpoint") throws {
        var byName: [String: Tensor] = [:]
        for (n, t) in file.tensors where n.hasPrefix(prefix) { byName[String(n.dropFirst(prefix.count))] = t }
        var missing: [String] = []
        var wrongShape: [String] = []
        var used = Set<String>()
        model.visitParameters { p in
            guard let t = byName[p.name] else { missing.append(p.name); return }
            used.insert(p.name)
            // PyTorch stores a scalar-per-row tensor the same way; only the element order matters, so the
            // shapes must agree exactly to rule out a transposed or differently sized layer.
            guard t.shape == p.shape else { wrongShape.append("\(p.name): file \(t.shape), model \(p.shape)"); return }
            p.value = t.data
        }
        if !missing.isEmpty || !wrongShape.isEmpty {
            var msg = "\(source) does not fit this model"
            if !missing.isEmpty { msg += "; missing \(missing.count) tensor(s): \(missing.prefix(4).joined(separator: ", "))\(missing.count > 4 ? ", …" : "")" }
            if !wrongShape.isEmpty { msg += "; wrong shape: \(wrongShape.prefix(4).joined(separator: "; "))" }
            throw StateDictError(msg)
        }
        let extra = byName.keys.filter { !used.contains($0) }.sorted()
        if !allowExtra && !extra.isEmpty {
            throw StateDictError("\(source) has \(extra.count) tensor(s) this model does not: \(extra.prefix(4).joined(separator: ", ")) (different architecture or --seed-faithful setting?)")
        }
    }
}
