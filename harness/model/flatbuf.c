/* Bounds-checked FlatBuffer reading (see flatbuf.h). Each function checks the
 * bytes it is about to read lie inside the buffer, in size_t arithmetic that
 * cannot wrap (every position is below len, every length was compared with
 * len - pos), before reading them. */
#include <string.h>

#include "harness/model/flatbuf.h"

static int fail(eb_fb *fb, const char *why)
{
    fb->err = why;
    return -1;
}

/* n bytes at pos are inside the buffer. */
static int inside(const eb_fb *fb, size_t pos, size_t n)
{
    return pos <= fb->len && n <= fb->len - pos;
}

static uint32_t rd_u32(const eb_fb *fb, size_t pos)
{
    uint32_t v;
    memcpy(&v, fb->buf + pos, 4);
    return v;
}

static uint16_t rd_u16(const eb_fb *fb, size_t pos)
{
    uint16_t v;
    memcpy(&v, fb->buf + pos, 2);
    return v;
}

/* The table at pos: its vtable found and checked. */
static int table_at(eb_fb *fb, size_t pos, eb_fb_table *out)
{
    if (!inside(fb, pos, 4))
        return fail(fb, "table offset points outside the file");
    int32_t soff = (int32_t)rd_u32(fb, pos);
    /* vtable = pos - soff, computed in 64 bits so neither sign wraps */
    int64_t vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || !inside(fb, (size_t)vt, 4))
        return fail(fb, "table's vtable lies outside the file");
    uint16_t vt_len = rd_u16(fb, (size_t)vt);
    uint16_t t_len = rd_u16(fb, (size_t)vt + 2);
    if (vt_len < 4 || (vt_len & 1) || !inside(fb, (size_t)vt, vt_len))
        return fail(fb, "vtable length is invalid or runs past the end of the file");
    if (t_len < 4 || !inside(fb, pos, t_len))
        return fail(fb, "table runs past the end of the file");
    out->fb = fb;
    out->pos = pos;
    out->vt = (size_t)vt;
    out->vt_len = vt_len;
    return 0;
}

/* Byte position of field id in t, 0 when absent; -1 (as size_t max) never:
 * the field's bytes are checked by the callers with `inside`. */
static size_t field(const eb_fb_table *t, int id)
{
    size_t at = 4 + 2 * (size_t)id;
    if (id < 0 || at + 2 > t->vt_len)
        return 0;
    uint16_t off = rd_u16(t->fb, t->vt + at);
    return off ? t->pos + off : 0;
}

int eb_fb_has(const eb_fb_table *t, int id) { return field(t, id) != 0; }

int eb_fb_root(eb_fb *fb, eb_fb_table *out)
{
    if (!inside(fb, 0, 8))
        return fail(fb, "file is shorter than a FlatBuffer header (8 bytes)");
    return table_at(fb, rd_u32(fb, 0), out);
}

/* Read `n` bytes of field id into out, or leave the default there. */
static int scalar(const eb_fb_table *t, int id, size_t n, void *out)
{
    size_t at = field(t, id);
    if (!at)
        return 0;
    if (!inside(t->fb, at, n))
        return fail(t->fb, "scalar field lies outside the file");
    memcpy(out, t->fb->buf + at, n);
    return 0;
}

int eb_fb_u8(const eb_fb_table *t, int id, uint8_t dflt, uint8_t *out)
{
    *out = dflt;
    return scalar(t, id, 1, out);
}

int eb_fb_i32(const eb_fb_table *t, int id, int32_t dflt, int32_t *out)
{
    *out = dflt;
    return scalar(t, id, 4, out);
}

int eb_fb_u32(const eb_fb_table *t, int id, uint32_t dflt, uint32_t *out)
{
    *out = dflt;
    return scalar(t, id, 4, out);
}

int eb_fb_u64(const eb_fb_table *t, int id, uint64_t dflt, uint64_t *out)
{
    *out = dflt;
    return scalar(t, id, 8, out);
}

int eb_fb_f32(const eb_fb_table *t, int id, float dflt, float *out)
{
    *out = dflt;
    return scalar(t, id, 4, out);
}

/* Follow the uoffset stored at field position `at`: the target position. */
static int follow(eb_fb *fb, size_t at, size_t *target)
{
    if (!inside(fb, at, 4))
        return fail(fb, "offset field lies outside the file");
    uint32_t off = rd_u32(fb, at);
    if (off == 0 || !inside(fb, at, (size_t)off))
        return fail(fb, "offset points outside the file");
    *target = at + off;
    return 0;
}

int eb_fb_table_field(const eb_fb_table *t, int id, eb_fb_table *out)
{
    size_t at = field(t, id), target;
    if (!at)
        return 0;
    if (follow(t->fb, at, &target) != 0 || table_at(t->fb, target, out) != 0)
        return -1;
    return 1;
}

/* The vector whose length prefix is at pos. */
static int vec_at(eb_fb *fb, size_t pos, size_t esize, eb_fb_vec *out)
{
    if (!inside(fb, pos, 4))
        return fail(fb, "vector length lies outside the file");
    uint32_t n = rd_u32(fb, pos);
    /* n * esize fits size_t (n < 2^32, esize <= 8) on 64-bit hosts; on a
     * 32-bit host the division guards the product. */
    if ((size_t)n > (fb->len - pos - 4) / esize)
        return fail(fb, "vector runs past the end of the file");
    out->pos = pos + 4;
    out->n = n;
    return 0;
}

int eb_fb_vector(const eb_fb_table *t, int id, size_t esize, eb_fb_vec *out)
{
    out->pos = 0;
    out->n = 0;
    size_t at = field(t, id), target;
    if (!at)
        return 0;
    if (follow(t->fb, at, &target) != 0 || vec_at(t->fb, target, esize, out) != 0)
        return -1;
    return 1;
}

int eb_fb_vec_table(eb_fb *fb, const eb_fb_vec *v, uint32_t i, eb_fb_table *out)
{
    size_t target;
    if (i >= v->n)
        return fail(fb, "vector index out of range");
    if (follow(fb, v->pos + 4 * (size_t)i, &target) != 0)
        return -1;
    return table_at(fb, target, out);
}

int32_t eb_fb_vec_i32(const eb_fb *fb, const eb_fb_vec *v, uint32_t i)
{
    return (int32_t)rd_u32(fb, v->pos + 4 * (size_t)i);
}

int64_t eb_fb_vec_i64(const eb_fb *fb, const eb_fb_vec *v, uint32_t i)
{
    int64_t x;
    memcpy(&x, fb->buf + v->pos + 8 * (size_t)i, 8);
    return x;
}

float eb_fb_vec_f32(const eb_fb *fb, const eb_fb_vec *v, uint32_t i)
{
    float x;
    memcpy(&x, fb->buf + v->pos + 4 * (size_t)i, 4);
    return x;
}

int eb_fb_string(const eb_fb_table *t, int id, const char **s, size_t *n)
{
    eb_fb_vec v;
    int r = eb_fb_vector(t, id, 1, &v);
    if (r <= 0)
        return r;
    *s = (const char *)t->fb->buf + v.pos;
    *n = v.n;
    return 1;
}
