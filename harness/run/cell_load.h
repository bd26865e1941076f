/* A cell's measured phase under a load pattern other than single_stream
 * (docs/load-patterns.md): warm-up as usual, then the load scheduler
 * (load_sched.h) over the cell's inference hooks, then the pattern's
 * figures as the run's `load.*` extras. */
#ifndef EB_CELL_LOAD_H
#define EB_CELL_LOAD_H

#include <stddef.h>

#include "edgebench/status.h"
#include "harness/run/cell.h"
#include "harness/run/timing_loop.h"

/* Run job->load with the cell's hooks (before/infer/after around each
 * inference, sample receiving each query: its scheduled start and its
 * latency; phase around the measured phase). per_call: samples one
 * inference call processes (the model input's batch, inputs.batch), so
 * load.inferences counts samples. lr gets the warm-up and the reported
 * queries (n = completed queries). Fails with a hook's status. */
eb_status eb_cell_load_run(const eb_cell_job *job, uint64_t per_call, const eb_loop_hooks *hooks,
                           const eb_cell_sink *sink, eb_loop_result *lr, char *msg,
                           size_t msg_len);

#endif
