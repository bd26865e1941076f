/* eb_cell_outputs_job: scenario -> job -> "out.<key>" lines -> job. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "harness/run/cell_outputs_job.h"
#include "harness/scenario/scenario.h"

void eb_cell_outputs_job_from(eb_cell_outputs_job *o, const eb_scenario *s)
{
    memset(o, 0, sizeof *o);
    const eb_scenario_outputs *so = &s->outputs;
    o->store = so->store;
    o->max_samples = so->max_samples;
    o->max_bytes = (int64_t)(so->max_mb * 1048576.0);
    snprintf(o->golden, sizeof o->golden, "%s", so->golden ? so->golden : "");
    o->rtol = so->rtol;
    o->atol = so->atol;
    o->equal_nan = so->equal_nan;
    o->worst = so->worst;
}

int eb_cell_outputs_wanted(const eb_cell_outputs_job *o)
{
    return o->store || o->golden[0];
}

void eb_cell_outputs_job_write(FILE *f, const eb_cell_outputs_job *o)
{
    /* the scenario refuses a golden path with a line break */
    fprintf(f,
            "out.store=%d\nout.max_samples=%" PRId64 "\nout.max_bytes=%" PRId64
            "\nout.golden=%s\nout.rtol=%.17g\nout.atol=%.17g\nout.equal_nan=%d\nout.worst=%d\n",
            o->store, o->max_samples, o->max_bytes, o->golden, o->rtol, o->atol, o->equal_nan,
            o->worst);
}

void eb_cell_outputs_job_parse(eb_cell_outputs_job *o, const char *k, const char *v)
{
    if (strcmp(k, "store") == 0)
        o->store = atoi(v);
    else if (strcmp(k, "max_samples") == 0)
        o->max_samples = strtoll(v, NULL, 10);
    else if (strcmp(k, "max_bytes") == 0)
        o->max_bytes = strtoll(v, NULL, 10);
    else if (strcmp(k, "golden") == 0)
        snprintf(o->golden, sizeof o->golden, "%s", v);
    else if (strcmp(k, "rtol") == 0)
        o->rtol = strtod(v, NULL);
    else if (strcmp(k, "atol") == 0)
        o->atol = strtod(v, NULL);
    else if (strcmp(k, "equal_nan") == 0)
        o->equal_nan = atoi(v);
    else if (strcmp(k, "worst") == 0)
        o->worst = atoi(v);
}
