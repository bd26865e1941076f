/* Cells of a results file for compare and gate: the runs of one matrix cell
 * (its repetitions) grouped under one key and their latency samples pooled.
 *
 * The key is device, scenario, backend, variant, condition, sweep and
 * threads. Two backend entries of one scenario may share all of these (the
 * same backend with different options and nothing swept); they are told
 * apart by their matrix position (cell_index - repetition, the same for
 * every repetition of one cell), numbered in file order as occurrence 0, 1,
 * ... so that the k-th such entry of a baseline meets the k-th of a
 * candidate.
 *
 * The key also holds the backend options that do not sweep (schema 1.2,
 * results/cell_key.h), so two entries of one backend with different
 * options are two cells. Across two files, a cell whose options differ is
 * still paired with the other file's cell when each is the only entry of
 * its backend there (option_twins 1): a baseline and a candidate measured
 * with one option changed on purpose (`--set backends.0.options.X=...`),
 * or a baseline written before 1.2 (no options stored). */
#ifndef EB_COMPARE_CELLS_H
#define EB_COMPARE_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "harness/stats/stats.h"
#include "results/results.h"

typedef struct eb_cell {
    const eb_run_record *first; /* first run of the cell: key fields (borrowed) */
    int occurrence;             /* 0 unless several cells share the key fields */
    char label[1024];           /* "local/simd{qdq_fusion=0}/fp32/plain threads=1" (+ " #2",
                                 * sweep); the backend as eb_backend_label names it */
    int n_runs;
    const eb_run_record **runs; /* every repetition, in file order (borrowed records) */
    int n_ok;                   /* runs with status ok */
    const eb_run_record *bad;   /* first run that failed/crashed/timed out/..., or NULL */
    uint64_t *samples;          /* latencies of the ok runs, pooled in file order; owned */
    size_t n_samples;
    eb_summary summary;         /* of the pooled samples (n = 0 when none) */
    double max_abs_drift;       /* largest |drift| of an ok run; NAN when none known */
    double rep_spread;          /* (max - min) / median of the ok runs' medians; NAN for < 2 */
    int base_index;             /* cell_index - repetition of the first run */
    int cpu_view;               /* 1: samples are CPU times per inference (eb_cell_cpu_view) */
    int option_twins;           /* cells of its file that share every key field but the
                                 * backend options, itself included (>= 1) */
} eb_cell;

typedef struct eb_cells {
    size_t n;
    eb_cell *cells;             /* in order of their first run */
    const eb_results *results;  /* borrowed: where the records live */
} eb_cells;

/* Group the runs of r (read with samples, or without: then samples stay
 * empty and only attributes are used). *out is caller-owned
 * (eb_cells_free); it borrows r, which must outlive it. 0 ok, -1 out of
 * memory. */
int eb_cells_build(const eb_results *r, eb_cells **out);
void eb_cells_free(eb_cells *c);

/* Whether two cells (of two files) have the same key. */
int eb_cell_same_key(const eb_cell *a, const eb_cell *b);
/* The cell of cs with the key of c; else, when c and a cell of cs are each
 * the only entry of their backend in their file (option_twins 1) and agree
 * on every key field but the options, that cell; else NULL. */
const eb_cell *eb_cells_find(const eb_cells *cs, const eb_cell *c);

/* A named metric of the cell: the median over its ok runs of the run's
 * value. Names: "peak_rss_bytes", "model_bytes" (0 = unknown is "absent"),
 * any extra metric ("top1", "energy_per_inference_j", ...), "p50",
 * "p90", "p95", "p99", "p999", "mean" of the pooled summary, and "cpu_p50",
 * "cpu_p90", "cpu_p99", "cpu_mean" of the pooled CPU times (ns). 1 and *out when
 * measured, 0 when not measured (never 0 for "absent"). */
int eb_cell_value(const eb_cell *c, const char *name, double *out);

/* The per-inference process CPU times of the cell's ok runs (their extra
 * "cpu_ns", int64[n]), pooled as uint64 in *out (malloc'd, caller frees;
 * negative values count as 0). 1 when some run has them, 0 when none, -1
 * out of memory. */
int eb_cell_cpu_samples(const eb_cell *c, uint64_t **out, size_t *n);

/* A copy of c whose latency samples are its CPU times (summary recomputed,
 * drift and spread unknown), for comparing CPU time with compare.h's rule.
 * 1 made (free view->samples), 0 no CPU times recorded, -1 out of memory. */
int eb_cell_cpu_view(const eb_cell *c, eb_cell *view);

/* Top-1 hits and samples of the cell's ok runs, summed from their
 * `accuracy/correct` arrays (uint8[n]). 1 when some run has one. */
int eb_cell_hits(const eb_cell *c, uint64_t *hits, uint64_t *n);

#endif
