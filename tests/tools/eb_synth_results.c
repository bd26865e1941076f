/* eb_synth_results: a results file whose latency samples are known.
 *
 *   eb_synth_results IN.h5 OUT.h5 --latency-us M [--spread-pct S]
 *                    [--tail-pct T] [--n N] [--seed SEED]
 *
 * Copies IN (a real results file: devices, scenarios with their YAML and
 * model hashes, every run with its extras and cell index) into OUT, and
 * gives each ok run N (default: its own n) latency samples drawn with a
 * fixed seed: M µs x (1 + S% x (u - 0.5)), u uniform, and T% of them (the
 * preemptions of a busy machine) longer by an exponential with mean M/2.
 * The summaries are recomputed, so OUT reads exactly like a run that
 * measured those samples. Tests of compare and gate judge such files: their
 * verdicts then depend on the samples the test chose, not on how loaded the
 * machine was when IN was measured. gate --confirm re-runs OUT's stored
 * scenario for real, as it would IN's.
 *
 * Exit 0 written, 2 bad usage or input. Not installed; built with the tests. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "results/results.h"
#include "results/store.h"

static int usage(void)
{
    fprintf(stderr, "usage: eb_synth_results IN.h5 OUT.h5 --latency-us M [--spread-pct S] "
                    "[--tail-pct T] [--n N] [--seed SEED]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const char *in = argv[1], *out = argv[2];
    double lat_us = 0, spread = 2, tail = 0;
    long long n_samples = 0;
    unsigned long long seed = 1;
    for (int i = 3; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        if (strcmp(argv[i], "--latency-us") == 0)
            lat_us = atof(v);
        else if (strcmp(argv[i], "--spread-pct") == 0)
            spread = atof(v);
        else if (strcmp(argv[i], "--tail-pct") == 0)
            tail = atof(v);
        else if (strcmp(argv[i], "--n") == 0)
            n_samples = atoll(v);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else
            return usage();
        i++;
    }
    if (!(lat_us > 0) || spread < 0 || spread >= 200 || tail < 0 || tail > 100 || n_samples < 0)
        return usage();

    char msg[1024];
    eb_results *r = NULL;
    eb_store *s = NULL;
    if (eb_results_read(in, 1, &r, msg, sizeof msg) != EB_OK ||
        eb_store_open(out, 0, &s, msg, sizeof msg) != EB_OK) {
        fprintf(stderr, "eb_synth_results: %s\n", msg);
        eb_results_free(r);
        return 2;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "eb_synth_results %.200s --latency-us %g --spread-pct %g "
                              "--tail-pct %g --seed %llu", in, lat_us, spread, tail, seed);
    eb_status st = eb_store_set_command(s, cmd, msg, sizeof msg);
    for (size_t d = 0; st == EB_OK && d < r->n_devices; d++) {
        const eb_results_device *dev = &r->devices[d];
        const char **k = malloc((dev->n_attrs + 1) * sizeof *k);
        const char **v = malloc((dev->n_attrs + 1) * sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            snprintf(msg, sizeof msg, "out of memory");
            st = EB_ERR_NOMEM;
            break;
        }
        for (size_t a = 0; a < dev->n_attrs; a++) {
            k[a] = dev->attrs[a].key;
            v[a] = dev->attrs[a].value;
        }
        st = eb_store_put_device(s, dev->id, dev->n_attrs, (const char *const *)k,
                                 (const char *const *)v, msg, sizeof msg);
        free(k);
        free(v);
    }
    for (size_t i = 0; st == EB_OK && i < r->n_scenarios; i++) {
        const eb_results_scenario *sc = &r->scenarios[i];
        st = eb_store_put_scenario(s, sc->name, sc->yaml, sc->n_models,
                                   (const char *const *)sc->model_paths,
                                   (const char *const *)sc->model_sha256, sc->model_bytes, msg,
                                   sizeof msg);
    }
    eb_rng rng;
    eb_rng_seed(&rng, seed);
    for (size_t i = 0; st == EB_OK && i < r->n_runs; i++) {
        eb_run_record rec = r->runs[i]; /* shallow: the extras stay r's */
        uint64_t *lat = NULL, *t = NULL;
        if (rec.status == EB_RUN_OK) {
            uint64_t n = n_samples ? (uint64_t)n_samples : rec.n;
            lat = malloc((n ? n : 1) * sizeof *lat);
            t = malloc((n ? n : 1) * sizeof *t);
            if (!lat || !t) {
                free(lat);
                free(t);
                snprintf(msg, sizeof msg, "out of memory");
                st = EB_ERR_NOMEM;
                break;
            }
            uint64_t at = 0;
            for (uint64_t j = 0; j < n; j++) {
                double us = lat_us * (1 + spread / 100 * (eb_rng_uniform(&rng) - 0.5));
                if (tail > 0 && eb_rng_uniform(&rng) * 100 < tail)
                    us += -log(1 - eb_rng_uniform(&rng)) * lat_us / 2;
                lat[j] = (uint64_t)llround(us * 1000);
                t[j] = at;
                at += lat[j] + 1000; /* 1 µs of untimed work between inferences */
            }
            rec.n = n;
            rec.latency_ns = lat;
            rec.t_ns = t;
            eb_run_record_summarize(&rec);
        }
        st = eb_store_append_run(s, &rec, msg, sizeof msg);
        free(lat);
        free(t);
    }
    if (st == EB_OK)
        st = eb_store_close(s, msg, sizeof msg);
    else
        eb_store_close(s, cmd, sizeof cmd);
    eb_results_free(r);
    if (st != EB_OK) {
        fprintf(stderr, "eb_synth_results: %s\n", msg);
        return 2;
    }
    return 0;
}
