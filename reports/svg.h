/* A small SVG writer for report charts: one chart = a frame with two axes
 * (linear or log10), nice ticks, grid, title, legend, and marks (lines,
 * points, text) placed in data coordinates. Output is plain SVG 1.1 text
 * with inline styles, so a chart works inside an HTML file (inline) and
 * alone (a .svg file) with no fonts, scripts or network. */
#ifndef EB_SVG_H
#define EB_SVG_H

#include <stdio.h>

typedef struct eb_svg_axis {
    double lo, hi;      /* data range (log: both > 0) */
    int log;            /* log10 scale */
    const char *label;  /* "latency (µs)" */
} eb_svg_axis;

typedef struct eb_svg_chart {
    FILE *f;
    double width, height;          /* px */
    double left, top, right, bottom; /* plot area px */
    eb_svg_axis x, y;
    eb_svg_axis y2;                /* right axis when y2.label != NULL */
    int n_legend;
} eb_svg_chart;

/* Begin a chart of width x height px with a title (escaped): writes the
 * <svg> element, the frame, ticks, grid and axis labels. Ranges with lo ==
 * hi are widened; log axes with lo <= 0 fall back to linear. standalone != 0
 * adds the XML declaration (for a .svg file). */
void eb_svg_begin(eb_svg_chart *c, FILE *f, double width, double height, const char *title,
                  eb_svg_axis x, eb_svg_axis y, const eb_svg_axis *y2, int standalone);
/* Close the chart. */
void eb_svg_end(eb_svg_chart *c);

/* Pixel position of a data value (clamped to the plot area). */
double eb_svg_px(const eb_svg_chart *c, double x);
double eb_svg_py(const eb_svg_chart *c, double y);
double eb_svg_py2(const eb_svg_chart *c, double y); /* on the right axis */

/* A polyline through n points (NAN points are skipped); on_y2 uses the
 * right axis. dashed != 0 draws it dashed. */
void eb_svg_line(eb_svg_chart *c, const double *x, const double *y, int n, const char *color,
                 double width, int dashed, int on_y2);
/* A filled circle of radius r px with an optional tooltip (<title>). */
void eb_svg_point(eb_svg_chart *c, double x, double y, double r, const char *color,
                  const char *tooltip);
/* Text at data coordinates, offset by (dx, dy) px. */
void eb_svg_text(eb_svg_chart *c, double x, double y, double dx, double dy, const char *text,
                 const char *color);
/* A horizontal line across the plot at y, with a label at its right end. */
void eb_svg_hline(eb_svg_chart *c, double y, const char *color, const char *label);
/* One legend entry (top right, stacked). */
void eb_svg_legend(eb_svg_chart *c, const char *color, const char *label, int dashed);

/* The i-th colour of a palette that stays readable for 10 series. */
const char *eb_svg_color(int i);


#endif
