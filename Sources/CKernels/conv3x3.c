// Direct 3×3 / stride 1 / padding 1 convolution with AVX2 + FMA, for the residual CNN blocks.
//
// Why not im2col + SGEMM: with 32 channels the GEMMs are 32 × 288 × (pixels), OpenBLAS spends as long packing
// the 9×-expanded column matrix as multiplying it, and the input gradient needs a K = 32 GEMM plus a col2im
// scatter. Here each output vector (8 time steps) is built straight from the padded image: a register tile
// of 4 output channels × 3 vectors takes, for every input channel and tap, 3 unaligned loads, 4 broadcasts
// and 12 fused multiply-adds, with no expanded matrix at all. The input gradient of a stride-1 convolution
// is the same convolution of dL/dy with the kernel flipped and transposed, so it reuses the forward kernel.
#include "CKernels.h"

#include <stddef.h>
#include <string.h>

int trellis_conv3x3_padded_width(int W) { return ((W + 7) / 8) * 8 + 8; }

void trellis_conv3x3_pad(const float *x, int C, int H, int W, float *padded) {
    const int Wp = trellis_conv3x3_padded_width(W);
    for (int c = 0; c < C; c++) {
        for (int r = 0; r < H; r++) {
            memcpy(padded + ((size_t)c * (H + 2) + r + 1) * Wp + 1, x + ((size_t)c * H + r) * W, sizeof(float) * W);
        }
    }
}

void trellis_conv3x3_pack(const float *w, int O, int C, int transpose_flip, float *packed) {
    // Packed convolution: `outs` output channels from `ins` input channels.
    const int outs = transpose_flip ? C : O, ins = transpose_flip ? O : C;
    for (int o = 0; o < outs; o++) {
        for (int c = 0; c < ins; c++) {
            for (int t = 0; t < 9; t++) {
                float v = transpose_flip ? w[((size_t)c * C + o) * 9 + (8 - t)] : w[((size_t)o * C + c) * 9 + t];
                packed[(((size_t)(o / 4) * ins + c) * 9 + t) * 4 + (o % 4)] = v;
            }
        }
    }
}

void trellis_conv3x3_reduce_weight_grad(const float *partial, int O, int C, float *dw) {
    for (int o = 0; o < O; o++) {
        for (int c = 0; c < C; c++) {
            for (int t = 0; t < 9; t++) {
                const float *p = partial + ((((size_t)(o / 4) * C + c) * 9 + t) * 4 + (o % 4)) * 8;
                float s = 0;
                for (int l = 0; l < 8; l++) s += p[l];
                dw[((size_t)o * C + c) * 9 + t] += s;
            }
        }
    }
}

// MARK: - The AVX2 + FMA kernels (x86-64 only; elsewhere only im2col runs)

#if defined(__x86_64__)
#include <immintrin.h>

int trellis_kernels_have_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/// Lanes 0..<n set (n in 1...8), for the last, partial vector of a row.
__attribute__((target("avx2,fma")))
static inline __m256i lane_mask(int n) {
    static const int ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_loadu_si256((const __m256i *)ramp));
}

// One tap of the 4 × 3 tile: 3 input vectors (ymm0-2) at ADDR, 4 weights broadcast in turn (ymm3) from W
// bytes past %[w]; accumulators ymm4-15 hold (channel k, vector v) at ymm(4 + 3k + v).
#define TAP(ADDR, W)                                                                                      \
    "vmovups " ADDR(0) ", %%ymm0\n\t"                                                                     \
    "vmovups " ADDR(32) ", %%ymm1\n\t"                                                                    \
    "vmovups " ADDR(64) ", %%ymm2\n\t"                                                                    \
    "vbroadcastss " #W "(%[w]), %%ymm3\n\t"                                                               \
    "vfmadd231ps %%ymm3, %%ymm0, %%ymm4\n\t"                                                              \
    "vfmadd231ps %%ymm3, %%ymm1, %%ymm5\n\t"                                                              \
    "vfmadd231ps %%ymm3, %%ymm2, %%ymm6\n\t"                                                              \
    "vbroadcastss 4+" #W "(%[w]), %%ymm3\n\t"                                                             \
    "vfmadd231ps %%ymm3, %%ymm0, %%ymm7\n\t"                                                              \
    "vfmadd231ps %%ymm3, %%ymm1, %%ymm8\n\t"                                                              \
    "vfmadd231ps %%ymm3, %%ymm2, %%ymm9\n\t"                                                              \
    "vbroadcastss 8+" #W "(%[w]), %%ymm3\n\t"                                                             \
    "vfmadd231ps %%ymm3, %%ymm0, %%ymm10\n\t"                                                             \
    "vfmadd231ps %%ymm3, %%ymm1, %%ymm11\n\t"                                                             \
    "vfmadd231ps %%ymm3, %%ymm2, %%ymm12\n\t"                                                             \
    "vbroadcastss 12+" #W "(%[w]), %%ymm3\n\t"                                                            \
    "vfmadd231ps %%ymm3, %%ymm0, %%ymm13\n\t"                                                             \
    "vfmadd231ps %%ymm3, %%ymm1, %%ymm14\n\t"                                                             \
    "vfmadd231ps %%ymm3, %%ymm2, %%ymm15\n\t"
// Input addresses of taps (i, j): row i through the row-stride register %[ws] (bytes), column j as 4j bytes.
#define ROW0J0(D) #D "(%[x])"
#define ROW0J1(D) "4+" #D "(%[x])"
#define ROW0J2(D) "8+" #D "(%[x])"
#define ROW1J0(D) #D "(%[x],%[ws],1)"
#define ROW1J1(D) "4+" #D "(%[x],%[ws],1)"
#define ROW1J2(D) "8+" #D "(%[x],%[ws],1)"
#define ROW2J0(D) #D "(%[x],%[ws],2)"
#define ROW2J1(D) "4+" #D "(%[x],%[ws],2)"
#define ROW2J2(D) "8+" #D "(%[x],%[ws],2)"
#define ACC_IO(OP)                                                                                        \
    OP " 0(%[acc]), %%ymm4\n\t" OP " 32(%[acc]), %%ymm5\n\t" OP " 64(%[acc]), %%ymm6\n\t"                 \
    OP " 96(%[acc]), %%ymm7\n\t" OP " 128(%[acc]), %%ymm8\n\t" OP " 160(%[acc]), %%ymm9\n\t"              \
    OP " 192(%[acc]), %%ymm10\n\t" OP " 224(%[acc]), %%ymm11\n\t" OP " 256(%[acc]), %%ymm12\n\t"          \
    OP " 288(%[acc]), %%ymm13\n\t" OP " 320(%[acc]), %%ymm14\n\t" OP " 352(%[acc]), %%ymm15\n\t"
#define ACC_STORE                                                                                         \
    "vmovups %%ymm4, 0(%[acc])\n\t" "vmovups %%ymm5, 32(%[acc])\n\t" "vmovups %%ymm6, 64(%[acc])\n\t"     \
    "vmovups %%ymm7, 96(%[acc])\n\t" "vmovups %%ymm8, 128(%[acc])\n\t" "vmovups %%ymm9, 160(%[acc])\n\t"  \
    "vmovups %%ymm10, 192(%[acc])\n\t" "vmovups %%ymm11, 224(%[acc])\n\t"                                 \
    "vmovups %%ymm12, 256(%[acc])\n\t" "vmovups %%ymm13, 288(%[acc])\n\t"                                 \
    "vmovups %%ymm14, 320(%[acc])\n\t" "vmovups %%ymm15, 352(%[acc])\n\t"

/// One register tile: 4 output channels × 3 vectors (24 time steps) at (row, x0). The loop is written in
/// assembly because with all 16 vector registers live, clang's allocator shuffled and spilled the
/// accumulators every tap and halved the throughput. `last_partial` masks the final vector's store.
__attribute__((target("avx2,fma")))
static void forward_tile_3(const float *padded, int C, int H, int Wp, int row, int x0, const float *w4,
                           const float *b4, float *y, int HW, int W, int last_partial, __m256i mask) {
    __attribute__((aligned(32))) float acc[12 * 8];
    for (int k = 0; k < 4; k++) {
        const float b = b4 ? b4[k] : 0.0f;
        for (int l = 0; l < 24; l++) acc[k * 24 + l] = b;
    }
    const float *x = padded + (size_t)row * Wp + x0;
    const float *w = w4;
    long count = C;
    const long ws = (long)Wp * 4, plane = (long)(H + 2) * Wp * 4;
    __asm__ volatile(
        ACC_IO("vmovups")
        "1:\n\t"
        TAP(ROW0J0, 0) TAP(ROW0J1, 16) TAP(ROW0J2, 32)
        TAP(ROW1J0, 48) TAP(ROW1J1, 64) TAP(ROW1J2, 80)
        TAP(ROW2J0, 96) TAP(ROW2J1, 112) TAP(ROW2J2, 128)
        "add %[plane], %[x]\n\t"
        "add $144, %[w]\n\t"
        "dec %[count]\n\t"
        "jnz 1b\n\t"
        ACC_STORE
        : [x] "+r"(x), [w] "+r"(w), [count] "+r"(count)
        : [acc] "r"(acc), [ws] "r"(ws), [plane] "r"(plane)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
          "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
    float *yk = y + (size_t)row * W + x0;
    for (int k = 0; k < 4; k++, yk += HW) {
        _mm256_storeu_ps(yk, _mm256_load_ps(acc + k * 24));
        _mm256_storeu_ps(yk + 8, _mm256_load_ps(acc + k * 24 + 8));
        if (last_partial) _mm256_maskstore_ps(yk + 16, mask, _mm256_load_ps(acc + k * 24 + 16));
        else _mm256_storeu_ps(yk + 16, _mm256_load_ps(acc + k * 24 + 16));
    }
}

/// The same for a single vector (the rest of a row that is not a multiple of 24).
__attribute__((target("avx2,fma")))
static void forward_tile_1(const float *padded, int C, int H, int Wp, int row, int x0, const float *w4,
                           const float *b4, float *y, int HW, int W, int last_partial, __m256i mask) {
    __m256 a0 = b4 ? _mm256_set1_ps(b4[0]) : _mm256_setzero_ps(), a1 = b4 ? _mm256_set1_ps(b4[1]) : _mm256_setzero_ps();
    __m256 a2 = b4 ? _mm256_set1_ps(b4[2]) : _mm256_setzero_ps(), a3 = b4 ? _mm256_set1_ps(b4[3]) : _mm256_setzero_ps();
    const size_t plane = (size_t)(H + 2) * Wp;
    const ptrdiff_t off[9] = {0, 1, 2, Wp, Wp + 1, Wp + 2, 2 * Wp, 2 * Wp + 1, 2 * Wp + 2};
    for (int c = 0; c < C; c++) {
        const float *xc = padded + c * plane + (size_t)row * Wp + x0;
        const float *wk = w4 + (size_t)c * 36;
        for (int t = 0; t < 9; t++, wk += 4) {
            const __m256 xv = _mm256_loadu_ps(xc + off[t]);
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(wk), xv, a0);
            a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(wk + 1), xv, a1);
            a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(wk + 2), xv, a2);
            a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(wk + 3), xv, a3);
        }
    }
    float *yk = y + (size_t)row * W + x0;
    const __m256 out[4] = {a0, a1, a2, a3};
    for (int k = 0; k < 4; k++, yk += HW) {
        if (last_partial) _mm256_maskstore_ps(yk, mask, out[k]);
        else _mm256_storeu_ps(yk, out[k]);
    }
}

__attribute__((target("avx2,fma")))
void trellis_conv3x3_forward(const float *padded, int C, int H, int W, const float *packed, const float *bias,
                             int O, float *y) {
    const int Wp = trellis_conv3x3_padded_width(W);
    const int nv = (W + 7) / 8;
    const int partial = (W % 8) != 0;
    const __m256i mask = lane_mask(W - (nv - 1) * 8);
    const int HW = H * W;
    for (int row = 0; row < H; row++) {
        int v = 0;
        for (; v + 3 <= nv; v += 3) {
            const int last = partial && v + 3 == nv;
            for (int ob = 0; ob < O / 4; ob++) {
                forward_tile_3(padded, C, H, Wp, row, 8 * v, packed + (size_t)ob * C * 36, bias ? bias + 4 * ob : 0,
                               y + (size_t)ob * 4 * HW, HW, W, last, mask);
            }
        }
        for (; v < nv; v++) {
            const int last = partial && v + 1 == nv;
            for (int ob = 0; ob < O / 4; ob++) {
                forward_tile_1(padded, C, H, Wp, row, 8 * v, packed + (size_t)ob * C * 36, bias ? bias + 4 * ob : 0,
                               y + (size_t)ob * 4 * HW, HW, W, last, mask);
            }
        }
    }
}

// dL/dw[o][c][i][j] = Σ_r Σ_x dy[o][r][x] · padded[c][r + i][x + j]. For one output row r, 4 output channels
// and one (c, i), a tile keeps the 3 taps j × 4 channels as 12 vector sums over the row (ymm(4 + 3k + j)),
// then adds them to 8-lane partial sums in memory, summed across lanes once at the end. Assembly for the
// same reason as the forward tile.
#define WG_K(DY, A0, A1, A2)                                                                              \
    "vmovups " DY ", %%ymm3\n\t"                                                                          \
    "vfmadd231ps %%ymm3, %%ymm0, %%ymm" #A0 "\n\t"                                                        \
    "vfmadd231ps %%ymm3, %%ymm1, %%ymm" #A1 "\n\t"                                                        \
    "vfmadd231ps %%ymm3, %%ymm2, %%ymm" #A2 "\n\t"
#define WG_OUT(A, OFF)                                                                                    \
    "vaddps " #OFF "(%[p]), %%ymm" #A ", %%ymm" #A "\n\t"                                                 \
    "vmovups %%ymm" #A ", " #OFF "(%[p])\n\t"

__attribute__((target("avx2,fma")))
static void weight_grad_row(const float *xr, const float *d0, long hw_bytes, int full, float *p) {
    if (full <= 0) return;
    const float *x = xr, *d = d0;
    long count = full;
    const long hw3 = 3 * hw_bytes;
    __asm__ volatile(
        "vxorps %%ymm4, %%ymm4, %%ymm4\n\t" "vxorps %%ymm5, %%ymm5, %%ymm5\n\t" "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
        "vxorps %%ymm7, %%ymm7, %%ymm7\n\t" "vxorps %%ymm8, %%ymm8, %%ymm8\n\t" "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
        "vxorps %%ymm10, %%ymm10, %%ymm10\n\t" "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
        "vxorps %%ymm12, %%ymm12, %%ymm12\n\t" "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
        "vxorps %%ymm14, %%ymm14, %%ymm14\n\t" "vxorps %%ymm15, %%ymm15, %%ymm15\n\t"
        "1:\n\t"
        "vmovups (%[x]), %%ymm0\n\t"
        "vmovups 4(%[x]), %%ymm1\n\t"
        "vmovups 8(%[x]), %%ymm2\n\t"
        WG_K("(%[d])", 4, 5, 6)
        WG_K("(%[d],%[hw],1)", 7, 8, 9)
        WG_K("(%[d],%[hw],2)", 10, 11, 12)
        WG_K("(%[d],%[hw3],1)", 13, 14, 15)
        "add $32, %[x]\n\t"
        "add $32, %[d]\n\t"
        "dec %[count]\n\t"
        "jnz 1b\n\t"
        // partial[(j * 4 + k) * 8]: register 4 + 3k + j goes to byte offset (4j + k) * 32.
        WG_OUT(4, 0) WG_OUT(5, 128) WG_OUT(6, 256)
        WG_OUT(7, 32) WG_OUT(8, 160) WG_OUT(9, 288)
        WG_OUT(10, 64) WG_OUT(11, 192) WG_OUT(12, 320)
        WG_OUT(13, 96) WG_OUT(14, 224) WG_OUT(15, 352)
        : [x] "+r"(x), [d] "+r"(d), [count] "+r"(count)
        : [hw] "r"(hw_bytes), [hw3] "r"(hw3), [p] "r"(p)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
          "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
}

__attribute__((target("avx2,fma")))
void trellis_conv3x3_weight_grad(const float *padded, int C, int H, int W, const float *dy, int O, float *partial) {
    const int Wp = trellis_conv3x3_padded_width(W);
    const int full = W / 8;  // vectors with 8 valid lanes
    const int rest = W - full * 8;
    const __m256i mask = lane_mask(rest > 0 ? rest : 8);
    const size_t plane = (size_t)(H + 2) * Wp;
    const size_t HW = (size_t)H * W;
    for (int row = 0; row < H; row++) {
        for (int ob = 0; ob < O / 4; ob++) {
            const float *d0 = dy + ((size_t)(4 * ob) * H + row) * W;
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < 3; i++) {
                    const float *xr = padded + c * plane + (size_t)(row + i) * Wp;
                    float *p = partial + (((size_t)ob * C + c) * 9 + i * 3) * 32;
                    weight_grad_row(xr, d0, (long)HW * 4, full, p);
                    if (rest > 0) {  // the last, partial vector: masked dy lanes contribute zero
                        for (int k = 0; k < 4; k++) {
                            const __m256 d = _mm256_maskload_ps(d0 + k * HW + 8 * full, mask);
                            for (int j = 0; j < 3; j++) {
                                float *pk = p + (j * 4 + k) * 8;
                                const __m256 xv = _mm256_loadu_ps(xr + 8 * full + j);
                                _mm256_storeu_ps(pk, _mm256_fmadd_ps(d, xv, _mm256_loadu_ps(pk)));
                            }
                        }
                    }
                }
            }
        }
    }
}

#else

int trellis_kernels_have_avx2_fma(void) { return 0; }

void trellis_conv3x3_forward(const float *padded, int C, int H, int W, const float *packed, const float *bias,
                             int O, float *y) {
    (void)padded; (void)C; (void)H; (void)W; (void)packed; (void)bias; (void)O; (void)y;
}

void trellis_conv3x3_weight_grad(const float *padded, int C, int H, int W, const float *dy, int O, float *partial) {
    (void)padded; (void)C; (void)H; (void)W; (void)dy; (void)O; (void)partial;
}

#endif
