/* eb_session (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_util.h"
#include "harness/backend/session.h"
#include "harness/model/model_load.h"

eb_status eb_session_load(eb_session *s, const eb_backend *be, const char *path, int64_t batch,
                          char *msg, size_t msg_len)
{
    memset(s, 0, sizeof *s);
    s->be = be;
    s->path = path;
    eb_status st = eb_read_file(path, &s->bytes, &s->nbytes, msg, msg_len);
    if (st != EB_OK)
        return st;
    eb_load_options lo = {.default_dim = batch > 0 ? batch : 1};
    return eb_graph_load_buffer(s->bytes, s->nbytes, path, &lo, &s->g, msg, msg_len);
}

eb_status eb_session_prepare(eb_session *s, const eb_backend_options *o, char *msg,
                             size_t msg_len)
{
    const eb_backend *be = s->be;
    char bmsg[1024] = "";
    eb_status st = be->open(o, &s->ctx, bmsg, sizeof bmsg);
    if (st != EB_OK) {
        s->ctx = NULL;
        snprintf(msg, msg_len, "backend '%s': open failed: %s", be->name,
                 bmsg[0] ? bmsg : eb_status_str(st));
        return st;
    }
    if ((st = eb_backend_check_graph(be, s->ctx, s->g, msg, msg_len)) != EB_OK)
        return st;
    eb_model model = {.struct_size = sizeof model, .graph = s->g, .path = s->path,
                      .bytes = s->bytes, .nbytes = s->nbytes};
    if ((st = be->prepare(s->ctx, &model, &s->plan, bmsg, sizeof bmsg)) != EB_OK) {
        s->plan = NULL;
        snprintf(msg, msg_len, "backend '%s': prepare failed: %s", be->name,
                 bmsg[0] ? bmsg : eb_status_str(st));
    }
    return st;
}

void eb_session_close(eb_session *s)
{
    if (s->plan)
        s->be->release(s->ctx, s->plan);
    if (s->ctx)
        s->be->close(s->ctx);
    eb_graph_destroy(s->g);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

eb_status eb_session_alloc_outputs(const eb_session *s, eb_value **out, char *msg,
                                   size_t msg_len)
{
    const eb_graph *g = s->g;
    eb_value *v = calloc((size_t)g->n_outputs + 1, sizeof *v);
    if (!v) {
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const eb_tensor *t = &g->tensors[g->outputs[i]];
        v[i].dtype = t->dtype;
        v[i].rank = t->rank;
        memcpy(v[i].dims, t->dims, sizeof v[i].dims);
        v[i].nbytes = t->nbytes;
        v[i].data = calloc(1, t->nbytes + 1);
        if (!v[i].data) {
            snprintf(msg, msg_len, "out of memory for output '%s'", t->name);
            eb_session_free_outputs(s, v);
            return EB_ERR_NOMEM;
        }
    }
    *out = v;
    return EB_OK;
}

void eb_session_free_outputs(const eb_session *s, eb_value *out)
{
    for (int i = 0; out && s->g && i < s->g->n_outputs; i++)
        free(out[i].data);
    free(out);
}
