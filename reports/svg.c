/* The SVG chart writer (see svg.h). Ticks: 1-2-5 steps on linear axes,
 * decades (with 2 and 5 when few decades) on log axes. Text boxes are
 * estimated, not measured: the writer has no font; the widths below are
 * those of DejaVu Sans (the sans-serif of Debian's browsers), rounded up,
 * so an estimate holds the text a browser draws. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "reports/svg.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

const char *eb_svg_color(int i) { return palette[(i < 0 ? -i : i) % 10]; }

static const char *const dashes[EB_SVG_N_DASHES] = {"", "6,3", "2,2", "8,3,2,3"};

const char *eb_svg_dash(int i) { return dashes[(i < 0 ? -i : i) % EB_SVG_N_DASHES]; }

/* Ascent and descent of the font, in em: a text's box around its baseline. */
#define ASCENT 0.93
#define DESCENT 0.25

static double char_em(unsigned cp)
{
    if (cp >= 128)
        return 0.85; /* µ, °, ≤, … */
    if (cp == ' ' || strchr("ijl.,:;|!'`", (int)cp))
        return 0.32;
    if (strchr("frt()[]{}/\\-\"", (int)cp))
        return 0.44;
    if (strchr("mwMW%@", (int)cp))
        return 1.0;
    if (strchr("=+<>~#&", (int)cp))
        return 0.86;
    if (cp >= 'A' && cp <= 'Z')
        return 0.78;
    return 0.65; /* digits, the other lower case letters */
}

static double text_width(double size, const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += char_em(*p);
    return w * size;
}

eb_svg_box eb_svg_text_box(double x, double y, char anchor, double size, const char *text)
{
    double w = text_width(size, text);
    double x0 = anchor == 'm' ? x - w / 2 : anchor == 'e' ? x - w : x;
    return (eb_svg_box){x0, y - ASCENT * size, x0 + w, y + DESCENT * size};
}

static int overlaps(eb_svg_box a, eb_svg_box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static int is_free(const eb_svg_doc *d, eb_svg_box b)
{
    for (size_t i = 0; i < d->n_boxes; i++)
        if (overlaps(b, d->boxes[i]))
            return 0;
    return 1;
}

static void add_box(eb_svg_doc *d, eb_svg_box b)
{
    if (d->n_boxes == d->cap_boxes) {
        size_t cap = d->cap_boxes ? 2 * d->cap_boxes : 256;
        eb_svg_box *v = realloc(d->boxes, cap * sizeof *v);
        if (!v)
            return; /* the box is not remembered: a later label may overlap it */
        d->boxes = v;
        d->cap_boxes = cap;
    }
    d->boxes[d->n_boxes++] = b;
}

/* Write a text whose box is b (already computed for its anchor) and enter
 * the box. attrs: extra attributes; rotate: 0, -90 or 90 about (x, y). */
static void put_text(eb_svg_doc *d, double x, double y, const char *anchor, double size,
                     const char *attrs, int rotate, const char *text, eb_svg_box b)
{
    if (rotate)
        fprintf(d->f, "<text transform=\"translate(%.1f,%.1f) rotate(%d)\" text-anchor=\"%s\" "
                      "font-size=\"%g\"%s>",
                x, y, rotate, anchor, size, attrs);
    else
        fprintf(d->f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%g\"%s>", x, y,
                anchor, size, attrs);
    eb_xml_text(d->f, text);
    fputs("</text>\n", d->f);
    add_box(d, b);
}

/* A horizontal text; optional != 0: left out (0 returned) where its box
 * would overlap a box already placed. */
static int text_h(eb_svg_doc *d, double x, double y, char anchor, double size, const char *attrs,
                  const char *text, int optional)
{
    eb_svg_box b = eb_svg_text_box(x, y, anchor, size, text);
    if (optional && !is_free(d, b))
        return 0;
    put_text(d, x, y, anchor == 'm' ? "middle" : anchor == 'e' ? "end" : "start", size, attrs, 0,
             text, b);
    return 1;
}

/* A text rotated by -90 (reads bottom to top) or 90, centred on (x, y). */
static void text_v(eb_svg_doc *d, double x, double y, int rotate, double size, const char *attrs,
                   const char *text)
{
    double w = text_width(size, text);
    eb_svg_box b = rotate < 0 ? (eb_svg_box){x - ASCENT * size, y - w / 2, x + DESCENT * size, y + w / 2}
                              : (eb_svg_box){x - DESCENT * size, y - w / 2, x + ASCENT * size, y + w / 2};
    put_text(d, x, y, "middle", size, attrs, rotate, text, b);
}

/* text cut with "…" to at most max_w px at this size, into buf. */
static void fit_text(char *buf, size_t cap, const char *text, double size, double max_w)
{
    snprintf(buf, cap, "%s", text);
    if (text_width(size, buf) <= max_w)
        return;
    size_t n = strlen(buf);
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
            n--; /* cut on a character boundary */
        buf[n] = '\0';
        if (text_width(size, buf) + size <= max_w)
            break;
    }
    if (n + 4 <= cap)
        memcpy(buf + n, "…", 4); /* U+2026, with its NUL */
}

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

/* Key entries laid out in rows across width: x of entry i, its row; the
 * number of rows. */
static int key_layout(const eb_svg_key *keys, int n, double width, double *x, int *row)
{
    double cx = 10;
    int r = 0;
    for (int i = 0; i < n; i++) {
        double w = 30 + text_width(10, keys[i].label) + 16;
        if (cx > 10 && cx + w > width - 10) {
            cx = 10;
            r++;
        }
        x[i] = cx;
        row[i] = r;
        cx += w;
    }
    return n ? r + 1 : 0;
}

static void marker_path(FILE *f, double px, double py, double r, int shape)
{
    switch (shape % EB_SVG_N_SHAPES) {
    case 1: /* square */
        fprintf(f, "M%.1f,%.1fh%.1fv%.1fh%.1fz", px - r * 0.85, py - r * 0.85, 1.7 * r, 1.7 * r, -1.7 * r);
        break;
    case 2: /* triangle up */
        fprintf(f, "M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fz", px, py - r * 1.1, px + r, py + r * 0.8, px - r,
                py + r * 0.8);
        break;
    case 3: /* diamond */
        fprintf(f, "M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fL%.1f,%.1fz", px, py - r * 1.2, px + r, py, px,
                py + r * 1.2, px - r, py);
        break;
    case 4: /* triangle down */
        fprintf(f, "M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fz", px, py + r * 1.1, px + r, py - r * 0.8, px - r,
                py - r * 0.8);
        break;
    default: /* 5: plus */
        fprintf(f, "M%.1f,%.1fh%.1fv%.1fh%.1fv%.1fh%.1fv%.1fh%.1fv%.1fh%.1fv%.1fh%.1fz", px - r * 0.35,
                py - r, 0.7 * r, 0.65 * r, 0.65 * r, 0.7 * r, -0.65 * r, 0.65 * r, -0.7 * r,
                -0.65 * r, -0.65 * r, -0.7 * r, 0.65 * r);
        break;
    }
}

/* A marker at pixel (px, py); class eb-point, or eb-keymark in the key. */
static void marker_at(FILE *f, double px, double py, double r, int shape, const char *color,
                      const char *cls, const char *tooltip)
{
    if (shape % EB_SVG_N_SHAPES == 0)
        fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"", cls, px, py, r);
    else {
        fprintf(f, "<path class=\"%s\" d=\"", cls);
        marker_path(f, px, py, r, shape);
        fputc('"', f);
    }
    fprintf(f, " fill=\"%s\" fill-opacity=\"0.8\" stroke=\"#222\" stroke-width=\"0.6\">", color);
    if (tooltip) {
        fputs("<title>", f);
        eb_xml_text(f, tooltip);
        fputs("</title>", f);
    }
    fputs(shape % EB_SVG_N_SHAPES == 0 ? "</circle>\n" : "</path>\n", f);
}

void eb_svg_doc_begin(eb_svg_doc *d, FILE *f, const char *title, int n_panels, int cols,
                      double panel_w, double panel_h, const eb_svg_key *keys, int n_keys,
                      int standalone)
{
    memset(d, 0, sizeof *d);
    d->f = f;
    d->n_panels = n_panels > 0 ? n_panels : 1;
    d->cols = cols < 1 ? 1 : cols > d->n_panels ? d->n_panels : cols;
    d->panel_w = panel_w;
    d->panel_h = panel_h;
    d->width = d->cols * panel_w;
    d->panels_top = 30;
    int rows = (d->n_panels + d->cols - 1) / d->cols;
    double *kx = malloc((size_t)(n_keys > 0 ? n_keys : 1) * sizeof *kx);
    int *krow = malloc((size_t)(n_keys > 0 ? n_keys : 1) * sizeof *krow);
    int key_rows = kx && krow ? key_layout(keys, n_keys, d->width, kx, krow) : 0;
    double key_top = d->panels_top + rows * panel_h + 4;
    d->height = key_top + key_rows * 17 + (key_rows ? 6 : 0);
    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"eb-chart\" width=\"%g\" height=\"%g\" "
               "viewBox=\"0 0 %g %g\" font-family=\"sans-serif\" font-size=\"11\">\n",
            d->width, d->height, d->width, d->height);
    fputs("<title>", f);
    eb_xml_text(f, title);
    fputs("</title>\n", f);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n", d->width,
            d->height);
    char buf[512];
    fit_text(buf, sizeof buf, title, 13 * 1.1, d->width - 20); /* bold is wider */
    eb_svg_box tb = eb_svg_text_box(d->width / 2, 20, 'm', 13 * 1.1, buf);
    put_text(d, d->width / 2, 20, "middle", 13, " font-weight=\"bold\"", 0, buf, tb);
    if (key_rows) {
        fprintf(f, "<g class=\"eb-key\">\n");
        for (int i = 0; i < n_keys; i++) {
            double x = kx[i], y = key_top + 12 + 17 * krow[i];
            if (keys[i].dash >= 0)
                fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                           "stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>",
                        x, y - 4, x + 24, y - 4, keys[i].color, eb_svg_dash(keys[i].dash));
            if (keys[i].shape >= 0)
                marker_at(f, x + 12, y - 4, 4.5, keys[i].shape, keys[i].color, "eb-keymark", NULL);
            text_h(d, x + 30, y, 's', 10, "", keys[i].label, 0);
        }
        fputs("</g>\n", f);
    }
    free(kx);
    free(krow);
}

/* eb_svg_panel, and eb_svg_panel_bands when n_cats > 0. */
static void panel(eb_svg_doc *d, int i, eb_svg_chart *c, const char *subtitle, eb_svg_axis x,
                  eb_svg_axis y, const eb_svg_axis *y2, const char *const *cats, int n_cats)
{
    FILE *f = d->f;
    eb_svg_doc own = c->own; /* kept: eb_svg_begin's document lives in c */
    memset(c, 0, sizeof *c);
    c->own = own;
    c->f = f;
    c->doc = d;
    c->width = d->width;
    c->height = d->height;
    c->x = x;
    c->y = y;
    fix_axis(&c->x);
    fix_axis(&c->y);
    if (y2) {
        c->y2 = *y2;
        fix_axis(&c->y2);
    }
    double ox = (i % d->cols) * d->panel_w, oy = d->panels_top + (i / d->cols) * d->panel_h;
    double has_sub = subtitle && subtitle[0];
    c->left = ox + 64;
    double cat_w = 0; /* room for the names of the bands */
    for (int k = 0; k < n_cats; k++) {
        double w = text_width(10, cats[k] ? cats[k] : "");
        cat_w = w > cat_w ? w : cat_w;
    }
    if (n_cats)
        c->left = ox + 30 + (cat_w < 150 ? cat_w : 150) + 6;
    c->top = oy + (has_sub ? 22 : 6);
    c->right = ox + d->panel_w - (y2 ? 58 : 16);
    c->bottom = oy + d->panel_h - 38;
    fprintf(f, "<g class=\"eb-panel\">\n");
    char buf[512];
    if (has_sub) {
        fit_text(buf, sizeof buf, subtitle, 11 * 1.1, d->panel_w - 12);
        eb_svg_box b = eb_svg_text_box(ox + d->panel_w / 2, oy + 13, 'm', 11 * 1.1, buf);
        fprintf(f, "<g><title>");
        eb_xml_text(f, subtitle);
        fprintf(f, "</title>");
        put_text(d, ox + d->panel_w / 2, oy + 13, "middle", 11, " font-weight=\"bold\"", 0, buf, b);
        fprintf(f, "</g>\n");
    }
    /* axis labels first: tick labels give way to them */
    fit_text(buf, sizeof buf, c->x.label, 11, c->right - c->left);
    text_h(d, (c->left + c->right) / 2, oy + d->panel_h - 8, 'm', 11, "", buf, 0);
    fit_text(buf, sizeof buf, c->y.label, 11, c->bottom - c->top);
    text_v(d, ox + 14, (c->top + c->bottom) / 2, -90, 11, "", buf);
    if (c->y2.label) {
        fit_text(buf, sizeof buf, c->y2.label, 11, c->bottom - c->top);
        text_v(d, ox + d->panel_w - 12, (c->top + c->bottom) / 2, 90, 11, " fill=\"#666\"", buf);
    }
    double t[64];
    int n = ticks(&c->x, t, 64);
    for (int k = 0; k < n; k++) {
        double px = eb_svg_px(c, t[k]);
        fmt_tick(buf, sizeof buf, t[k]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", px,
                c->top, px, c->bottom);
        text_h(d, px, c->bottom + 13, 'm', 10, "", buf, 1);
    }
    for (int k = 0; k < n_cats; k++) {
        double py = eb_svg_py(c, n_cats - k - 0.5);
        fit_text(buf, sizeof buf, cats[k] ? cats[k] : "", 10, 150);
        text_h(d, c->left - 4, py + 3.5, 'e', 10, "", buf, 1);
    }
    n = n_cats ? 0 : ticks(&c->y, t, 64);
    for (int k = 0; k < n; k++) {
        double py = eb_svg_py(c, t[k]);
        fmt_tick(buf, sizeof buf, t[k]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n",
                c->left, py, c->right, py);
        text_h(d, c->left - 4, py + 3.5, 'e', 10, "", buf, 1);
    }
    if (c->y2.label) {
        n = ticks(&c->y2, t, 64);
        for (int k = 0; k < n; k++) {
            fmt_tick(buf, sizeof buf, t[k]);
            text_h(d, c->right + 4, eb_svg_py2(c, t[k]) + 3.5, 's', 10, " fill=\"#666\"", buf, 1);
        }
    }
    fprintf(f, "<rect class=\"eb-plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
               "fill=\"none\" stroke=\"#333\"/>\n",
            c->left, c->top, c->right - c->left, c->bottom - c->top);
    fprintf(f, "</g>\n");
}

void eb_svg_panel(eb_svg_doc *d, int i, eb_svg_chart *c, const char *subtitle, eb_svg_axis x,
                  eb_svg_axis y, const eb_svg_axis *y2)
{
    panel(d, i, c, subtitle, x, y, y2, NULL, 0);
}

void eb_svg_panel_bands(eb_svg_doc *d, int i, eb_svg_chart *c, const char *subtitle, eb_svg_axis x,
                        const char *y_label, const char *const *cats, int n_cats)
{
    panel(d, i, c, subtitle, x, (eb_svg_axis){0, n_cats > 0 ? n_cats : 1, 0, y_label}, NULL, cats,
          n_cats);
}

void eb_svg_doc_end(eb_svg_doc *d)
{
    fputs("</svg>\n", d->f);
    free(d->boxes);
    d->boxes = NULL;
    d->n_boxes = d->cap_boxes = 0;
}

void eb_svg_begin(eb_svg_chart *c, FILE *f, double width, double height, const char *title,
                  eb_svg_axis x, eb_svg_axis y, const eb_svg_axis *y2, int standalone)
{
    memset(c, 0, sizeof *c);
    eb_svg_doc_begin(&c->own, f, title, 1, 1, width, height - 30, NULL, 0, standalone);
    eb_svg_panel(&c->own, 0, c, NULL, x, y, y2);
    c->doc = &c->own;
}

void eb_svg_end(eb_svg_chart *c) { eb_svg_doc_end(c->doc); }

void eb_svg_line(eb_svg_chart *c, const double *x, const double *y, int n, const char *color,
                 double width, int dash, int on_y2)
{
    fprintf(c->f, "<polyline class=\"eb-series\" fill=\"none\" stroke=\"%s\" stroke-width=\"%g\"", color,
            width);
    if (dash)
        fprintf(c->f, " stroke-dasharray=\"%s\"", eb_svg_dash(dash));
    fputs(" points=\"", c->f);
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

void eb_svg_marker(eb_svg_chart *c, double x, double y, double r, int shape, const char *color,
                   const char *tooltip)
{
    if (!isfinite(x) || !isfinite(y))
        return;
    double px = eb_svg_px(c, x), py = eb_svg_py(c, y);
    marker_at(c->f, px, py, r, shape, color, "eb-point", tooltip);
    add_box(c->doc, (eb_svg_box){px - r * 1.2, py - r * 1.2, px + r * 1.2, py + r * 1.2});
}

void eb_svg_point(eb_svg_chart *c, double x, double y, double r, const char *color,
                  const char *tooltip)
{
    eb_svg_marker(c, x, y, r, 0, color, tooltip);
}

void eb_svg_bar(eb_svg_chart *c, double x0, double x1, double y0, double y1, const char *color,
                const char *tooltip)
{
    if (!isfinite(x0) || !isfinite(x1) || !isfinite(y0) || !isfinite(y1))
        return;
    double px0 = eb_svg_px(c, x0), px1 = eb_svg_px(c, x1);
    double py0 = eb_svg_py(c, y1), py1 = eb_svg_py(c, y0);
    if (px1 < px0) {
        double t = px0;
        px0 = px1;
        px1 = t;
    }
    fprintf(c->f, "<rect class=\"eb-bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                  "fill=\"%s\">",
            px0, py0, px1 - px0 > 0.5 ? px1 - px0 : 0.5, py1 - py0, color);
    if (tooltip && tooltip[0]) {
        fputs("<title>", c->f);
        eb_xml_text(c->f, tooltip);
        fputs("</title>", c->f);
    }
    fputs("</rect>\n", c->f);
}

void eb_svg_clip_mark(eb_svg_chart *c, double x, const char *tooltip)
{
    double px = eb_svg_px(c, x), py = c->top;
    fprintf(c->f, "<path class=\"eb-clip\" d=\"M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fz\" fill=\"#d62728\">",
            px, py - 1, px + 4, py + 6, px - 4, py + 6);
    if (tooltip) {
        fputs("<title>", c->f);
        eb_xml_text(c->f, tooltip);
        fputs("</title>", c->f);
    }
    fputs("</path>\n", c->f);
}

static int inside(const eb_svg_chart *c, eb_svg_box b)
{
    return b.x0 >= c->left + 1 && b.x1 <= c->right - 1 && b.y0 >= c->top + 1 && b.y1 <= c->bottom - 1;
}

int eb_svg_label(eb_svg_chart *c, double x, double y, double r, const char *text,
                 const char *color)
{
    if (!isfinite(x) || !isfinite(y))
        return 0;
    const double size = 10;
    double px = eb_svg_px(c, x), py = eb_svg_py(c, y);
    /* beside the point first (right, left, above, below), then the same
     * directions and the diagonals farther out, joined by a leader line */
    static const double dir[8][2] = {{1, 0}, {-1, 0}, {0, -1}, {0, 1},
                                     {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
    static const double dist[4] = {3, 12, 24, 40};
    for (int s = 0; s < 4; s++) {
        for (int k = 0; k < (s == 0 ? 4 : 8); k++) {
            double dx = dir[k][0], dy = dir[k][1], g = r + dist[s];
            char anchor = dx > 0 ? 's' : dx < 0 ? 'e' : 'm';
            double tx = px + dx * g, ty = py + dy * g + (dy < 0 ? 0 : dy > 0 ? size * ASCENT : size * 0.35);
            eb_svg_box b = eb_svg_text_box(tx, ty, anchor, size, text);
            if (!inside(c, b) || !is_free(c->doc, b))
                continue;
            if (s > 0) { /* leader line from the marker's edge to the label */
                double ex = anchor == 's' ? b.x0 : anchor == 'e' ? b.x1 : tx;
                double ey = dy < 0 ? b.y1 : dy > 0 ? b.y0 : ty - size * 0.35;
                double len = hypot(ex - px, ey - py);
                if (len > r)
                    fprintf(c->f, "<line class=\"eb-leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                                  "y2=\"%.1f\" stroke=\"#999\" stroke-width=\"0.7\"/>\n",
                            px + (ex - px) * r / len, py + (ey - py) * r / len, ex, ey);
            }
            char attrs[64];
            snprintf(attrs, sizeof attrs, " class=\"eb-label\" fill=\"%s\"", color);
            put_text(c->doc, tx, ty, anchor == 's' ? "start" : anchor == 'e' ? "end" : "middle", size,
                     attrs, 0, text, b);
            return 1;
        }
    }
    c->doc->dropped++;
    return 0;
}

void eb_svg_hline(eb_svg_chart *c, double y, const char *color, int dash, const char *label)
{
    double py = eb_svg_py(c, y);
    fprintf(c->f, "<line class=\"eb-series\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"2\"",
            c->left, py, c->right, py, color);
    if (dash)
        fprintf(c->f, " stroke-dasharray=\"%s\"", eb_svg_dash(dash));
    fputs("/>\n", c->f);
    const double size = 10;
    /* right end above, right end below, left end above, left end below */
    const struct {
        double x;
        char anchor;
        double y;
    } at[4] = {{c->right - 4, 'e', py - 4}, {c->right - 4, 'e', py + 4 + size * ASCENT},
               {c->left + 4, 's', py - 4}, {c->left + 4, 's', py + 4 + size * ASCENT}};
    char attrs[64];
    snprintf(attrs, sizeof attrs, " fill=\"%s\"", color);
    for (int k = 0; k < 4; k++) {
        eb_svg_box b = eb_svg_text_box(at[k].x, at[k].y, at[k].anchor, size, label);
        if (!inside(c, b) || !is_free(c->doc, b))
            continue;
        put_text(c->doc, at[k].x, at[k].y, at[k].anchor == 'e' ? "end" : "start", size, attrs, 0,
                 label, b);
        return;
    }
    c->doc->dropped++;
}
