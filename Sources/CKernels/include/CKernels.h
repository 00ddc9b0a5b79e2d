// CKernels: what Swift cannot express — the few inner loops that need the CPU's vector instructions
// (AVX2 + FMA, selected per function) and glibc's allocator settings. Each kernel is used only after `trellis_kernels_have_avx2_fma()` says yes; the Swift
// callers keep a portable path (im2col + OpenBLAS) for every other case, and the tests compare the two.
#ifndef TRELLIS_CKERNELS_H
#define TRELLIS_CKERNELS_H

/// Serve large blocks from the heap, not mmap, and never trim it, so freed activation buffers are reused
/// without page faults (glibc; a no-op elsewhere).
void trellis_keep_freed_memory(void);

/// 1 when this CPU runs AVX2 and FMA instructions.
int trellis_kernels_have_avx2_fma(void);

// MARK: 3×3 convolution, stride 1, padding 1 (the residual CNN blocks), one image at a time.
// Images are (C, H, W) row-major. A padded image is (C, H + 2, Wp) with Wp = trellis_conv3x3_padded_width(W):
// padded[c][r][q] = x[c][r - 1][q - 1] inside, 0 on the border and beyond (the caller zero-fills the buffer
// once; trellis_conv3x3_pad writes only the inside).

/// Row stride of a padded image: room for whole 8-float vectors plus the 3-tap window.
int trellis_conv3x3_padded_width(int W);

void trellis_conv3x3_pad(const float *x, int C, int H, int W, float *padded);

/// Packs weights w (O, C, 3, 3) for the forward kernel as (O/4, C, 9, 4). With `transpose_flip`, packs the
/// weights of the input-gradient convolution instead — w'[c][o][i][j] = w[o][c][2 - i][2 - j] — as (C/4, O, 9, 4).
/// The number of output channels of the packed convolution must be a multiple of 4.
void trellis_conv3x3_pack(const float *w, int O, int C, int transpose_flip, float *packed);

/// y (O, H, W) = conv(x, w) + bias, from the padded image and packed weights; bias may be NULL. O % 4 == 0.
void trellis_conv3x3_forward(const float *padded, int C, int H, int W, const float *packed, const float *bias,
                             int O, float *y);

/// Accumulates dL/dw for one image into `partial`, 8-lane partial sums laid out (O/4, C, 9, 4, 8)
/// (zero it once, then call per image; finish with trellis_conv3x3_reduce_weight_grad). O % 4 == 0.
void trellis_conv3x3_weight_grad(const float *padded, int C, int H, int W, const float *dy, int O, float *partial);

/// dw (O, C, 3, 3) += the lanes of `partial` summed.
void trellis_conv3x3_reduce_weight_grad(const float *partial, int O, int C, float *dw);

#endif
