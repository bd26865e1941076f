/* The stages of loading a scenario, in the order scenario_load.c runs them:
 *
 *   eb_yaml_parse            text -> tree                     (scenario_parse.c)
 *   eb_scenario_normalize    shorthands -> maps               (scenario_validate.c)
 *   eb_scenario_apply_sets   --set KEY=VALUE into the tree    (scenario_override.c)
 *   eb_scenario_validate     tree against the schema          (scenario_validate.c)
 *   eb_scenario_build        files, backends, cross-key checks -> eb_scenario
 *                                                             (scenario_build.c)
 * Each stage records errors in the eb_sdiag and carries on, so one load
 * reports every problem it can find. Internal to scenarios/. */
#ifndef EB_SCENARIO_STAGES_H
#define EB_SCENARIO_STAGES_H

#include "harness/scenario/scenario_diag.h"
#include "harness/scenario/scenario_schema.h"

/* Replace scalars that stand for maps ("- ref" in backends, "fp32: a.onnx"
 * in variants) by the map they mean, wherever the schema allows it. */
void eb_scenario_normalize(eb_ynode *root);

/* Apply overrides ("run.measure.iterations=10") in order; overrides[i] gets
 * src i + 1. Keys are not checked here: nodes the overrides create carry
 * their src, so the validator's errors name the --set. */
void eb_scenario_apply_sets(eb_ynode *root, const char *const *overrides, int n, eb_sdiag *d);

/* Check the tree against eb_schema_root: unknown and duplicate keys (with
 * suggestions), types, ranges, missing required keys, lists where a key does
 * not sweep. */
void eb_scenario_validate(const eb_ynode *root, eb_sdiag *d);

/* Check what the schema cannot (model files exist, backends are known,
 * the reference names a variant, cross-key ranges, unique names) and fill
 * s (which the caller zeroed; strings it allocates are freed by
 * eb_scenario_destroy even when errors were found). cwd resolves paths that
 * came from --set. */
void eb_scenario_build(const eb_ynode *root, const char *text, const char *cwd,
                       const eb_backend_names *backends, eb_scenario *s, eb_sdiag *d);

#endif
