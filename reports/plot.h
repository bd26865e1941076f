/* The report's charts, each drawn from the cells of a results file
 * (compare_cells.h) as one SVG (svg.h). Every chart works whether or not a
 * measurement is present: a chart with nothing to show is not drawn and
 * says why ("no run recorded a temperature"), a missing value is never
 * drawn as 0.
 *
 * Charts (one table, read by the HTML report and `report --format svg`):
 *   latency_cdf       cumulative distribution of latency, one line per cell
 *   latency_timeline  latency over time, a panel per cell (first ok run),
 *                     the axis top at p99.9 with marks for bins above it,
 *                     temperature / frequency when recorded
 *   accuracy_severity top-1 against the swept numeric parameter of a
 *                     condition (noise level, ...)
 *   accuracy_drift    rolling top-1 against the drifting parameter of a
 *                     condition with drift (per-sample accuracy datasets)
 *   tradeoff          latency against accuracy, a panel per condition:
 *                     the compression variants across backends
 *   roofline          achieved GFLOP/s against FLOPs per model byte, with
 *                     the device's peak (peak_gflops_fp32 / peak_gops_int8
 *                     device attributes) as the roof
 *   op_profile        time per inference by op type, backends side by side,
 *                     a panel per variant and condition (metrics.op_profile)
 *
 * Every chart reads the same way (plot_style.h): colour = backend (with the
 * sweep point), marker / dash = variant, a panel per condition and device,
 * the key below the panels. A chart is one <svg> (panels inside it). */
#ifndef EB_PLOT_H
#define EB_PLOT_H

#include <stdio.h>

#include "reports/compare_cells.h"

/* Timeline panels in one HTML report (one per cell); the rest are counted. */
#define EB_PLOT_MAX_TIMELINES 24

typedef struct eb_plot_input {
    const eb_results *results; /* devices (peaks) and scenarios */
    const eb_cells *cells;     /* built from results with samples */
    int standalone;            /* write a standalone .svg (XML declaration) */
} eb_plot_input;

/* Draw the chart into f. Returns 1 when written (why_empty may then hold a
 * note: labels left out, cells not drawn), 0 when there is nothing to show
 * (why_empty says why), or -1 on a write error. */
typedef int (*eb_plot_fn)(FILE *f, const eb_plot_input *in, char *why_empty, size_t why_len);

typedef struct eb_plot_kind {
    const char *name;  /* file stem and HTML anchor: "latency_cdf" */
    const char *title; /* section heading */
    eb_plot_fn draw;
    int per_cell;      /* draws one chart per cell */
} eb_plot_kind;

const eb_plot_kind *eb_plot_kinds(int *count);

int eb_plot_latency_cdf(FILE *f, const eb_plot_input *in, char *why, size_t why_len);
int eb_plot_latency_timeline(FILE *f, const eb_plot_input *in, char *why, size_t why_len);
int eb_plot_accuracy_severity(FILE *f, const eb_plot_input *in, char *why, size_t why_len);
int eb_plot_accuracy_drift(FILE *f, const eb_plot_input *in, char *why, size_t why_len);
int eb_plot_tradeoff(FILE *f, const eb_plot_input *in, char *why, size_t why_len);
int eb_plot_roofline(FILE *f, const eb_plot_input *in, char *why, size_t why_len);
int eb_plot_op_profile(FILE *f, const eb_plot_input *in, char *why, size_t why_len);

/* The timeline of one cell (the per-cell unit of latency_timeline), for
 * writing each cell to its own file. 1 written, 0 nothing to show. */
int eb_plot_cell_timeline(FILE *f, const eb_plot_input *in, const eb_cell *c, int standalone);

/* Write every chart as standalone SVG files into dir (created if missing):
 * <name>.svg, and latency_timeline_<k>.svg per cell. Lists what it wrote
 * and why a chart was left out on log (may be NULL). 0 ok, -1 error (msg
 * says which file). */
int eb_plots_write_dir(const eb_results *r, const char *dir, FILE *log, char *msg, size_t msg_len);

/* Achieved GFLOP/s of a cell and its device peak (GFLOP/s or GOP/s, by
 * variant: int8 variants use peak_gops_int8). 1 when both are known. */
int eb_plot_efficiency(const eb_results *r, const eb_cell *c, double *achieved, double *peak);

#endif
