/* Child side of an isolated cell (`edgebench __cell`): job on stdin,
 * framed results on fd 3. Samples are batched so the pipe costs a write per
 * few thousand inferences, outside the timed region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/run/cell.h"
#include "harness/run/cell_wire.h"

#define BATCH 4096
#define RESULT_FD 3

typedef struct child_sink {
    uint64_t pairs[BATCH][2];
    int n;
    int broken;
} child_sink;

static void flush(child_sink *c)
{
    if (c->n && !c->broken &&
        eb_frame_write(RESULT_FD, EB_FRAME_SAMPLES, c->pairs, (uint32_t)(c->n * 16)) != 0)
        c->broken = 1;
    c->n = 0;
}

static void on_meta(void *arg, const char *bv, const char *lv, uint64_t model_bytes)
{
    child_sink *c = arg;
    char buf[512];
    size_t l1 = strlen(bv), l2 = strlen(lv);
    if (l1 > 200)
        l1 = 200;
    if (l2 > 200)
        l2 = 200;
    memcpy(buf, bv, l1);
    buf[l1] = '\0';
    memcpy(buf + l1 + 1, lv, l2);
    buf[l1 + 1 + l2] = '\0';
    memcpy(buf + l1 + l2 + 2, &model_bytes, 8);
    if (eb_frame_write(RESULT_FD, EB_FRAME_META, buf, (uint32_t)(l1 + l2 + 10)) != 0)
        c->broken = 1;
}

static int on_sample(void *arg, uint64_t t_ns, uint64_t lat)
{
    child_sink *c = arg;
    c->pairs[c->n][0] = t_ns;
    c->pairs[c->n][1] = lat;
    if (++c->n == BATCH)
        flush(c);
    return c->broken; /* the parent went away: stop measuring */
}

static void on_done(void *arg, const eb_loop_result *r)
{
    child_sink *c = arg;
    flush(c);
    if (eb_frame_write(RESULT_FD, EB_FRAME_DONE, r, sizeof *r) != 0)
        c->broken = 1;
}

static void on_metric(void *arg, const char *name, double v)
{
    child_sink *c = arg;
    if (!c->broken && eb_frame_write_metric(RESULT_FD, name, v) != 0)
        c->broken = 1;
}

static void on_text(void *arg, const char *name, const char *v)
{
    child_sink *c = arg;
    if (!c->broken && eb_frame_write_text(RESULT_FD, name, v) != 0)
        c->broken = 1;
}

static void on_array(void *arg, const char *name, eb_array_type type, uint64_t rows, uint64_t cols,
                     const void *data)
{
    child_sink *c = arg;
    size_t bytes = (size_t)(rows * (cols ? cols : 1)) * eb_array_type_size(type);
    if (!c->broken &&
        eb_frame_write_array(RESULT_FD, name, (int32_t)type, rows, cols, data, bytes) != 0)
        c->broken = 1;
}

static void on_array_nd(void *arg, const char *name, eb_array_type type, int rank,
                        const uint64_t *dims, const void *data)
{
    child_sink *c = arg;
    uint64_t count = 1;
    for (int d = 0; d < rank; d++)
        count *= dims[d]; /* the producer bounded it (outputs.max_mb) */
    size_t bytes = (size_t)count * eb_array_type_size(type);
    if (!c->broken && eb_frame_write_array_nd(RESULT_FD, name, (int32_t)type, (int32_t)rank, dims,
                                              data, bytes) != 0)
        c->broken = 1;
}

int eb_cell_child_main(void)
{
    char msg[1024] = "";
    eb_cell_job job;
    eb_status st = eb_cell_job_read(0, &job, msg, sizeof msg);
    eb_registry *reg = NULL;
    /* only this cell's backend is loaded (ref, the reference, is built
     * in): the cell's memory and start-up are its own, not every plugin's */
    const char *mine[] = {job.backend};
    if (st == EB_OK && eb_registry_create_for(mine, 1, &reg) != EB_OK) {
        st = EB_ERR_NOMEM;
        snprintf(msg, sizeof msg, "out of memory");
    }
    static child_sink c; /* 64 KiB of samples: not on the stack */
    if (st == EB_OK) {
        eb_cell_sink sink = {.arg = &c, .meta = on_meta, .sample = on_sample, .done = on_done,
                             .metric = on_metric, .text = on_text, .array = on_array,
                             .array_nd = on_array_nd};
        st = eb_cell_execute(reg, &job, &sink, msg, sizeof msg);
    }
    if (st != EB_OK) {
        flush(&c);
        char buf[1100];
        int32_t s32 = st;
        size_t l = strlen(msg);
        memcpy(buf, &s32, 4);
        memcpy(buf + 4, msg, l);
        eb_frame_write(RESULT_FD, EB_FRAME_ERROR, buf, (uint32_t)(4 + l));
    }
    eb_registry_destroy(reg);
    return st == EB_OK ? 0 : 1;
}
