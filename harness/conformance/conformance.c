/* ONNX node-test conformance runner (see conformance.h). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_util.h"
#include "harness/conformance/conformance.h"
#include "harness/model/model_load.h"
#include "harness/model/tensor_proto.h"
#include "onnx.pb-c.h"

enum { RES_PASS = 0, RES_FAIL = 1, RES_SKIP = 2 };

static int claimed(const eb_backend *be, const char *domain, const char *op)
{
    if (domain && domain[0] && strcmp(domain, "ai.onnx") != 0)
        return 0;
    for (int i = 0; be->ops && be->ops[i]; i++)
        if (strcmp(be->ops[i], op) == 0)
            return 1;
    return 0;
}

/* Before loading: does the model use an op the backend does not claim?
 * Such a test is skipped unless every node of those ops turns out to be
 * evaluated at load (all_unclaimed_folded), and a load that fails on it is a
 * skip too, so loader limits on unclaimed ops never count as failures. */
static int unclaimed_op(const eb_backend *be, const void *bytes, size_t n, char *line, size_t len)
{
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, n, bytes);
    if (!m || !m->graph) {
        if (m)
            onnx__model_proto__free_unpacked(m, NULL);
        return 0; /* the loader will report it */
    }
    int found = 0;
    for (size_t i = 0; i < m->graph->n_node && !found; i++) {
        const Onnx__NodeProto *np = m->graph->node[i];
        if (!claimed(be, np->domain, np->op_type ? np->op_type : "")) {
            snprintf(line, len, "op %s%s%s not claimed by %s", np->domain && np->domain[0] ? np->domain : "",
                     np->domain && np->domain[0] ? "." : "", np->op_type ? np->op_type : "?", be->name);
            found = 1;
        }
    }
    onnx__model_proto__free_unpacked(m, NULL);
    return found;
}

/* After loading: 1 when every node whose op the backend does not claim has
 * only outputs known at load (Shape and the integer arithmetic on it,
 * harness/model/shape_fold.c): no backend runs those. Else 0 and the first
 * such node in line. */
static int all_unclaimed_folded(const eb_backend *be, const eb_graph *g, char *line, size_t len)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *nd = &g->nodes[i];
        if (claimed(be, nd->domain, nd->op_type))
            continue;
        int folded = nd->n_outputs > 0;
        for (int k = 0; k < nd->n_outputs; k++)
            if (nd->outputs[k] >= 0 && !g->tensors[nd->outputs[k]].data)
                folded = 0;
        if (!folded) {
            snprintf(line, len, "op %s%s%s not claimed by %s", nd->domain[0] ? nd->domain : "",
                     nd->domain[0] ? "." : "", nd->op_type, be->name);
            return 0;
        }
    }
    return 1;
}

static double elem_as_double(const void *p, eb_dtype dt, int64_t i)
{
    switch (dt) {
    case EB_DT_F32: return ((const float *)p)[i];
    case EB_DT_F64: return ((const double *)p)[i];
    case EB_DT_F16: return eb_f16_to_f32(((const uint16_t *)p)[i]);
    case EB_DT_BF16: return eb_bf16_to_f32(((const uint16_t *)p)[i]);
    case EB_DT_I8: return ((const int8_t *)p)[i];
    case EB_DT_U8: return ((const uint8_t *)p)[i];
    case EB_DT_BOOL: return ((const uint8_t *)p)[i];
    case EB_DT_I16: return ((const int16_t *)p)[i];
    case EB_DT_U16: return ((const uint16_t *)p)[i];
    case EB_DT_I32: return ((const int32_t *)p)[i];
    case EB_DT_U32: return ((const uint32_t *)p)[i];
    case EB_DT_I64: return (double)((const int64_t *)p)[i];
    case EB_DT_U64: return (double)((const uint64_t *)p)[i];
    default: return 0;
    }
}

static int is_float(eb_dtype dt)
{
    return dt == EB_DT_F32 || dt == EB_DT_F64 || dt == EB_DT_F16 || dt == EB_DT_BF16;
}

/* 0 when equal within tolerance, else 1 with the first mismatch in line. */
static int compare(const char *oname, const eb_value *got, const eb_decoded_tensor *want,
                   const eb_conf_options *o, char *line, size_t len)
{
    if (got->dtype != want->dtype) {
        snprintf(line, len, "output '%s': type %s, expected %s", oname, eb_dtype_name(got->dtype),
                 eb_dtype_name(want->dtype));
        return 1;
    }
    int same = got->rank == want->rank;
    for (int d = 0; same && d < got->rank; d++)
        same = got->dims[d] == want->dims[d];
    if (!same) {
        eb_tensor a = {.rank = got->rank}, b = {.rank = want->rank};
        memcpy(a.dims, got->dims, sizeof a.dims);
        memcpy(b.dims, want->dims, sizeof b.dims);
        char sa[96], sb[96];
        snprintf(line, len, "output '%s': shape %s, expected %s", oname,
                 eb_shape_str(&a, sa, sizeof sa), eb_shape_str(&b, sb, sizeof sb));
        return 1;
    }
    double rtol = o->rtol, atol = o->atol;
    if (want->dtype == EB_DT_F16 || want->dtype == EB_DT_BF16) {
        rtol = rtol > 1e-2 ? rtol : 1e-2;
        atol = atol > 1e-3 ? atol : 1e-3;
    }
    for (int64_t i = 0; i < want->numel; i++) {
        double g = elem_as_double(got->data, got->dtype, i);
        double w = elem_as_double(want->data, want->dtype, i);
        int ok;
        if (is_float(want->dtype)) {
            if (isnan(w))
                ok = isnan(g);
            else if (isinf(w))
                ok = g == w;
            else
                ok = fabs(g - w) <= atol + rtol * fabs(w);
        } else {
            ok = g == w; /* integer outputs must match exactly */
        }
        if (!ok) {
            snprintf(line, len, "output '%s' element %lld: got %.9g, expected %.9g", oname,
                     (long long)i, g, w);
            return 1;
        }
    }
    return 0;
}

static int file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* One data set: returns RES_PASS / RES_FAIL with the reason in line. */
static int run_data_set(const eb_backend *be, eb_backend_ctx *ctx, eb_plan *plan,
                        const eb_graph *g, const char *set_dir, const eb_conf_options *o,
                        char *line, size_t len)
{
    int res = RES_FAIL;
    char msg[1024], path[1400];
    eb_decoded_tensor *in = calloc((size_t)g->n_inputs + 1, sizeof *in);
    eb_decoded_tensor *want = calloc((size_t)g->n_outputs + 1, sizeof *want);
    eb_value *iv = calloc((size_t)g->n_inputs + 1, sizeof *iv);
    eb_value *ov = calloc((size_t)g->n_outputs + 1, sizeof *ov);
    if (!in || !want || !iv || !ov) {
        snprintf(line, len, "out of memory");
        goto out;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        snprintf(path, sizeof path, "%s/input_%d.pb", set_dir, i);
        if (eb_tensor_proto_read_file(path, &in[i], NULL, 0, msg, sizeof msg) != EB_OK) {
            snprintf(line, len, "%s", msg);
            goto out;
        }
        const eb_tensor *t = &g->tensors[g->inputs[i]];
        iv[i].dtype = in[i].dtype;
        iv[i].rank = in[i].rank;
        memcpy(iv[i].dims, in[i].dims, sizeof iv[i].dims);
        iv[i].data = in[i].data;
        iv[i].nbytes = in[i].nbytes;
        if (in[i].dtype != t->dtype || in[i].numel != t->numel || in[i].rank != t->rank) {
            snprintf(line, len, "input_%d.pb does not match model input '%s'", i, t->name);
            goto out;
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        snprintf(path, sizeof path, "%s/output_%d.pb", set_dir, i);
        if (eb_tensor_proto_read_file(path, &want[i], NULL, 0, msg, sizeof msg) != EB_OK) {
            snprintf(line, len, "%s", msg);
            goto out;
        }
        if (t->rank < 0) {
            snprintf(line, len, "output '%s' has no inferred shape", t->name);
            goto out;
        }
        ov[i].dtype = t->dtype;
        ov[i].rank = t->rank;
        memcpy(ov[i].dims, t->dims, sizeof ov[i].dims);
        ov[i].nbytes = t->nbytes;
        ov[i].data = calloc(1, t->nbytes + 1);
        if (!ov[i].data) {
            snprintf(line, len, "out of memory");
            goto out;
        }
    }
    msg[0] = '\0';
    eb_status st = be->run(ctx, plan, iv, g->n_inputs, ov, g->n_outputs, msg, sizeof msg);
    if (st != EB_OK) {
        snprintf(line, len, "run failed: %s", msg[0] ? msg : eb_status_str(st));
        goto out;
    }
    for (int i = 0; i < g->n_outputs; i++)
        if (compare(g->tensors[g->outputs[i]].name, &ov[i], &want[i], o, line, len))
            goto out;
    res = RES_PASS;
out:
    for (int i = 0; in && i < g->n_inputs; i++)
        free(in[i].data);
    for (int i = 0; want && i < g->n_outputs; i++)
        free(want[i].data);
    for (int i = 0; ov && i < g->n_outputs; i++)
        free(ov[i].data);
    free(in);
    free(want);
    free(iv);
    free(ov);
    return res;
}

static int run_test(const eb_backend *be, const char *test_dir, const eb_conf_options *o,
                    char *line, size_t len)
{
    char path[1100], msg[1024];
    snprintf(path, sizeof path, "%s/model.onnx", test_dir);
    void *bytes;
    size_t n;
    if (eb_read_file(path, &bytes, &n, msg, sizeof msg) != EB_OK) {
        snprintf(line, len, "%s", msg);
        return RES_FAIL;
    }
    int unclaimed = unclaimed_op(be, bytes, n, line, len);
    eb_graph *g = NULL;
    eb_status st = eb_graph_load_buffer(bytes, n, path, NULL, &g, msg, sizeof msg);
    if (st != EB_OK) {
        free(bytes);
        if (!unclaimed)
            snprintf(line, len, "%s", msg);
        return unclaimed || st == EB_ERR_UNSUPPORTED ? RES_SKIP : RES_FAIL;
    }
    int res = RES_FAIL;
    eb_backend_ctx *ctx = NULL;
    eb_plan *plan = NULL;
    if (unclaimed && !all_unclaimed_folded(be, g, line, len)) {
        res = RES_SKIP;
        goto out;
    }
    eb_backend_options bo = {.struct_size = sizeof bo, .threads = 1};
    if (be->open(&bo, &ctx, msg, sizeof msg) != EB_OK) {
        snprintf(line, len, "open failed: %s", msg);
        goto out;
    }
    if (eb_backend_check_graph(be, ctx, g, msg, sizeof msg) != EB_OK) {
        snprintf(line, len, "%s", msg);
        res = RES_SKIP;
        goto out;
    }
    eb_model model = {.struct_size = sizeof model, .graph = g, .path = path, .bytes = bytes, .nbytes = n};
    msg[0] = '\0';
    if ((st = be->prepare(ctx, &model, &plan, msg, sizeof msg)) != EB_OK) {
        snprintf(line, len, "prepare failed: %s", msg[0] ? msg : eb_status_str(st));
        goto out;
    }
    int sets = 0;
    for (int s = 0;; s++) {
        char set_dir[1200];
        snprintf(set_dir, sizeof set_dir, "%s/test_data_set_%d", test_dir, s);
        if (!file_exists(set_dir))
            break;
        sets++;
        char reason[900];
        if (run_data_set(be, ctx, plan, g, set_dir, o, reason, sizeof reason) != RES_PASS) {
            snprintf(line, len, "test_data_set_%d: %s", s, reason);
            goto out;
        }
    }
    if (!sets) {
        snprintf(line, len, "no test_data_set_* folders");
        goto out;
    }
    res = RES_PASS;
out:
    if (plan)
        be->release(ctx, plan);
    if (ctx)
        be->close(ctx);
    eb_graph_destroy(g);
    free(bytes);
    return res;
}

static int matches(const char *name, const char *filter)
{
    if (!filter || !*filter)
        return 1;
    if (strpbrk(filter, "*?["))
        return fnmatch(filter, name, 0) == 0;
    return strstr(name, filter) != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run one test in a child so a crash or hang costs only that test. */
static int isolated(const eb_backend *be, const char *test_dir, const eb_conf_options *o,
                    char *line, size_t len)
{
    int fds[2];
    if (pipe(fds) != 0)
        return run_test(be, test_dir, o, line, len);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return run_test(be, test_dir, o, line, len);
    }
    if (pid == 0) {
        close(fds[0]);
        alarm(120); /* a hung kernel fails the test instead of the run */
        char buf[1024] = "";
        int r = run_test(be, test_dir, o, buf, sizeof buf);
        char out[1100];
        int n = snprintf(out, sizeof out, "%d%s", r, buf);
        if (n > 0 && write(fds[1], out, (size_t)n) < 0)
            _exit(9);
        _exit(0);
    }
    close(fds[1]);
    char buf[1100];
    size_t got = 0;
    ssize_t k;
    while (got < sizeof buf - 1 && (k = read(fds[0], buf + got, sizeof buf - 1 - got)) != 0) {
        if (k < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        got += (size_t)k;
    }
    buf[got] = '\0';
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        snprintf(line, len, sig == SIGALRM ? "timed out" : "crashed with signal %d (%s)", sig,
                 strsignal(sig));
        return RES_FAIL;
    }
    if (got < 1 || buf[0] < '0' || buf[0] > '2') {
        snprintf(line, len, "test process exited with status %d and no result",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return RES_FAIL;
    }
    snprintf(line, len, "%s", buf + 1);
    return buf[0] - '0';
}

eb_status eb_conformance_run(const eb_registry_entry *e, const eb_conf_options *o, FILE *out,
                             eb_conf_counts *counts, char *msg, size_t msg_len)
{
    memset(counts, 0, sizeof *counts);
    const char *dir = o->dir ? o->dir : EB_ONNX_NODE_TESTS;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(msg, msg_len, "%s: cannot read the ONNX test directory: %s%s", dir,
                 strerror(errno),
                 o->dir ? "" : " (install Debian's libonnx-testdata: tools/install-deps.sh)");
        return EB_ERR_NOT_FOUND;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !matches(de->d_name, o->filter))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 256;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        if ((names[count] = strdup(de->d_name)))
            count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, cmp_str);
    for (size_t i = 0; i < count; i++) {
        char test_dir[1024], line[1100] = "";
        snprintf(test_dir, sizeof test_dir, "%s/%s", dir, names[i]);
        snprintf(line, sizeof line, "%s/model.onnx", test_dir);
        if (!file_exists(line))
            continue;
        line[0] = '\0';
        int r = isolated(&e->table, test_dir, o, line, sizeof line);
        if (r == RES_PASS) {
            counts->passed++;
            if (o->verbose)
                fprintf(out, "PASS %s\n", names[i]);
        } else if (r == RES_SKIP) {
            counts->skipped++;
            if (o->verbose)
                fprintf(out, "SKIP %s: %s\n", names[i], line);
        } else {
            counts->failed++;
            fprintf(out, "FAIL %s: %s\n", names[i], line);
        }
        fflush(out);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return EB_OK;
}
