/* How another backend takes steps of a ref plan while ref builds it.
 *
 * Why: a backend that accelerates some ops (simd) still wants ref's whole
 * plan around them: QDQ fusion, constants, dead nodes, the activation
 * arena, the run loop and its per-node timing, and ref's kernel for every
 * node it does not take. Before this interface it got that by letting ref
 * plan and then writing over ref's steps; now ref asks first, in the spirit
 * of ggml's backend interface (a backend says what it takes and runs it;
 * nobody edits another backend's structures):
 *
 *   for each step ref is about to build, in execution order (a node as
 *   written, or a fused QDQ group at its place):
 *       ref checks that it could run the step itself (so a model ref refuses
 *       is refused the same way with or without a hook);
 *       ref calls hooks->claim(ctx, site, &claim);
 *       claim returns 1: the step runs claim.op->run with exec.state =
 *           claim.state, and ref prepares nothing of its own for it;
 *       claim returns 0: ref builds its own step, as without a hook;
 *       claim returns < 0: plan creation fails with that eb_status (the
 *           hook wrote msg).
 *
 * A claim may also absorb later nodes (claim.absorb[0 .. n_absorb), node
 * indices in increasing order): the step then writes the last one's
 * outputs instead of its own, and none of them is executed (an activation
 * folded into the producer's epilogue; a depthwise convolution computed
 * band by band from the pointwise one before it, whose output then never
 * exists; a residual Add of the claimed step's input). Only nodes with
 * site->runs_alone[j] set, after the claimed one, each reading nothing but
 * constants, the output of the one before and the claimed step's own
 * inputs, may be absorbed; ref checks all of that and that it could run
 * each absorbed node itself. An index may also be the position of a later
 * fused QDQ group (site->group_at[j] >= 0: its Q node): the whole group is
 * absorbed, and where it is the last, the step writes its out_tensor (an
 * int8 depthwise group computed band by band from the pointwise group
 * before it), by the same rule for what it reads: the step has nothing
 * else.
 *
 * Ownership: ctx and the hooks struct belong to the caller and need only
 * live through eb_ref_plan_create. claim.state belongs to the plan from the
 * moment claim returns 1: the plan calls claim.op->release(state) (when set)
 * as it is destroyed, also when creation fails later. claim.op must outlive
 * the plan (a static table). The site, and the group it points to, are valid
 * during the call; a claimed state may keep pointers into site->group's
 * state, which lives exactly as long as the plan.
 *
 * The plan allocates its arena 64-byte aligned with 64 bytes of slack after
 * the last activation, so claimed kernels may load whole vectors. */
#ifndef EB_REF_PLAN_HOOKS_H
#define EB_REF_PLAN_HOOKS_H

#include "backends/ref/ref_fuse_qdq.h"
#include "backends/ref/ref_op.h"

/* The step ref is about to build. */
typedef struct eb_ref_plan_site {
    const eb_graph *g;          /* the graph being planned */
    const eb_node *node;        /* the node, or the group's anchor */
    int node_index;             /* index of node in g->nodes */
    const eb_ref_fused *group;  /* the fused QDQ group the step runs; NULL: the node as written */
    const unsigned char *runs_alone; /* per node: 1 when it will be a step of its own, as written
                                        (not constant, dead, fused into a group or absorbed) */
    const int *group_at;        /* per node: the group placed at it (index into groups), or -1
                                   (none, or absorbed) */
    const eb_ref_fused *groups; /* every fused group of the plan */
} eb_ref_plan_site;

/* What a hook answers when it takes a step. */
#define EB_REF_ABSORB_MAX 6

typedef struct eb_ref_step_claim {
    const eb_ref_op *op; /* run (required) and release (optional); op_type names the step */
    void *state;         /* passed as exec.state; owned by the plan once claimed */
    int absorb[EB_REF_ABSORB_MAX]; /* later nodes not executed; the step writes the last's outputs */
    int n_absorb;
} eb_ref_step_claim;

typedef struct eb_ref_plan_hooks {
    void *ctx; /* passed back to claim */
    /* 1: taken (out filled), 0: ref builds the step, < 0: an eb_status. out
     * starts with no op, no state and nothing absorbed. */
    int (*claim)(void *ctx, const eb_ref_plan_site *site, eb_ref_step_claim *out, char *msg,
                 size_t msg_len);
} eb_ref_plan_hooks;

#endif
