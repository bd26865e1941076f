/* How every chart tells cells apart, so that one reading holds across the
 * report: colour = the backend as configured (its label and the sweep
 * point's keys other than the condition's own parameters, "simd
 * threads=2"), marker shape and line dash = the variant, and one panel per
 * condition (with its parameters) and, when the file holds several, per
 * device. Internal to reports/plot_*.c. */
#ifndef EB_PLOT_STYLE_H
#define EB_PLOT_STYLE_H

#include <stddef.h>

#include "reports/compare_cells.h"
#include "reports/svg.h"

enum { EB_PLOT_NAME = 320 };

/* A list of distinct names in order of first appearance. */
typedef struct eb_plot_names {
    char (*v)[EB_PLOT_NAME];
    int n, cap;
} eb_plot_names;

/* Index of s in names, added when new; -1 out of memory. */
int eb_plot_name_index(eb_plot_names *names, const char *s);
void eb_plot_names_free(eb_plot_names *names);

/* The colour name of a run: "simd threads=2". */
void eb_plot_backend_key(const eb_run_record *r, char *buf, size_t cap);
/* The panel name of a run: "board-a · noise (sigma=0.1, seed=1)"; the
 * device only when with_device, the parameters only when with_params. */
void eb_plot_panel_key(const eb_run_record *r, int with_device, int with_params, char *buf,
                       size_t cap);
/* The panels of the cells with use[i] != 0 (NULL: all): their names in
 * *panels (eb_plot_panel_key, with the device when the cells come from
 * several devices) and each cell's panel in panel_of[i] (-1 unused). 0, or
 * -1 out of memory. */
int eb_plot_panels(const eb_cells *cs, const int *use, int with_params, eb_plot_names *panels,
                   int *panel_of);
/* Number of distinct devices of the cells. */
int eb_plot_n_devices(const eb_cells *cs);

/* The styles of a set of cells: backends[] (colours) and variants[]
 * (shapes, dashes) in order of appearance among the cells with use[i] != 0
 * (use NULL: every cell). */
typedef struct eb_plot_styles {
    eb_plot_names backends, variants;
} eb_plot_styles;

int eb_plot_styles_build(eb_plot_styles *s, const eb_cells *cs, const int *use);
void eb_plot_styles_free(eb_plot_styles *s);
/* Colour, shape / dash index of a cell. */
const char *eb_plot_color(eb_plot_styles *s, const eb_cell *c);
int eb_plot_variant(eb_plot_styles *s, const eb_cell *c);

/* The key of the styles: one entry per backend (a line in its colour), one
 * per variant (grey, with a marker when markers, a dash when lines), then
 * extra entries. *keys malloc'd (caller frees); count or -1. Labels point
 * into s and extra. */
int eb_plot_styles_key(const eb_plot_styles *s, int markers, int lines, const eb_svg_key *extra,
                       int n_extra, eb_svg_key **keys);

#endif
