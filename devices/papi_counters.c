/* eb_counters over PAPI (see counters.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/counters.h"

#ifdef EB_HAVE_PAPI
#include <papi.h>
#endif

struct eb_counters {
    int n;
    char names[EB_COUNTERS_MAX][EB_COUNTER_NAME_MAX];
    char why[EB_COUNTERS_MAX][384];
    int available[EB_COUNTERS_MAX];
    long long values[EB_COUNTERS_MAX];
    int n_added;          /* events in the PAPI set, in order */
    int slot[EB_COUNTERS_MAX]; /* event set position of event i, or -1 */
    int running;
    int eventset;
};

#ifdef EB_HAVE_PAPI
static int papi_ready(char *why, size_t why_len)
{
    static int state = 0; /* 0 unknown, 1 ready, -1 failed */
    static char reason[256];
    if (state == 0) {
        int v = PAPI_library_init(PAPI_VER_CURRENT);
        if (v == PAPI_VER_CURRENT) {
            state = 1;
        } else {
            state = -1;
            snprintf(reason, sizeof reason, "PAPI_library_init failed: %s",
                     v > 0 ? "version mismatch between papi.h and libpapi" : PAPI_strerror(v));
        }
    }
    if (state < 0 && why)
        snprintf(why, why_len, "%s", reason);
    return state > 0;
}

/* 1 when the kernel exposes a hardware PMU to perf_event (x86 "cpu",
 * hybrid "cpu_core", Arm "armv8_pmuv3*"); a VM without a virtual PMU has
 * only software, tracepoint and breakpoint sources. */
static int hardware_pmu(void)
{
    static const char *const pmus[] = {"cpu", "cpu_core", "cpu_atom", "armv8_pmuv3",
                                       "armv8_pmuv3_0", "armv8_cortex_a53", "armv7_cortex_a7",
                                       NULL};
    char p[128];
    for (int i = 0; pmus[i]; i++) {
        snprintf(p, sizeof p, "/sys/bus/event_source/devices/%s", pmus[i]);
        if (access(p, F_OK) == 0)
            return 1;
    }
    return 0;
}

/* 1 when PAPI's perf_event component (every perf:: event, software ones
 * such as perf::TASK-CLOCK included) is enabled; else 0 and why. libpfm4
 * disables it when it knows no PMU of the CPU ("no default PMU found", seen
 * on a VM whose CPU model is newer than the library), even though the
 * kernel's software events exist. */
static int perf_component(char *why, size_t why_len)
{
    int cid = PAPI_get_component_index("perf_event");
    const PAPI_component_info_t *ci = cid >= 0 ? PAPI_get_component_info(cid) : NULL;
    if (!ci) {
        snprintf(why, why_len, "PAPI has no perf_event component");
        return 0;
    }
    if (ci->disabled) {
        snprintf(why, why_len, "PAPI's perf_event component is disabled here: %s",
                 ci->disabled_reason[0] ? ci->disabled_reason : "no reason given");
        return 0;
    }
    return 1;
}

/* Why PAPI refused an event: its error text, made specific for presets on
 * a host without hardware counters (a VM) and for perf:: events when the
 * perf_event component is off, which PAPI only calls "Event does not
 * exist". */
static void reason(const char *name, int rc, char *why, size_t why_len)
{
    const char *e = PAPI_strerror(rc);
    int code;
    char comp[256];
    if ((rc == PAPI_ENOEVNT || rc == PAPI_ECMP_DISABLED) && !perf_component(comp, sizeof comp))
        snprintf(why, why_len, "PAPI: %s (%s; perf:: events and presets need it)",
                 e ? e : "error", comp);
    else if (strncmp(name, "PAPI_", 5) == 0 && PAPI_event_name_to_code((char *)name, &code) == PAPI_OK)
        snprintf(why, why_len, "PAPI: %s (%s: a preset with no countable native event%s)",
                 e ? e : "error", name,
                 hardware_pmu() ? "" : "; no hardware PMU in /sys/bus/event_source/devices, as "
                                       "in a VM: software events such as perf::TASK-CLOCK count");
    else if (rc == PAPI_ENOEVNT)
        snprintf(why, why_len, "PAPI: %s (no event named %s on this host; papi_native_avail "
                               "lists them)", e ? e : "error", name);
    else
        snprintf(why, why_len, "PAPI: %s", e ? e : "error");
}
#endif

int eb_counters_open(eb_counters **out, const char *const *names, int n)
{
    eb_counters *c = calloc(1, sizeof *c);
    *out = c;
    if (!c)
        return -1;
    c->n = n < EB_COUNTERS_MAX ? n : EB_COUNTERS_MAX;
    for (int i = 0; i < c->n; i++) {
        snprintf(c->names[i], sizeof c->names[i], "%s", names[i]);
        c->slot[i] = -1;
    }
#ifdef EB_HAVE_PAPI
    char why[384];
    c->eventset = PAPI_NULL;
    if (!papi_ready(why, sizeof why) || PAPI_create_eventset(&c->eventset) != PAPI_OK) {
        if (papi_ready(NULL, 0))
            snprintf(why, sizeof why, "PAPI_create_eventset failed");
        for (int i = 0; i < c->n; i++)
            snprintf(c->why[i], sizeof c->why[i], "%s", why);
        c->eventset = PAPI_NULL;
        return 0;
    }
    for (int i = 0; i < c->n; i++) {
        int rc = PAPI_add_named_event(c->eventset, c->names[i]);
        if (rc == PAPI_OK) {
            c->slot[i] = c->n_added++;
            c->available[i] = 1;
        } else {
            reason(c->names[i], rc, c->why[i], sizeof c->why[i]);
        }
    }
#else
    for (int i = 0; i < c->n; i++)
        snprintf(c->why[i], sizeof c->why[i], "edgebench was built without PAPI (libpapi-dev)");
#endif
    return 0;
}

#ifdef EB_HAVE_PAPI
static void fail_all(eb_counters *c, const char *what, int rc)
{
    for (int i = 0; i < c->n; i++)
        if (c->available[i]) {
            c->available[i] = 0;
            snprintf(c->why[i], sizeof c->why[i], "PAPI: %s: %s", what, PAPI_strerror(rc));
        }
}
#endif

void eb_counters_start(eb_counters *c)
{
#ifdef EB_HAVE_PAPI
    if (!c || !c->n_added || c->running)
        return;
    int rc = PAPI_start(c->eventset);
    if (rc != PAPI_OK) {
        fail_all(c, "PAPI_start", rc);
        return;
    }
    c->running = 1;
#else
    (void)c;
#endif
}

void eb_counters_stop(eb_counters *c)
{
#ifdef EB_HAVE_PAPI
    if (!c || !c->running)
        return;
    long long v[EB_COUNTERS_MAX] = {0};
    int rc = PAPI_stop(c->eventset, v);
    c->running = 0;
    if (rc != PAPI_OK) {
        fail_all(c, "PAPI_stop", rc);
        return;
    }
    for (int i = 0; i < c->n; i++)
        if (c->slot[i] >= 0)
            c->values[i] = v[c->slot[i]];
#else
    (void)c;
#endif
}

int eb_counters_count(const eb_counters *c) { return c ? c->n : 0; }
const char *eb_counters_name(const eb_counters *c, int i) { return c->names[i]; }

int eb_counters_value(const eb_counters *c, int i, long long *value)
{
    if (!c->available[i])
        return -1;
    *value = c->values[i];
    return 0;
}

const char *eb_counters_why(const eb_counters *c, int i)
{
    return c->available[i] ? "" : c->why[i];
}

void eb_counters_close(eb_counters *c)
{
    if (!c)
        return;
#ifdef EB_HAVE_PAPI
    if (c->running) {
        long long v[EB_COUNTERS_MAX];
        PAPI_stop(c->eventset, v);
    }
    if (c->eventset != PAPI_NULL) {
        PAPI_cleanup_eventset(c->eventset);
        PAPI_destroy_eventset(&c->eventset);
    }
#endif
    free(c);
}

int eb_counters_probe_event(const char *name, char *why, size_t why_len)
{
    eb_counters *c;
    const char *names[1] = {name};
    if (eb_counters_open(&c, names, 1) != 0) {
        snprintf(why, why_len, "out of memory");
        return 0;
    }
    int ok = c->available[0];
    if (!ok)
        snprintf(why, why_len, "%s", c->why[0]);
    eb_counters_close(c);
    return ok;
}

int eb_counters_probe_library(char *version, size_t version_len, int *hw_counters, char *why,
                              size_t why_len)
{
    *hw_counters = 0;
    version[0] = '\0';
#ifdef EB_HAVE_PAPI
    if (!papi_ready(why, why_len))
        return 0;
    int v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    snprintf(version, version_len, "%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v),
             PAPI_VERSION_REVISION(v));
    if (!perf_component(why, why_len))
        return 1;
    int cid = PAPI_get_component_index("perf_event");
    *hw_counters = PAPI_get_component_info(cid)->num_cntrs;
    why[0] = '\0';
    return 1;
#else
    snprintf(why, why_len, "edgebench was built without PAPI (libpapi-dev)");
    return 0;
#endif
}

int eb_counters_perf_events(char *why, size_t why_len)
{
#ifdef EB_HAVE_PAPI
    if (!papi_ready(why, why_len))
        return 0;
    if (!perf_component(why, why_len))
        return 0;
    why[0] = '\0';
    return 1;
#else
    snprintf(why, why_len, "edgebench was built without PAPI (libpapi-dev)");
    return 0;
#endif
}
