/* Shapes of a .tflite that Arm NN 20.08's TfLite parser crashes or aborts on,
 * found before the file is handed to it (armnn_precheck.h).
 *
 * Why a reader of its own: the IR edgebench built from the file has lost
 * what matters here (an operator stored without its options table imports
 * with the schema's defaults, exactly like one with a table of defaults),
 * and a plugin may link only the SDK, not harness/model's flatbuf.c. So
 * this is a second, small FlatBuffer reader over the same bytes, reading
 * only the few fields below; every offset, vtable and vector is checked
 * against the buffer before it is followed (the file is hostile input: it
 * got past edgebench's import, but this reader trusts nothing of that).
 *
 * Found by running Arm NN 20.08 (Debian's libarmnn22) in a child on the
 * fuzz seeds, the Fashion twins and the hand-built nets, each with one
 * operator's options table dropped or of another type:
 * - ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D,
 *   FULLY_CONNECTED, MAX_POOL_2D, MUL, SOFTMAX without their options table
 *   (legal in the schema: every field has a default), or with a table of
 *   another union type: the parser dereferences the missing table (SIGSEGV);
 * - FULLY_CONNECTED with per-channel quantised weights (more than one
 *   scale): an assertion in Arm NN's layer support (SIGABRT).
 * PAD, MEAN, RESHAPE, QUANTIZE and DEQUANTIZE without options, and files
 * the FlatBuffer verifier rejects, give Arm NN's own error, not a crash. */
#include "backends/armnn/armnn_precheck.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const unsigned char *b;
    size_t n;
} rd;

static int u32_at(const rd *r, size_t at, uint32_t *v)
{
    if (at > r->n || r->n - at < 4)
        return -1;
    *v = (uint32_t)r->b[at] | (uint32_t)r->b[at + 1] << 8 | (uint32_t)r->b[at + 2] << 16 |
         (uint32_t)r->b[at + 3] << 24;
    return 0;
}

static int u16_at(const rd *r, size_t at, uint16_t *v)
{
    if (at > r->n || r->n - at < 2)
        return -1;
    *v = (uint16_t)(r->b[at] | r->b[at + 1] << 8);
    return 0;
}

/* The uoffset stored at `at`, followed: the position it points to. */
static int follow(const rd *r, size_t at, size_t *to)
{
    uint32_t off;
    if (u32_at(r, at, &off) != 0 || off == 0 || off > r->n - at)
        return -1;
    *to = at + off;
    return 0;
}

/* Field `id` of the table at `t`: its position, 0 when absent, -1 when the
 * table or its vtable lies outside the buffer. */
static int field(const rd *r, size_t t, int id, size_t *at)
{
    uint32_t soff;
    uint16_t vsize, tsize, off;
    if (u32_at(r, t, &soff) != 0)
        return -1;
    int64_t vt = (int64_t)t - (int32_t)soff; /* soffset: vtable = table - value */
    if (vt < 0 || (uint64_t)vt >= r->n || u16_at(r, (size_t)vt, &vsize) != 0 ||
        u16_at(r, (size_t)vt + 2, &tsize) != 0 || vsize < 4 || (vsize & 1) ||
        (uint64_t)vt + vsize > r->n || tsize < 4 || tsize > r->n - t)
        return -1;
    *at = 0;
    if (4 + 2 * (size_t)id + 2 > vsize)
        return 0; /* older writer: field not in the vtable */
    if (u16_at(r, (size_t)vt + 4 + 2 * (size_t)id, &off) != 0)
        return -1;
    if (off == 0)
        return 0;
    if (off >= tsize)
        return -1;
    *at = t + off;
    return 0;
}

/* A table or vector field (a uoffset): its target, 0 when absent. */
static int ref_field(const rd *r, size_t t, int id, size_t *to)
{
    size_t at;
    if (field(r, t, id, &at) != 0)
        return -1;
    *to = 0;
    return at ? follow(r, at, to) : 0;
}

/* A vector's length, its elements of `elem` bytes all inside the buffer. */
static int vec_len(const rd *r, size_t v, size_t elem, uint32_t *len)
{
    if (u32_at(r, v, len) != 0 || (uint64_t)*len * elem > r->n - v - 4)
        return -1;
    return 0;
}

/* Element i of a vector of tables. */
static int vec_table(const rd *r, size_t v, uint32_t i, size_t *t)
{
    uint32_t len;
    if (vec_len(r, v, 4, &len) != 0 || i >= len)
        return -1;
    return follow(r, v + 4 + 4 * (size_t)i, t);
}

static int scalar_u8(const rd *r, size_t t, int id, unsigned def, unsigned *v)
{
    size_t at;
    if (field(r, t, id, &at) != 0 || (at && at >= r->n))
        return -1;
    *v = at ? r->b[at] : def;
    return 0;
}

static int scalar_i32(const rd *r, size_t t, int id, int32_t def, int32_t *v)
{
    size_t at;
    uint32_t u;
    if (field(r, t, id, &at) != 0)
        return -1;
    if (!at) {
        *v = def;
        return 0;
    }
    if (u32_at(r, at, &u) != 0)
        return -1;
    *v = (int32_t)u;
    return 0;
}

/* Builtin operators whose Arm NN 20.08 parser reads the options table,
 * with the BuiltinOptions union type it reads it as. */
static const struct {
    int32_t code;
    unsigned options;
    const char *name, *table;
} k_needs_options[] = {
    {0, 11, "ADD", "AddOptions"},
    {1, 5, "AVERAGE_POOL_2D", "Pool2DOptions"},
    {2, 10, "CONCATENATION", "ConcatenationOptions"},
    {3, 1, "CONV_2D", "Conv2DOptions"},
    {4, 2, "DEPTHWISE_CONV_2D", "DepthwiseConv2DOptions"},
    {9, 8, "FULLY_CONNECTED", "FullyConnectedOptions"},
    {17, 5, "MAX_POOL_2D", "Pool2DOptions"},
    {18, 21, "MUL", "MulOptions"},
    {25, 9, "SOFTMAX", "SoftmaxOptions"},
};

#define CORRUPT(what)                                                                            \
    do {                                                                                         \
        snprintf(why, len, "%s lies outside the file (truncated or corrupt)", what);             \
        return -1;                                                                               \
    } while (0)

/* FULLY_CONNECTED operator `op`'s weights (input 1): more than one scale? */
static int fc_per_channel(const rd *r, size_t sg, size_t op, uint32_t *n_scales)
{
    size_t ins, tensors, t, q, sc;
    uint32_t n_in, n_t, w;
    *n_scales = 0;
    if (ref_field(r, op, 1, &ins) != 0 || !ins || vec_len(r, ins, 4, &n_in) != 0)
        return -1;
    if (n_in < 2 || u32_at(r, ins + 8, &w) != 0 || (int32_t)w < 0)
        return 0; /* no weights input: Arm NN's own error */
    if (ref_field(r, sg, 0, &tensors) != 0 || !tensors || vec_len(r, tensors, 4, &n_t) != 0 ||
        w >= n_t || vec_table(r, tensors, w, &t) != 0)
        return -1;
    if (ref_field(r, t, 4, &q) != 0)
        return -1;
    if (!q)
        return 0;
    if (ref_field(r, q, 2, &sc) != 0)
        return -1;
    return sc ? vec_len(r, sc, 4, n_scales) : 0;
}

int eb_armnn_precheck(const void *bytes, size_t n, char *why, size_t len)
{
    const rd rr = {bytes, n}, *r = &rr;
    size_t root, codes, sgs, sg, ops;
    uint32_t n_codes, n_ops;
    if (!bytes || follow(r, 0, &root) != 0)
        CORRUPT("the root table");
    if (ref_field(r, root, 1, &codes) != 0 || !codes || vec_len(r, codes, 4, &n_codes) != 0)
        CORRUPT("operator_codes");
    if (ref_field(r, root, 2, &sgs) != 0 || !sgs || vec_table(r, sgs, 0, &sg) != 0)
        CORRUPT("subgraph 0");
    if (ref_field(r, sg, 3, &ops) != 0)
        CORRUPT("subgraph 0's operators");
    if (!ops)
        return 0;
    if (vec_len(r, ops, 4, &n_ops) != 0)
        CORRUPT("subgraph 0's operators");
    for (uint32_t i = 0; i < n_ops; i++) {
        size_t op, oc;
        uint32_t idx;
        unsigned dep, otype;
        int32_t code;
        if (vec_table(r, ops, i, &op) != 0 || scalar_i32(r, op, 0, 0, (int32_t *)&idx) != 0 ||
            idx >= n_codes || vec_table(r, codes, idx, &oc) != 0 ||
            scalar_u8(r, oc, 0, 0, &dep) != 0 || scalar_i32(r, oc, 3, 0, &code) != 0 ||
            scalar_u8(r, op, 3, 0, &otype) != 0)
            CORRUPT("an operator or its code");
        /* The code is the larger of the deprecated int8 field and the
         * int32 one, as TFLite reads it (old files set only the first). */
        int8_t dep8 = (int8_t)dep;
        if (dep8 > code)
            code = dep8;
        size_t opts;
        if (ref_field(r, op, 4, &opts) != 0)
            CORRUPT("an operator's options");
        for (size_t k = 0; k < sizeof k_needs_options / sizeof k_needs_options[0]; k++) {
            if (k_needs_options[k].code != code)
                continue;
            if (!opts || otype != k_needs_options[k].options) {
                if (!opts)
                    snprintf(why, len,
                             "operator %u (%s) has no %s table (legal in the schema, but Arm "
                             "NN 20.08's TfLite parser dereferences it and crashes)",
                             (unsigned)i, k_needs_options[k].name, k_needs_options[k].table);
                else
                    snprintf(why, len,
                             "operator %u (%s) stores options of union type %u, not %s (Arm "
                             "NN 20.08's TfLite parser dereferences the %s it lacks and crashes)",
                             (unsigned)i, k_needs_options[k].name, otype, k_needs_options[k].table,
                             k_needs_options[k].table);
                return -1;
            }
        }
        if (code == 9) {
            uint32_t n_scales;
            if (fc_per_channel(r, sg, op, &n_scales) != 0)
                CORRUPT("a FULLY_CONNECTED operator's weights");
            if (n_scales > 1) {
                snprintf(why, len,
                         "operator %u (FULLY_CONNECTED) has per-channel quantised weights (%u "
                         "scales), which Arm NN 20.08 aborts on (an assertion); TFLite's int8 "
                         "spec quantises fully-connected weights per tensor",
                         (unsigned)i, (unsigned)n_scales);
                return -1;
            }
        }
    }
    return 0;
}
