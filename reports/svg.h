/* A small SVG writer for report charts. One chart is one <svg> document
 * (eb_svg_doc) holding a title, one or more panels in a grid (small
 * multiples: one panel per condition, device or cell) and a key (legend)
 * below the panels, outside every plot area, so the key never covers a
 * mark. A panel (eb_svg_chart) is a frame with two axes (linear or log10),
 * nice ticks, grid, a subtitle and marks placed in data coordinates.
 *
 * Every text the writer emits is entered, with its box estimated from the
 * font size and its characters, into the document's list of boxes; so are
 * markers. Tick labels that would overlap one already placed are left out,
 * and point labels go through a placer (eb_svg_label) that tries positions
 * around the point, farther ones with a leader line, and leaves the label
 * out where none is free. No two texts of a document overlap by
 * construction (tests/cli/test_html_charts.sh checks it on the boxes
 * Chromium renders).
 *
 * Output is plain SVG 1.1 text with inline styles, so a chart works inside
 * an HTML file (inline) and alone (a .svg file) with no fonts, scripts or
 * network. */
#ifndef EB_SVG_H
#define EB_SVG_H

#include <stddef.h>
#include <stdio.h>

typedef struct eb_svg_axis {
    double lo, hi;      /* data range (log: both > 0) */
    int log;            /* log10 scale */
    const char *label;  /* "latency (µs)" */
} eb_svg_axis;

typedef struct eb_svg_box {
    double x0, y0, x1, y1;
} eb_svg_box;

/* Marker shapes (marker by variant) and line dashes (line by variant). */
enum { EB_SVG_N_SHAPES = 6, EB_SVG_N_DASHES = 4 };

/* One key entry: a line sample (dash >= 0, dash pattern eb_svg_dash) and/or
 * a marker (shape >= 0) in color, then the label. */
typedef struct eb_svg_key {
    const char *color;
    int shape; /* -1: no marker */
    int dash;  /* -1: no line */
    const char *label;
} eb_svg_key;

typedef struct eb_svg_doc {
    FILE *f;
    double width, height;
    int cols, n_panels;
    double panel_w, panel_h, panels_top;
    eb_svg_box *boxes; /* texts and markers placed so far */
    size_t n_boxes, cap_boxes;
    int dropped;       /* labels eb_svg_label left out */
} eb_svg_doc;

typedef struct eb_svg_chart {
    FILE *f;
    eb_svg_doc *doc;
    double width, height;            /* of the document, px */
    double left, top, right, bottom; /* plot area px */
    eb_svg_axis x, y;
    eb_svg_axis y2;                  /* right axis when y2.label != NULL */
    eb_svg_doc own;                  /* eb_svg_begin: a document of one panel */
} eb_svg_chart;

/* Estimated box of text at (x, y) (baseline), anchor 's'tart, 'm'iddle or
 * 'e'nd, font size px: widths per character class of a sans-serif font,
 * rounded up so that the estimate covers what a browser draws. */
eb_svg_box eb_svg_text_box(double x, double y, char anchor, double size, const char *text);

/* Begin a document of n_panels panels, cols per row, each panel_w x panel_h
 * px, with a title and a key of n_keys entries laid out below the panels
 * (rows of entries, as many as the width takes). Writes the <svg> element,
 * the title and the key. standalone != 0 adds the XML declaration. */
void eb_svg_doc_begin(eb_svg_doc *d, FILE *f, const char *title, int n_panels, int cols,
                      double panel_w, double panel_h, const eb_svg_key *keys, int n_keys,
                      int standalone);
/* Begin panel i (0-based, row-major) with its subtitle (cut with "…" to the
 * panel's width; the whole text is its tooltip): frame, ticks, grid and axis
 * labels. y2 != NULL adds a right axis. */
void eb_svg_panel(eb_svg_doc *d, int i, eb_svg_chart *c, const char *subtitle, eb_svg_axis x,
                  eb_svg_axis y, const eb_svg_axis *y2);
/* A panel whose y axis is n_cats named bands instead of numbers: the y
 * range is [0, n_cats], band k (0 at the top) spans [n_cats - k - 1,
 * n_cats - k] and is named cats[k] beside it; the plot area moves right to
 * make room for the names (cut with "…" beyond 150 px). */
void eb_svg_panel_bands(eb_svg_doc *d, int i, eb_svg_chart *c, const char *subtitle, eb_svg_axis x,
                        const char *y_label, const char *const *cats, int n_cats);
/* Close the document (</svg>) and free its boxes. */
void eb_svg_doc_end(eb_svg_doc *d);

/* A document of one panel and no key, width x height px: eb_svg_doc_begin
 * and eb_svg_panel in one. Ranges with lo == hi are widened; log axes with
 * lo <= 0 fall back to linear. */
void eb_svg_begin(eb_svg_chart *c, FILE *f, double width, double height, const char *title,
                  eb_svg_axis x, eb_svg_axis y, const eb_svg_axis *y2, int standalone);
/* Close the chart begun with eb_svg_begin. */
void eb_svg_end(eb_svg_chart *c);

/* Pixel position of a data value (clamped to the plot area). */
double eb_svg_px(const eb_svg_chart *c, double x);
double eb_svg_py(const eb_svg_chart *c, double y);
double eb_svg_py2(const eb_svg_chart *c, double y); /* on the right axis */

/* A polyline through n points (NAN points are skipped); on_y2 uses the
 * right axis. dash: 0 solid, else the pattern eb_svg_dash(dash). */
void eb_svg_line(eb_svg_chart *c, const double *x, const double *y, int n, const char *color,
                 double width, int dash, int on_y2);
/* A filled circle of radius r px with an optional tooltip (<title>). */
void eb_svg_point(eb_svg_chart *c, double x, double y, double r, const char *color,
                  const char *tooltip);
/* A marker of the given shape (EB_SVG_N_SHAPES cycle), size r px, with an
 * optional tooltip; its box is entered so that labels avoid it. */
void eb_svg_marker(eb_svg_chart *c, double x, double y, double r, int shape, const char *color,
                   const char *tooltip);
/* A bar: the rectangle [x0, x1] x [y0, y1] in data coordinates (class
 * eb-bar), with an optional tooltip. */
void eb_svg_bar(eb_svg_chart *c, double x0, double x1, double y0, double y1, const char *color,
                const char *tooltip);
/* A mark for a value above the plot: a small triangle on the top edge at x
 * (class eb-clip), with a tooltip saying the value. */
void eb_svg_clip_mark(eb_svg_chart *c, double x, const char *tooltip);
/* The label of a point drawn at (x, y) with marker size r: placed beside
 * the point where its box is free and inside the plot area, else farther
 * with a leader line, else left out (counted in doc->dropped). 1 placed. */
int eb_svg_label(eb_svg_chart *c, double x, double y, double r, const char *text,
                 const char *color);
/* A horizontal line across the plot at y, labelled near one of its ends
 * where the label is free (above, else below the line). */
void eb_svg_hline(eb_svg_chart *c, double y, const char *color, int dash, const char *label);

/* The i-th colour of a palette that stays readable for 10 series. */
const char *eb_svg_color(int i);
/* The stroke-dasharray of dash pattern i (0: solid, ""). */
const char *eb_svg_dash(int i);

#endif
