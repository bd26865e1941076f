/* int8 GEMM micro-kernel, AVX-512 VNNI, for products of 8, 9 or 18 columns:
 * the 1x1 convolutions on 3x3 planes (MobileNet-v2 0.5@96's last stage and
 * its final 1x1 to 1280 channels). There the 32 x 7 tile
 * (q8_gemm_32x7c4__avx512vnni) ran two column panels for 9 pixels, 14
 * columns of work for 9; this one runs one. 32 rows (output channels)
 * across the lanes of two vectors, 9 columns (pixels) broadcast as 4-byte
 * groups of the packed B panel, vpdpbusd (uint8 activations x int8
 * weights, exact); 18 accumulators, two weight vectors and one broadcast
 * in the 32 vector registers. The dispatch takes it where its tiles pad
 * the columns less than the 32 x 7 tile's (eb_simd_q8_gemm_for): 9
 * columns, not 49 or 196.
 * A: 32-row panels, k in groups of 4 (kq x 32 x 4 int8);
 * B: kq x 9 x 4 uint8; tile: 32 x 9 int32 column by column
 * (tile[j * 32 + r]). The `_rq` entry point requantises in registers and
 * stores bytes (eb_simd_q8_store_32xn_avx512). The loop is
 * simd_q8_tile_32xn_c4.h's, shared with the 32 x 7 tile. */
#define Q8N_NR 9
#define Q8N_COLS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8)
#define Q8N_NAME eb_q8_gemm_32x9c4__avx512vnni
#include "backends/simd/simd_q8_tile_32xn_c4.h"
