/* Job serialisation (parent -> child) and result framing (child -> parent). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/run/cell.h"
#include "harness/run/cell_wire.h"

int eb_frame_write(int fd, char type, const void *payload, uint32_t len)
{
    char head[5];
    head[0] = type;
    memcpy(head + 1, &len, 4);
    if (eb_write_all(fd, head, 5) != 0)
        return -1;
    return len ? eb_write_all(fd, payload, len) : 0;
}

/* A frame made of a NUL-terminated name and a body. */
static int write_named(int fd, char type, const char *name, const void *head, size_t head_len,
                       const void *body, size_t body_len)
{
    size_t nl = strlen(name) + 1, total = nl + head_len + body_len;
    if (total > UINT32_MAX)
        return -1;
    char hdr[5];
    hdr[0] = type;
    uint32_t len = (uint32_t)total;
    memcpy(hdr + 1, &len, 4);
    if (eb_write_all(fd, hdr, 5) != 0 || eb_write_all(fd, name, nl) != 0 ||
        (head_len && eb_write_all(fd, head, head_len) != 0) ||
        (body_len && eb_write_all(fd, body, body_len) != 0))
        return -1;
    return 0;
}

int eb_frame_write_metric(int fd, const char *name, double value)
{
    return write_named(fd, EB_FRAME_METRIC, name, &value, sizeof value, NULL, 0);
}

int eb_frame_write_text(int fd, const char *name, const char *value)
{
    return write_named(fd, EB_FRAME_TEXT, name, NULL, 0, value, strlen(value));
}

int eb_frame_write_array(int fd, const char *name, int32_t type, uint64_t rows, uint64_t cols,
                         const void *data, size_t data_bytes)
{
    char head[20];
    memcpy(head, &type, 4);
    memcpy(head + 4, &rows, 8);
    memcpy(head + 12, &cols, 8);
    return write_named(fd, EB_FRAME_ARRAY, name, head, sizeof head, data, data_bytes);
}

int eb_frame_write_array_nd(int fd, const char *name, int32_t type, int32_t rank,
                            const uint64_t *dims, const void *data, size_t data_bytes)
{
    char head[8 + 8 * EB_ARRAY_MAX_RANK];
    if (rank < 1 || rank > EB_ARRAY_MAX_RANK ||
        strlen(name) + 1 + 8 + 8 * (size_t)rank + data_bytes > EB_FRAME_MAX_BYTES)
        return -1;
    memcpy(head, &type, 4);
    memcpy(head + 4, &rank, 4);
    memcpy(head + 8, dims, 8 * (size_t)rank);
    return write_named(fd, EB_FRAME_ARRAY_ND, name, head, 8 + 8 * (size_t)rank, data, data_bytes);
}

int eb_cell_job_write(int fd, const eb_cell_job *j)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return -1;
    fprintf(f, "backend=%s\nthreads=%d\nmodel=%s\nbatch=%" PRId64 "\n", j->backend, j->threads,
            j->model_path, j->batch);
    for (int i = 0; i < j->n_options; i++)
        fprintf(f, "option=%s=%s\n", j->keys[i], j->values[i]);
    fprintf(f, "seed=%" PRIu64 "\ndist=%d\na=%.17g\nb=%.17g\n", j->inputs.seed, (int)j->inputs.dist,
            j->inputs.a, j->inputs.b);
    eb_cell_job_write_inputs(f, j);
    eb_cell_hw_job_write(f, &j->hw);
    eb_cell_outputs_job_write(f, &j->outputs);
    fprintf(f, "op_profile=%d\n", j->op_profile_iterations);
    eb_load_spec_write(f, &j->load);
    fprintf(f,
            "warmup_iterations=%" PRIu64 "\nwarmup_min_ns=%" PRIu64 "\niterations=%" PRIu64
            "\nmin_ns=%" PRIu64 "\nmax_ns=%" PRIu64 "\nend\n",
            j->loop.warmup_iterations, j->loop.warmup_min_ns, j->loop.iterations, j->loop.min_ns,
            j->loop.max_ns);
    fclose(f);
    int rc = eb_write_all(fd, buf, n);
    free(buf);
    return rc;
}

eb_status eb_cell_job_read(int fd, eb_cell_job *j, char *msg, size_t msg_len)
{
    memset(j, 0, sizeof *j);
    FILE *f = fdopen(fd, "r");
    if (!f) {
        snprintf(msg, msg_len, "cannot read the cell job");
        return EB_ERR_IO;
    }
    char line[2048];
    int ended = 0, in;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "end") == 0) {
            ended = 1;
            break;
        }
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *k = line, *v = eq + 1;
        if (strcmp(k, "backend") == 0)
            snprintf(j->backend, sizeof j->backend, "%s", v);
        else if (strcmp(k, "threads") == 0)
            j->threads = atoi(v);
        else if (strcmp(k, "model") == 0)
            snprintf(j->model_path, sizeof j->model_path, "%s", v);
        else if (strcmp(k, "batch") == 0)
            j->batch = strtoll(v, NULL, 10);
        else if (strcmp(k, "op_profile") == 0)
            j->op_profile_iterations = atoi(v);
        else if (strcmp(k, "option") == 0 && j->n_options < EB_CELL_MAX_OPTIONS) {
            char *eq2 = strchr(eq + 1, '=');
            if (eq2) {
                *eq2 = '\0';
                snprintf(j->keys[j->n_options], sizeof j->keys[0], "%s", v);
                snprintf(j->values[j->n_options], sizeof j->values[0], "%s", eq2 + 1);
                j->n_options++;
            }
        } else if (strcmp(k, "seed") == 0)
            j->inputs.seed = strtoull(v, NULL, 10);
        else if (strcmp(k, "dist") == 0)
            j->inputs.dist = (eb_random_dist)atoi(v);
        else if (strcmp(k, "a") == 0)
            j->inputs.a = strtod(v, NULL);
        else if (strcmp(k, "b") == 0)
            j->inputs.b = strtod(v, NULL);
        else if (strcmp(k, "warmup_iterations") == 0)
            j->loop.warmup_iterations = strtoull(v, NULL, 10);
        else if (strcmp(k, "warmup_min_ns") == 0)
            j->loop.warmup_min_ns = strtoull(v, NULL, 10);
        else if (strcmp(k, "iterations") == 0)
            j->loop.iterations = strtoull(v, NULL, 10);
        else if (strcmp(k, "min_ns") == 0)
            j->loop.min_ns = strtoull(v, NULL, 10);
        else if (strncmp(k, "hw.", 3) == 0)
            eb_cell_hw_job_parse(&j->hw, k + 3, v);
        else if (strncmp(k, "load.", 5) == 0)
            eb_load_spec_parse(&j->load, k + 5, v);
        else if (strncmp(k, "out.", 4) == 0)
            eb_cell_outputs_job_parse(&j->outputs, k + 4, v);
        else if ((in = eb_cell_job_read_inputs(k, v, j, msg, msg_len)) > 0)
            continue;
        else if (in < 0) {
            fclose(f);
            return EB_ERR_FORMAT;
        }
        else if (strcmp(k, "max_ns") == 0)
            j->loop.max_ns = strtoull(v, NULL, 10);
    }
    fclose(f);
    if (!ended) {
        snprintf(msg, msg_len, "the cell job was cut short");
        return EB_ERR_FORMAT;
    }
    return EB_OK;
}
