/* numpy-style broadcasting of two operands into one output, run as a loop
 * nest over contiguous output rows (defined in broadcast.c). Used by the
 * element-wise binary ops and by MatMul for its batch dimensions. */
#ifndef EB_REF_BROADCAST_H
#define EB_REF_BROADCAST_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/graph.h"

/* The loop nest after merging adjacent axes that broadcast the same way and
 * dropping axes of extent 1: plain data, fill once at prepare. */
typedef struct eb_ref_broadcast {
    int rank;                      /* loop depth, >= 1 */
    int64_t dims[EB_MAX_RANK];     /* output extent of each loop */
    int64_t stride_a[EB_MAX_RANK]; /* elements of a per step of each loop, 0 = broadcast */
    int64_t stride_b[EB_MAX_RANK];
    int64_t numel;                 /* output elements (0 when any extent is 0) */
} eb_ref_broadcast;

/* Plan the broadcast of shapes a (rank_a dims) and b (rank_b dims); rank 0 is
 * a scalar. Returns 0, or -1 when they do not broadcast or the result rank
 * exceeds EB_MAX_RANK. */
int eb_ref_broadcast_init(eb_ref_broadcast *bc, int rank_a, const int64_t *dims_a, int rank_b,
                          const int64_t *dims_b);

/* One innermost row: n output elements at y (contiguous); a and b advance by
 * step_a / step_b elements per output element (each 0 or 1). ctx is the
 * caller's. */
typedef void (*eb_ref_broadcast_row)(const void *a, int64_t step_a, const void *b,
                                     int64_t step_b, void *y, int64_t n, void *ctx);

/* Call row() over the whole output. size_a, size_b and size_y are the element
 * sizes in bytes (an "element" may be a whole matrix, as in MatMul). */
void eb_ref_broadcast_run(const eb_ref_broadcast *bc, const void *a, size_t size_a,
                          const void *b, size_t size_b, void *y, size_t size_y,
                          eb_ref_broadcast_row row, void *ctx);

#endif
