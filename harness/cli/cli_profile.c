/* edgebench profile MODEL.onnx --backend B: where one inference's time goes,
 * node by node, from the backend's profile hook (docs/profiling.md).
 *
 * The model runs in this process (like inspect), on seeded random inputs:
 * warm-up, then N inferences, each timed as a whole and each followed by
 * the hook's per-node times of that inference. Reported per node: the
 * median over the N inferences; per op type: the sum of its nodes'
 * medians; and how much of the median inference the timed nodes cover,
 * so a backend that leaves time outside its nodes (layout copies, thread
 * hand-off) shows it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "harness/backend/op_profile.h"
#include "harness/cli/cli.h"
#include "harness/inputs/random_inputs.h"

#define MAX_ITERATIONS 100000
#define MAX_OPTIONS 16

typedef struct prof_opts {
    const char *model, *backend;
    int threads, json;
    long warmup, iterations;
    int n_options;
    const char *keys[MAX_OPTIONS], *values[MAX_OPTIONS];
    char kv[MAX_OPTIONS][256];
} prof_opts;

static int usage(void)
{
    fprintf(stderr, "usage: edgebench profile MODEL.onnx [--backend NAME] [--threads N] "
                    "[--iterations N] [--warmup N] [--option KEY=VALUE]... [--format text|json]\n");
    return EB_EXIT_USAGE;
}

static int parse_long(const char *flag, const char *v, long lo, long hi, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi) {
        fprintf(stderr, "edgebench profile: %s takes an integer from %ld to %ld, not '%s'\n", flag,
                lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_args(int argc, char **argv, prof_opts *o)
{
    *o = (prof_opts){.backend = "ref", .threads = 1, .warmup = 20, .iterations = 200};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long x;
        if (strcmp(a, "--backend") == 0 && v) {
            o->backend = v;
        } else if (strcmp(a, "--threads") == 0 && v) {
            if (parse_long(a, v, 1, 1024, &x) < 0)
                return -1;
            o->threads = (int)x;
        } else if (strcmp(a, "--iterations") == 0 && v) {
            if (parse_long(a, v, 1, MAX_ITERATIONS, &o->iterations) < 0)
                return -1;
        } else if (strcmp(a, "--warmup") == 0 && v) {
            if (parse_long(a, v, 0, MAX_ITERATIONS, &o->warmup) < 0)
                return -1;
        } else if (strcmp(a, "--option") == 0 && v) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || o->n_options == MAX_OPTIONS || strlen(v) >= sizeof o->kv[0]) {
                fprintf(stderr, "edgebench profile: --option takes KEY=VALUE (at most %d), not '%s'\n",
                        MAX_OPTIONS, v);
                return -1;
            }
            char *kv = o->kv[o->n_options];
            snprintf(kv, sizeof o->kv[0], "%s", v);
            kv[eq - v] = '\0';
            o->keys[o->n_options] = kv;
            o->values[o->n_options++] = kv + (eq - v) + 1;
        } else if (strcmp(a, "--format") == 0 && v) {
            if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0) {
                fprintf(stderr, "edgebench profile: unknown format '%s' (text, json)\n", v);
                return -1;
            }
            o->json = strcmp(v, "json") == 0;
        } else if (a[0] == '-' || o->model) {
            fprintf(stderr, "edgebench profile: unknown option or extra argument '%s'\n", a);
            return usage(), -1;
        } else {
            o->model = a;
            continue;
        }
        i++; /* every option above takes a value */
    }
    if (!o->model)
        return usage(), -1;
    return 0;
}

/* The report. node_med[i] is EB_OP_UNTIMED for a node the backend did not time
 * (fused into another, folded, or inside a delegate segment). */
static void print_report(const prof_opts *o, const eb_graph *g, const eb_op_profile *pr,
                         const eb_op_sum *ops, int n_ops)
{
    const uint64_t *node_med = pr->node_ns, infer_med = pr->inference_ns, sum = pr->nodes_sum_ns;
    int timed = pr->timed;
    double cover = infer_med ? 100.0 * (double)sum / (double)infer_med : 0;
    if (o->json) {
        printf("{\n  \"model\": ");
        eb_json_str(stdout, o->model);
        printf(",\n  \"backend\": ");
        eb_json_str(stdout, o->backend);
        printf(",\n  \"threads\": %d,\n  \"iterations\": %ld,\n  \"warmup\": %ld,\n"
               "  \"inference_p50_ns\": %" PRIu64 ",\n  \"nodes_sum_ns\": %" PRIu64 ",\n"
               "  \"coverage\": %.4f,\n  \"nodes\": [",
               o->threads, o->iterations, o->warmup, infer_med, sum, cover / 100);
        for (int i = 0; i < g->n_nodes; i++) {
            printf("%s\n    {\"index\": %d, \"name\": ", i ? "," : "", i);
            eb_json_str(stdout, g->nodes[i].name);
            printf(", \"op\": ");
            eb_json_str(stdout, g->nodes[i].op_type);
            if (node_med[i] == EB_OP_UNTIMED)
                printf(", \"median_ns\": null}");
            else
                printf(", \"median_ns\": %" PRIu64 "}", node_med[i]);
        }
        printf("\n  ],\n  \"ops\": [");
        for (int k = 0; k < n_ops; k++) {
            printf("%s\n    {\"op\": ", k ? "," : "");
            eb_json_str(stdout, ops[k].op);
            printf(", \"nodes\": %d, \"sum_of_medians_ns\": %" PRIu64 "}", ops[k].nodes, ops[k].ns);
        }
        printf("\n  ]\n}\n");
        return;
    }
    printf("edgebench profile %s on %s (%d thread%s): %ld inferences after %ld warm-up\n", o->model,
           o->backend, o->threads, o->threads == 1 ? "" : "s", o->iterations, o->warmup);
    printf("inference p50 %.1f µs; the %d timed node%s' medians sum to %.1f µs (%.1f%% of it)\n\n",
           (double)infer_med / 1e3, timed, timed == 1 ? "" : "s", (double)sum / 1e3, cover);
    int wn = 4, wo = 2;
    for (int i = 0; i < g->n_nodes; i++) {
        int ln = (int)strlen(g->nodes[i].name), lo = (int)strlen(g->nodes[i].op_type);
        wn = ln > wn ? (ln > 40 ? 40 : ln) : wn;
        wo = lo > wo ? lo : wo;
    }
    printf("%-*s  %-*s  %10s  %6s\n", wn, "node", wo, "op", "median µs", "%");
    for (int i = 0; i < g->n_nodes; i++) {
        if (node_med[i] == EB_OP_UNTIMED)
            printf("%-*.*s  %-*s  %10s  %6s\n", wn, wn, g->nodes[i].name, wo, g->nodes[i].op_type,
                   "-", "-");
        else
            printf("%-*.*s  %-*s  %10.1f  %6.1f\n", wn, wn, g->nodes[i].name, wo,
                   g->nodes[i].op_type, (double)node_med[i] / 1e3,
                   infer_med ? 100.0 * (double)node_med[i] / (double)infer_med : 0);
    }
    printf("\nby op type (sum of the nodes' medians):\n%-*s  %5s  %10s  %6s\n", wo, "op", "nodes",
           "µs", "%");
    for (int k = 0; k < n_ops; k++)
        printf("%-*s  %5d  %10.1f  %6.1f\n", wo, ops[k].op, ops[k].nodes, (double)ops[k].ns / 1e3,
               infer_med ? 100.0 * (double)ops[k].ns / (double)infer_med : 0);
    if (timed < g->n_nodes)
        printf("\n'-': a node the backend did not time on its own (fused into a neighbour, folded "
               "at load, run inside a delegate segment, or a Concat whose inputs were written "
               "in place).\n");
}

int eb_cmd_profile(int argc, char **argv)
{
    prof_opts o;
    if (parse_args(argc, argv, &o) < 0)
        return EB_EXIT_USAGE;
    eb_registry *reg;
    if (eb_registry_create(&reg) != EB_OK) {
        fprintf(stderr, "edgebench profile: out of memory\n");
        return EB_EXIT_RUN;
    }
    int rc = EB_EXIT_RUN;
    char msg[1024] = "";
    eb_session ses = {0};
    eb_input_set in = {0};
    eb_value *out = NULL;
    eb_op_profile pr = {0};
    eb_op_sum *ops = NULL;
    const char **op_names = NULL;
    const eb_registry_entry *e = eb_registry_find(reg, o.backend);
    if (!e || !e->available) {
        if (e)
            fprintf(stderr, "edgebench profile: backend '%s' is unavailable here: %s\n", o.backend, e->why);
        else
            fprintf(stderr, "edgebench profile: unknown backend '%s' (see edgebench backends)\n",
                    o.backend);
        rc = EB_EXIT_USAGE;
        goto done;
    }
    const eb_backend *be = &e->table;
    if (!be->profile) {
        fprintf(stderr, "edgebench profile: backend '%s' has no per-node profile (its plugin "
                        "implements no profile hook); ref and simd have one (docs/profiling.md)\n",
                o.backend);
        rc = EB_EXIT_USAGE;
        goto done;
    }
    eb_status st = eb_session_load(&ses, be, o.model, 1, msg, sizeof msg);
    eb_backend_options bo = {.struct_size = sizeof bo, .threads = o.threads, .n_options = o.n_options,
                             .keys = o.keys, .values = o.values};
    eb_random_spec spec = {.seed = 1, .dist = EB_DIST_UNIFORM, .a = 0, .b = 1};
    if (st == EB_OK)
        st = eb_session_prepare(&ses, &bo, msg, sizeof msg);
    if (st == EB_OK)
        st = eb_random_inputs(ses.g, &spec, &in, msg, sizeof msg);
    if (st == EB_OK)
        st = eb_session_alloc_outputs(&ses, &out, msg, sizeof msg);
    if (st != EB_OK) {
        fprintf(stderr, "edgebench profile: %s\n", msg);
        rc = eb_exit_for_status(st);
        goto done;
    }
    const eb_graph *g = ses.g;
    if ((st = eb_op_profile_measure(&ses, in.values, in.n, out, o.warmup, o.iterations, &pr, msg,
                                    sizeof msg)) != EB_OK) {
        fprintf(stderr, "edgebench profile: %s\n", msg);
        rc = eb_exit_for_status(st);
        goto done;
    }
    ops = calloc(g->n_nodes ? (size_t)g->n_nodes : 1, sizeof *ops);
    op_names = calloc(g->n_nodes ? (size_t)g->n_nodes : 1, sizeof *op_names);
    if (!ops || !op_names) {
        fprintf(stderr, "edgebench profile: out of memory\n");
        goto done;
    }
    for (int j = 0; j < g->n_nodes; j++)
        op_names[j] = g->nodes[j].op_type;
    int n_ops = eb_op_sums(op_names, pr.node_ns, g->n_nodes, ops);
    print_report(&o, g, &pr, ops, n_ops);
    rc = fflush(stdout) == 0 && !ferror(stdout) ? EB_EXIT_OK : EB_EXIT_RUN;
done:
    free(ops);
    free(op_names);
    eb_op_profile_free(&pr);
    if (out)
        eb_session_free_outputs(&ses, out);
    eb_input_set_free(&in);
    eb_session_close(&ses);
    eb_registry_destroy(reg);
    return rc;
}
