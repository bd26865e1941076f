/* Reading a FlatBuffer (the encoding of .tflite files) without trusting it.
 *
 * A FlatBuffer is a tree of tables reached through 32-bit offsets: the root
 * offset at byte 0, each table starting with a signed offset to its vtable
 * (a list of 16-bit field offsets), vectors and strings prefixed by a 32-bit
 * length. Every offset, length and field read here is checked against the
 * buffer before it is followed, so a hostile file yields an error (with
 * eb_fb.err saying what was out of bounds), never a read outside it.
 * Values are little-endian and read with memcpy (no alignment assumed).
 *
 * Ownership: an eb_fb only points at the caller's bytes, which must outlive
 * every table and vector read from it. Nothing here allocates. */
#ifndef EB_FLATBUF_H
#define EB_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_fb {
    const uint8_t *buf;
    size_t len;
    const char *err; /* static text: what the last failed read found */
} eb_fb;

typedef struct eb_fb_table {
    eb_fb *fb;
    size_t pos;        /* the table's first byte */
    size_t vt;         /* its vtable's first byte */
    uint16_t vt_len;   /* vtable bytes (4 + 2 per field) */
} eb_fb_table;

typedef struct eb_fb_vec {
    size_t pos;        /* first element's byte */
    uint32_t n;        /* element count; n * element size lies inside the buffer */
} eb_fb_vec;

/* The root table (the offset at byte 0). 0, or -1 with fb->err set. */
int eb_fb_root(eb_fb *fb, eb_fb_table *out);

/* Scalar field `id` of t, or dflt when absent. 0, or -1 (out of bounds). */
int eb_fb_u8(const eb_fb_table *t, int id, uint8_t dflt, uint8_t *out);
int eb_fb_i32(const eb_fb_table *t, int id, int32_t dflt, int32_t *out);
int eb_fb_u32(const eb_fb_table *t, int id, uint32_t dflt, uint32_t *out);
int eb_fb_u64(const eb_fb_table *t, int id, uint64_t dflt, uint64_t *out);
int eb_fb_f32(const eb_fb_table *t, int id, float dflt, float *out);

/* Whether field `id` is present. */
int eb_fb_has(const eb_fb_table *t, int id);

/* Sub-table field: 1 present (*out set), 0 absent, -1 out of bounds. */
int eb_fb_table_field(const eb_fb_table *t, int id, eb_fb_table *out);

/* Vector field of elements `esize` bytes (1, 2, 4 or 8 for scalars, 4 for
 * tables and strings, which are offsets): 1 present, 0 absent (*out empty),
 * -1 out of bounds. */
int eb_fb_vector(const eb_fb_table *t, int id, size_t esize, eb_fb_vec *out);

/* Element i (< v->n) of a vector of tables. 0, or -1 out of bounds. */
int eb_fb_vec_table(eb_fb *fb, const eb_fb_vec *v, uint32_t i, eb_fb_table *out);

/* Scalars of a checked vector (i < v->n). */
int32_t eb_fb_vec_i32(const eb_fb *fb, const eb_fb_vec *v, uint32_t i);
int64_t eb_fb_vec_i64(const eb_fb *fb, const eb_fb_vec *v, uint32_t i);
float eb_fb_vec_f32(const eb_fb *fb, const eb_fb_vec *v, uint32_t i);

/* String field: 1 present (*s points into the buffer, *n bytes, not
 * NUL-terminated), 0 absent, -1 out of bounds. */
int eb_fb_string(const eb_fb_table *t, int id, const char **s, size_t *n);

#endif
