/* The SVG chart writer (see svg.h). Ticks: 1-2-5 steps on linear axes,
 * decades (with 2 and 5 when few decades) on log axes. */
#include <math.h>
#include <string.h>

#include "common/escape.h"
#include "reports/svg.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

const char *eb_svg_color(int i) { return palette[(i < 0 ? -i : i) % 10]; }

static void fix_axis(eb_svg_axis *a)
{
    if (!isfinite(a->lo) || !isfinite(a->hi)) {
        a->lo = 0;
        a->hi = 1;
    }
    if (a->log && !(a->lo > 0 && a->hi > 0))
        a->log = 0;
    if (a->hi < a->lo) {
        double t = a->lo;
        a->lo = a->hi;
        a->hi = t;
    }
    if (a->hi == a->lo) {
        if (a->log) {
            a->lo /= 2;
            a->hi *= 2;
        } else {
            double d = a->lo == 0 ? 1 : fabs(a->lo) * 0.1;
            a->lo -= d;
            a->hi += d;
        }
    }
}

static double frac(const eb_svg_axis *a, double v)
{
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}

static double clamp01(double t) { return t < 0 ? 0 : t > 1 ? 1 : t; }

double eb_svg_px(const eb_svg_chart *c, double x)
{
    return c->left + clamp01(frac(&c->x, x)) * (c->right - c->left);
}

double eb_svg_py(const eb_svg_chart *c, double y)
{
    return c->bottom - clamp01(frac(&c->y, y)) * (c->bottom - c->top);
}

double eb_svg_py2(const eb_svg_chart *c, double y)
{
    return c->bottom - clamp01(frac(&c->y2, y)) * (c->bottom - c->top);
}

static void fmt_tick(char *buf, size_t cap, double v)
{
    double a = fabs(v);
    if (a != 0 && (a >= 1e6 || a < 1e-3))
        snprintf(buf, cap, "%.0e", v);
    else
        snprintf(buf, cap, "%g", v);
}

/* Tick values of an axis into t[] (at most cap); returns the count. */
static int ticks(const eb_svg_axis *a, double *t, int cap)
{
    int n = 0;
    if (a->log) {
        int d0 = (int)floor(log10(a->lo)), d1 = (int)ceil(log10(a->hi));
        int few = d1 - d0 <= 2;
        for (int d = d0; d <= d1 && n < cap; d++) {
            const double m[3] = {1, 2, 5};
            for (int k = 0; k < (few ? 3 : 1) && n < cap; k++) {
                double v = m[k] * pow(10, d);
                if (v >= a->lo * 0.999 && v <= a->hi * 1.001)
                    t[n++] = v;
            }
        }
        return n;
    }
    double span = a->hi - a->lo, raw = span / 5, p = pow(10, floor(log10(raw)));
    double step = raw / p < 1.5 ? p : raw / p < 3.5 ? 2 * p : raw / p < 7.5 ? 5 * p : 10 * p;
    for (double v = ceil(a->lo / step) * step; v <= a->hi + step * 1e-9 && n < cap; v += step)
        t[n++] = fabs(v) < step * 1e-9 ? 0 : v;
    return n;
}

void eb_svg_begin(eb_svg_chart *c, FILE *f, double width, double height, const char *title,
                  eb_svg_axis x, eb_svg_axis y, const eb_svg_axis *y2, int standalone)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->width = width;
    c->height = height;
    c->x = x;
    c->y = y;
    fix_axis(&c->x);
    fix_axis(&c->y);
    if (y2) {
        c->y2 = *y2;
        fix_axis(&c->y2);
    }
    c->left = 70;
    c->top = 34;
    c->right = width - (y2 ? 70 : 20);
    c->bottom = height - 46;
    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"eb-chart\" width=\"%g\" height=\"%g\" "
               "viewBox=\"0 0 %g %g\" font-family=\"sans-serif\" font-size=\"11\">\n",
            width, height, width, height);
    fputs("<title>", f);
    eb_xml_text(f, title);
    fputs("</title>\n", f);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n", width, height);
    fprintf(f, "<text x=\"%g\" y=\"20\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">",
            width / 2);
    eb_xml_text(f, title);
    fputs("</text>\n", f);
    double t[64];
    char buf[32];
    int n = ticks(&c->x, t, 64);
    for (int i = 0; i < n; i++) {
        double px = eb_svg_px(c, t[i]);
        fmt_tick(buf, sizeof buf, t[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                px, c->top, px, c->bottom, px, c->bottom + 14, buf);
    }
    n = ticks(&c->y, t, 64);
    for (int i = 0; i < n; i++) {
        double py = eb_svg_py(c, t[i]);
        fmt_tick(buf, sizeof buf, t[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                c->left, py, c->right, py, c->left - 4, py + 4, buf);
    }
    if (c->y2.label) {
        n = ticks(&c->y2, t, 64);
        for (int i = 0; i < n; i++) {
            fmt_tick(buf, sizeof buf, t[i]);
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#666\">%s</text>\n", c->right + 4,
                    eb_svg_py2(c, t[i]) + 4, buf);
        }
        fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(90)\" text-anchor=\"middle\" fill=\"#666\">",
                width - 12, (c->top + c->bottom) / 2);
        eb_xml_text(f, c->y2.label);
        fputs("</text>\n", f);
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
            c->left, c->top, c->right - c->left, c->bottom - c->top);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (c->left + c->right) / 2,
            height - 10);
    eb_xml_text(f, c->x.label);
    fputs("</text>\n", f);
    fprintf(f, "<text transform=\"translate(16,%.1f) rotate(-90)\" text-anchor=\"middle\">",
            (c->top + c->bottom) / 2);
    eb_xml_text(f, c->y.label);
    fputs("</text>\n", f);
}

void eb_svg_end(eb_svg_chart *c) { fputs("</svg>\n", c->f); }

void eb_svg_line(eb_svg_chart *c, const double *x, const double *y, int n, const char *color,
                 double width, int dashed, int on_y2)
{
    fprintf(c->f, "<polyline class=\"eb-series\" fill=\"none\" stroke=\"%s\" stroke-width=\"%g\"%s points=\"",
            color, width, dashed ? " stroke-dasharray=\"5,3\"" : "");
    int first = 1;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        if ((c->x.log && x[i] <= 0) || ((on_y2 ? c->y2.log : c->y.log) && y[i] <= 0))
            continue;
        fprintf(c->f, "%s%.1f,%.1f", first ? "" : " ", eb_svg_px(c, x[i]),
                on_y2 ? eb_svg_py2(c, y[i]) : eb_svg_py(c, y[i]));
        first = 0;
    }
    fputs("\"/>\n", c->f);
}

void eb_svg_point(eb_svg_chart *c, double x, double y, double r, const char *color,
                  const char *tooltip)
{
    if (!isfinite(x) || !isfinite(y))
        return;
    fprintf(c->f, "<circle class=\"eb-point\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
                  "fill-opacity=\"0.75\" stroke=\"#333\" stroke-width=\"0.5\">",
            eb_svg_px(c, x), eb_svg_py(c, y), r, color);
    if (tooltip) {
        fputs("<title>", c->f);
        eb_xml_text(c->f, tooltip);
        fputs("</title>", c->f);
    }
    fputs("</circle>\n", c->f);
}

void eb_svg_text(eb_svg_chart *c, double x, double y, double dx, double dy, const char *text,
                 const char *color)
{
    fprintf(c->f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", eb_svg_px(c, x) + dx,
            eb_svg_py(c, y) + dy, color);
    eb_xml_text(c->f, text);
    fputs("</text>\n", c->f);
}

void eb_svg_hline(eb_svg_chart *c, double y, const char *color, const char *label)
{
    double py = eb_svg_py(c, y);
    fprintf(c->f, "<line class=\"eb-series\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"2\"/>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">",
            c->left, py, c->right, py, color, c->right - 4, py - 4, color);
    eb_xml_text(c->f, label);
    fputs("</text>\n", c->f);
}

void eb_svg_legend(eb_svg_chart *c, const char *color, const char *label, int dashed)
{
    double y = c->top + 12 + 14 * c->n_legend++, x = c->left + 8;
    /* a pale box behind the entry keeps it readable over the marks */
    fprintf(c->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"#ffffff\" "
                  "fill-opacity=\"0.8\"/>",
            x - 2, y - 11, 24 + 5.6 * (double)strlen(label));
    fprintf(c->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"%s/>"
                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">",
            x, y - 3, x + 16, y - 3, color, dashed ? " stroke-dasharray=\"4,2\"" : "", x + 20, y);
    eb_xml_text(c->f, label);
    fputs("</text>\n", c->f);
}
