/* edgebench inspect MODEL.onnx: what the model is and where it can run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "harness/backend/registry.h"
#include "harness/cli/cli.h"
#include "harness/model/model_load.h"

typedef struct support_col {
    const eb_registry_entry *e;
    eb_backend_ctx *ctx;
    char open_error[600];
    int refused;
} support_col;

static const char *human(double v, char *buf, size_t len)
{
    const char *unit[] = {"", " K", " M", " G", " T"};
    int u = 0;
    while (v >= 1000.0 && u < 4) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, len, u ? "%.2f%s" : "%.0f%s", v, unit[u]);
    return buf;
}

static const char *human_bytes(double v, char *buf, size_t len)
{
    const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
    return buf;
}

static void tensor_line(const eb_tensor *t)
{
    char s[128];
    printf("  %-24s %-8s %s", t->name, eb_dtype_name(t->dtype), eb_shape_str(t, s, sizeof s));
    if (t->quant.count)
        printf("  quantised %s (scale %g, zero point %d%s)",
               t->quant.count > 1 ? "per-axis" : "per-tensor", (double)t->quant.scale[0],
               t->quant.zero_point ? t->quant.zero_point[0] : 0, t->quant.count > 1 ? ", ..." : "");
    printf("\n");
}

static int node_supported(support_col *c, const eb_graph *g, int i, char *why, size_t len)
{
    if (eb_node_is_folded(g, i)) {
        snprintf(why, len, "folded at load time");
        return 2;
    }
    if (!c->ctx) {
        snprintf(why, len, "%s", c->open_error);
        return 0;
    }
    return c->e->table.supports(c->ctx, g, i, why, len) ? 1 : 0;
}

/* Where a backend with a placement() hook runs node i ("simd f32_gemm...",
 * "ref", "fused into 'x'"); 0 when it has no such hook. */
static int node_where(support_col *c, const eb_graph *g, int i, char *where, size_t len)
{
    if (!c->ctx || !c->e->table.placement)
        return 0;
    return c->e->table.placement(c->ctx, g, i, where, len);
}

/* The first word of a placement, for the table column. */
static const char *where_word(const char *where, char *buf, size_t len)
{
    size_t n = strcspn(where, " :");
    snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), where);
    return strcmp(buf, "not") == 0 ? "-" : buf;
}

static void print_text(const eb_graph *g, support_col *cols, int n_cols)
{
    char a[64], b[64], c[64], d[64];
    printf("model:     %s\n", g->path);
    printf("producer:  %s   ir_version %lld   opset %lld\n", g->producer[0] ? g->producer : "?",
           (long long)g->ir_version, (long long)g->opset);
    printf("inputs:\n");
    for (int i = 0; i < g->n_inputs; i++)
        tensor_line(&g->tensors[g->inputs[i]]);
    printf("outputs:\n");
    for (int i = 0; i < g->n_outputs; i++)
        tensor_line(&g->tensors[g->outputs[i]]);
    printf("nodes: %d   parameters: %s (%s)   MACs: %s   FLOPs: %s\n", g->n_nodes,
           human((double)g->param_count, a, sizeof a), human_bytes((double)g->param_bytes, b, sizeof b),
           human((double)g->macs, c, sizeof c), human((double)g->flops, d, sizeof d));
    if (g->n_unknown_ops)
        printf("warning: %d node(s) with ops edgebench cannot infer shapes for\n",
               g->n_unknown_ops);

    printf("\n%4s  %-28s %-20s %-20s %10s %10s", "#", "node", "op", "output", "MACs", "params");
    for (int k = 0; k < n_cols; k++)
        printf("  %-8s", cols[k].e->name);
    printf("\n");
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        const eb_tensor *y = eb_node_output(g, n, 0);
        char shape[64] = "-";
        if (y)
            eb_shape_str(y, shape, sizeof shape);
        printf("%4d  %-28.28s %-20.20s %-20.20s %10s %10s", i, n->name, n->op_type, shape,
               human((double)n->macs, a, sizeof a), human((double)n->param_count, b, sizeof b));
        for (int k = 0; k < n_cols; k++) {
            char why[700];
            int s = node_supported(&cols[k], g, i, why, sizeof why);
            char where[256], word[16];
            if (s == 1 && node_where(&cols[k], g, i, where, sizeof where))
                printf("  %-8s", where_word(where, word, sizeof word));
            else
                printf("  %-8s", s == 2 ? "folded" : s ? "yes" : "no");
        }
        printf("\n");
    }
    for (int k = 0; k < n_cols; k++) {
        int header = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            char why[700] = "";
            if (node_supported(&cols[k], g, i, why, sizeof why))
                continue;
            if (!header++)
                printf("\nnot supported by %s:\n", cols[k].e->name);
            printf("  node '%s' (%s): %s\n", g->nodes[i].name, g->nodes[i].op_type, why);
        }
        if (!header)
            printf("\n%s runs every node\n", cols[k].e->name);
        char where[256];
        for (int i = 0, shown = 0; i < g->n_nodes; i++) {
            if (eb_node_is_folded(g, i) || !node_where(&cols[k], g, i, where, sizeof where))
                continue;
            if (!shown++)
                printf("\nwhere %s runs each node:\n", cols[k].e->name);
            printf("%4d  %-28.28s %s\n", i, g->nodes[i].name, where);
        }
    }
}

static void json_tensor(const eb_tensor *t)
{
    printf("{\"name\": ");
    eb_json_str(stdout, t->name);
    printf(", \"dtype\": \"%s\", \"shape\": ", eb_dtype_name(t->dtype));
    if (t->rank < 0) {
        printf("null");
    } else {
        printf("[");
        for (int d = 0; d < t->rank; d++)
            printf("%s%lld", d ? ", " : "", (long long)t->dims[d]);
        printf("]");
    }
    if (t->quant.count) {
        printf(", \"quant\": {\"axis\": %d, \"scale\": [", t->quant.axis);
        for (int i = 0; i < t->quant.count; i++)
            printf("%s%.9g", i ? ", " : "", (double)t->quant.scale[i]);
        printf("], \"zero_point\": [");
        for (int i = 0; i < t->quant.count; i++)
            printf("%s%d", i ? ", " : "", t->quant.zero_point ? t->quant.zero_point[i] : 0);
        printf("]}");
    }
    printf("}");
}

static void print_json(const eb_graph *g, support_col *cols, int n_cols)
{
    printf("{\"model\": ");
    eb_json_str(stdout, g->path);
    printf(", \"producer\": ");
    eb_json_str(stdout, g->producer);
    printf(", \"ir_version\": %lld, \"opset\": %lld, \"nodes\": %d, \"parameters\": %llu, "
           "\"parameter_bytes\": %llu, \"macs\": %llu, \"flops\": %llu,\n \"inputs\": [",
           (long long)g->ir_version, (long long)g->opset, g->n_nodes,
           (unsigned long long)g->param_count, (unsigned long long)g->param_bytes,
           (unsigned long long)g->macs, (unsigned long long)g->flops);
    for (int i = 0; i < g->n_inputs; i++) {
        printf("%s", i ? ", " : "");
        json_tensor(&g->tensors[g->inputs[i]]);
    }
    printf("],\n \"outputs\": [");
    for (int i = 0; i < g->n_outputs; i++) {
        printf("%s", i ? ", " : "");
        json_tensor(&g->tensors[g->outputs[i]]);
    }
    printf("],\n \"graph\": [");
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *n = &g->nodes[i];
        printf("%s\n  {\"name\": ", i ? "," : "");
        eb_json_str(stdout, n->name);
        printf(", \"op\": ");
        eb_json_str(stdout, n->op_type);
        printf(", \"domain\": ");
        eb_json_str(stdout, n->domain);
        printf(", \"inputs\": [");
        for (int k = 0; k < n->n_inputs; k++) {
            printf("%s", k ? ", " : "");
            eb_json_str(stdout, n->inputs[k] >= 0 ? g->tensors[n->inputs[k]].name : "");
        }
        printf("], \"outputs\": [");
        for (int k = 0; k < n->n_outputs; k++) {
            printf("%s", k ? ", " : "");
            if (n->outputs[k] >= 0)
                json_tensor(&g->tensors[n->outputs[k]]);
            else
                printf("null");
        }
        printf("], \"macs\": %llu, \"flops\": %llu, \"parameters\": %llu, \"support\": {",
               (unsigned long long)n->macs, (unsigned long long)n->flops,
               (unsigned long long)n->param_count);
        for (int k = 0; k < n_cols; k++) {
            char why[700] = "";
            int s = node_supported(&cols[k], g, i, why, sizeof why);
            printf("%s", k ? ", " : "");
            eb_json_str(stdout, cols[k].e->name);
            printf(": {\"supported\": %s, \"why\": ", s ? "true" : "false");
            eb_json_str(stdout, s == 1 ? "" : why);
            char where[256];
            if (s == 1 && node_where(&cols[k], g, i, where, sizeof where)) {
                printf(", \"runs_on\": ");
                eb_json_str(stdout, where);
            }
            printf("}");
        }
        printf("}}");
    }
    printf("\n]}\n");
}

int eb_cmd_inspect(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0;
    const char *only[16];
    int n_only = 0;
    eb_load_options lo = {.default_dim = 1};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") == 0)
                json = 1;
            else if (strcmp(f, "text") != 0) {
                fprintf(stderr, "edgebench inspect: unknown format '%s' (text, json)\n", f);
                return EB_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc && n_only < 16) {
            only[n_only++] = argv[++i];
        } else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
            lo.default_dim = atoll(argv[++i]);
            if (lo.default_dim < 1) {
                fprintf(stderr, "edgebench inspect: --batch must be a positive integer\n");
                return EB_EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' || path) {
            fprintf(stderr, "usage: edgebench inspect MODEL.onnx [--format text|json] "
                            "[--backend NAME]... [--batch N]\n");
            return EB_EXIT_USAGE;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        fprintf(stderr, "usage: edgebench inspect MODEL.onnx [--format text|json] "
                        "[--backend NAME]... [--batch N]\n");
        return EB_EXIT_USAGE;
    }
    char msg[1024];
    eb_graph *g;
    eb_status st = eb_graph_load(path, &lo, &g, msg, sizeof msg);
    if (st != EB_OK) {
        fprintf(stderr, "edgebench inspect: %s\n", msg);
        return eb_exit_for_status(st);
    }
    eb_registry *r;
    if (eb_registry_create(&r) != EB_OK) {
        eb_graph_destroy(g);
        return EB_EXIT_RUN;
    }
    support_col cols[32];
    int n_cols = 0, rc = EB_EXIT_OK;
    for (int k = 0; k < n_only; k++) {
        if (!eb_registry_find(r, only[k])) {
            fprintf(stderr, "edgebench inspect: unknown backend '%s' (see edgebench backends)\n",
                    only[k]);
            rc = EB_EXIT_USAGE;
        }
    }
    for (int i = 0; rc == EB_EXIT_OK && i < r->n && n_cols < 32; i++) {
        const eb_registry_entry *e = &r->entries[i];
        int wanted = n_only == 0 ? e->available : 0;
        for (int k = 0; k < n_only; k++)
            wanted |= strcmp(only[k], e->name) == 0;
        if (!wanted || !e->loaded)
            continue;
        support_col *c = &cols[n_cols++];
        memset(c, 0, sizeof *c);
        c->e = e;
        if (!e->available) {
            snprintf(c->open_error, sizeof c->open_error, "backend unavailable: %s", e->why);
            continue;
        }
        eb_backend_options o = {.struct_size = sizeof o, .threads = 1};
        if (e->table.open(&o, &c->ctx, c->open_error, sizeof c->open_error) != EB_OK)
            c->ctx = NULL;
    }
    if (rc == EB_EXIT_OK) {
        if (json)
            print_json(g, cols, n_cols);
        else
            print_text(g, cols, n_cols);
    }
    for (int k = 0; k < n_cols; k++)
        if (cols[k].ctx)
            cols[k].e->table.close(cols[k].ctx);
    eb_registry_destroy(r);
    eb_graph_destroy(g);
    return rc;
}
