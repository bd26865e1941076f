/* Weight sparsity of a loaded graph: how many elements of its weight
 * tensors are zero. Pruned variants store their zeros densely, so the file
 * is as large as the dense model's; the zeros are what a sparse kernel or a
 * compressor can use, and the variants report shows them.
 *
 * "Weights" are the constant weight operands of the layers that carry a
 * model's parameters: Conv, ConvTranspose, Gemm and MatMul (input 1),
 * ConvInteger and MatMulInteger (input 1), QLinearConv and QLinearMatMul
 * (input 3). A weight reached through DequantizeLinear (QDQ models) or a
 * Cast (float16 weights) counts as the stored tensor behind it; an integer
 * element is zero when it equals its zero point (real value 0). Biases,
 * scales and shapes are not weights. Each tensor is counted once. */
#include <stdlib.h>
#include <string.h>

#include "harness/model/model_load.h"

/* The weight operand's input index for op, or -1 when op has none. */
static int weight_input(const eb_node *n)
{
    if (n->domain[0])
        return -1;
    static const char *const at1[] = {"Conv", "ConvTranspose", "Gemm", "MatMul", "ConvInteger",
                                      "MatMulInteger"};
    for (size_t i = 0; i < sizeof at1 / sizeof at1[0]; i++)
        if (!strcmp(n->op_type, at1[i]))
            return 1;
    if (!strcmp(n->op_type, "QLinearConv") || !strcmp(n->op_type, "QLinearMatMul"))
        return 3;
    return -1;
}

/* The stored constant behind tensor t (through DequantizeLinear and Cast),
 * or -1 when it is not a constant. */
static int stored_constant(const eb_graph *g, int t)
{
    for (int hops = 0; hops < 4 && t >= 0; hops++) {
        const eb_tensor *x = &g->tensors[t];
        if (x->data)
            return t;
        if (x->producer < 0)
            return -1;
        const eb_node *p = &g->nodes[x->producer];
        if (strcmp(p->op_type, "DequantizeLinear") && strcmp(p->op_type, "Cast"))
            return -1;
        t = p->n_inputs > 0 ? p->inputs[0] : -1;
    }
    return -1;
}

/* Zero point of element i of an integer tensor (0 when none is stated). */
static int32_t zero_point_of(const eb_tensor *t, int64_t i)
{
    const eb_quant *q = &t->quant;
    if (!q->count || !q->zero_point)
        return 0;
    if (q->axis < 0 || q->count == 1 || q->axis >= t->rank)
        return q->zero_point[0];
    int64_t inner = 1;
    for (int d = q->axis + 1; d < t->rank; d++)
        inner *= t->dims[d] > 0 ? t->dims[d] : 1;
    int64_t ch = (i / inner) % (t->dims[q->axis] > 0 ? t->dims[q->axis] : 1);
    return ch < q->count ? q->zero_point[ch] : q->zero_point[0];
}

static void count_zeros(const eb_tensor *t, uint64_t *zeros, uint64_t *total)
{
    if (t->numel <= 0 || !t->data)
        return;
    size_t es = eb_dtype_size(t->dtype);
    if (!es || t->nbytes < (size_t)t->numel * es)
        return;
    uint64_t z = 0;
    for (int64_t i = 0; i < t->numel; i++) {
        switch (t->dtype) {
        case EB_DT_F32: z += ((const float *)t->data)[i] == 0.0f; break;
        case EB_DT_F64: z += ((const double *)t->data)[i] == 0.0; break;
        case EB_DT_F16:
        case EB_DT_BF16: z += (((const uint16_t *)t->data)[i] & 0x7fffu) == 0; break;
        case EB_DT_I8: z += ((const int8_t *)t->data)[i] == zero_point_of(t, i); break;
        case EB_DT_U8: z += ((const uint8_t *)t->data)[i] == zero_point_of(t, i); break;
        case EB_DT_I32: z += ((const int32_t *)t->data)[i] == zero_point_of(t, i); break;
        default: return; /* not a weight type: not counted at all */
        }
    }
    *zeros += z;
    *total += (uint64_t)t->numel;
}

int eb_graph_weight_zeros(const eb_graph *g, uint64_t *zeros, uint64_t *total)
{
    *zeros = *total = 0;
    char *seen = calloc((size_t)(g->n_tensors ? g->n_tensors : 1), 1);
    if (!seen)
        return -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        int w = weight_input(n);
        if (w < 0 || w >= n->n_inputs || n->inputs[w] < 0)
            continue;
        int t = stored_constant(g, n->inputs[w]);
        if (t < 0 || seen[t])
            continue;
        seen[t] = 1;
        count_zeros(&g->tensors[t], zeros, total);
    }
    free(seen);
    return 0;
}
