/* A model prepared on a backend: the load -> open -> check -> prepare
 * sequence and its teardown, shared by the cell executor and the reference
 * comparison so both report failures the same way.
 *
 *     eb_session s;
 *     eb_session_load(&s, be, path, batch, msg, len);      (read + parse)
 *     eb_session_prepare(&s, &options, msg, len);          (open + check + prepare)
 *     be->run(s.ctx, s.plan, ...);
 *     eb_session_close(&s);                                (always; also after a failure) */
#ifndef EB_SESSION_H
#define EB_SESSION_H

#include "harness/backend/registry.h"

typedef struct eb_session {
    const eb_backend *be;
    const char *path;  /* borrowed */
    void *bytes;       /* the model file */
    size_t nbytes;
    eb_graph *g;
    eb_backend_ctx *ctx;
    eb_plan *plan;
} eb_session;

/* Read and parse path (symbolic dims get batch). Errors name the file. */
eb_status eb_session_load(eb_session *s, const eb_backend *be, const char *path, int64_t batch,
                          char *msg, size_t msg_len);

/* Open the backend with o, check it takes every node, prepare the plan.
 * Errors read "backend 'x': open failed: ..." / "... prepare failed: ...". */
eb_status eb_session_prepare(eb_session *s, const eb_backend_options *o, char *msg,
                             size_t msg_len);

/* Release whatever exists; the struct may then be reused. */
void eb_session_close(eb_session *s);

/* Caller-owned output buffers shaped from s->g's outputs (n = g->n_outputs). */
eb_status eb_session_alloc_outputs(const eb_session *s, eb_value **out, char *msg,
                                   size_t msg_len);
void eb_session_free_outputs(const eb_session *s, eb_value *out);

#endif
