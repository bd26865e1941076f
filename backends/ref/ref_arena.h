/* Liveness-based placement of a plan's activations in one buffer.
 *
 * Each activation lives from the step that first touches it to the step that
 * last does (graph outputs to the end of the run). Two activations whose
 * lifetimes overlap never share bytes; others may, so a deep network needs
 * about as much memory as its widest point instead of the sum of all its
 * tensors. A step's inputs and outputs are live at that step together, so
 * no kernel ever writes over an input it is still reading. */
#ifndef EB_REF_ARENA_H
#define EB_REF_ARENA_H

#include <stddef.h>

#define EB_REF_ARENA_ALIGN 64 /* every offset; a cache line, and enough for any SIMD load */

typedef struct eb_ref_live {
    size_t bytes;     /* 0 is placed as 1 so every tensor has its own address */
    int first, last;  /* inclusive step range in which it is live */
    size_t offset;    /* out: byte offset in the arena */
} eb_ref_live;

/* Place n items (greedy: largest first, each at the lowest aligned offset
 * free of every placed item whose lifetime overlaps). Sets each offset and
 * *arena_bytes. Returns 0, or -1 when out of memory. */
int eb_ref_arena_place(eb_ref_live *items, int n, size_t *arena_bytes);

#endif
