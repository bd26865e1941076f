/* A cell's op_profile pass (scenario metrics.op_profile, docs/profiling.md):
 * after the measured loop, N more inferences on the backend's profile hook,
 * untimed as far as the run's latency goes. The run keeps:
 *   profile/node_ns    float64 [nodes]: median time per graph node, NaN for
 *                      a node the backend did not time on its own
 *   profile/nodes      uint8 [bytes]: "op_type<TAB>node name<LF>" per node,
 *                      graph order (names are model text: read as UTF-8)
 *   metrics profile_inference_ms, profile_nodes_sum_ms, profile_coverage,
 *           profile_iterations
 * or, for a backend without the hook, the text profile_unavailable. */
#ifndef EB_CELL_PROFILE_H
#define EB_CELL_PROFILE_H

#include "harness/backend/session.h"
#include "harness/run/cell.h"

/* iterations 0: nothing. A backend error fails the cell like one in the loop. */
eb_status eb_cell_profile_run(int iterations, const eb_session *ses, const eb_value *in, int n_in,
                              eb_value *out, const eb_cell_sink *sink, char *msg, size_t msg_len);

#endif
