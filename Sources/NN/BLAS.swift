// BLAS: thin row-major wrappers over OpenBLAS's cblas_sgemm, so layer code reads like the maths.
import CBLAS

/// C (m, n) = alpha * op(A) (m, k) * op(B) (k, n) + beta * C, all row-major.
/// op(A) is A (m, k) with lda, or A^T where A is stored (k, m) with lda; same for B.
@inline(__always)
func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
           alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
           b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = 0 } }
        } else if beta != 1 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
        }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
