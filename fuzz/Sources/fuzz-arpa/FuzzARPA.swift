// Fuzz target: ARPA n-gram files (plain or gzip) through `ARPAModel(contentsOf:)`, then one scored sentence.
import FuzzSupport
import LanguageModel

@main enum FuzzARPA {
    static func main() {
        Fuzz.run { bytes in
            let path = Fuzz.write(bytes, to: "model.arpa")
            guard let lm = try? ARPAModel(contentsOf: path) else { return }
            _ = lm.scoreSentence("the cat sat on the mat")
        }
    }
}
