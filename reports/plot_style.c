/* Colours, markers and panels of the charts (plot_style.h). */
#include <stdlib.h>
#include <string.h>

#include "reports/plot_style.h"
#include "results/backend_label.h"

int eb_plot_name_index(eb_plot_names *names, const char *s)
{
    for (int i = 0; i < names->n; i++)
        if (strncmp(names->v[i], s, EB_PLOT_NAME - 1) == 0)
            return i;
    if (names->n == names->cap) {
        int cap = names->cap ? 2 * names->cap : 16;
        void *v = realloc(names->v, (size_t)cap * sizeof *names->v);
        if (!v)
            return -1;
        names->v = v;
        names->cap = cap;
    }
    snprintf(names->v[names->n], EB_PLOT_NAME, "%s", s);
    return names->n++;
}

void eb_plot_names_free(eb_plot_names *names)
{
    free(names->v);
    memset(names, 0, sizeof *names);
}

void eb_plot_backend_key(const eb_run_record *r, char *buf, size_t cap)
{
    char backend[EB_BACKEND_LABEL_MAX];
    eb_backend_label(r, backend, sizeof backend);
    size_t n = (size_t)snprintf(buf, cap, "%s", backend);
    /* the sweep point but for the condition's own parameters (those have
     * their panel or their axis) */
    for (const char *p = r->sweep; *p && n < cap;) {
        const char *semi = strchr(p, ';'), *eq = strchr(p, '=');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        char key[64];
        snprintf(key, sizeof key, "%.*s", eq && eq < p + len ? (int)(eq - p) : (int)len, p);
        if (!eb_condition_get(&r->cond, key))
            n += (size_t)snprintf(buf + n, cap - n, " %.*s", (int)len, p);
        p = semi ? semi + 1 : p + len;
    }
}

void eb_plot_panel_key(const eb_run_record *r, int with_device, int with_params, char *buf,
                       size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    if (with_device)
        n = (size_t)snprintf(buf, cap, "%s · ", r->device);
    if (n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "%s", r->condition);
    if (with_params && r->cond.n && n < cap) {
        n += (size_t)snprintf(buf + n, cap - n, " (");
        for (int k = 0; k < r->cond.n && n + 3 < cap; k++) {
            char v[EB_CONDITION_STR_MAX];
            eb_condition_value_text(&r->cond.params[k], v, sizeof v);
            int w = snprintf(buf + n, cap - n, "%s%s=%s", k ? ", " : "", r->cond.params[k].key, v);
            n += w > 0 ? (size_t)w : 0;
        }
        if (n + 2 <= cap)
            memcpy(buf + n, ")", 2);
        else
            buf[cap - 1] = '\0';
    }
}

int eb_plot_n_devices(const eb_cells *cs)
{
    int n = 0;
    for (size_t i = 0; i < cs->n; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(cs->cells[k].first->device, cs->cells[i].first->device) == 0;
        n += !seen;
    }
    return n;
}

int eb_plot_panels(const eb_cells *cs, const int *use, int with_params, eb_plot_names *panels,
                   int *panel_of)
{
    int with_device = eb_plot_n_devices(cs) > 1;
    char key[EB_PLOT_NAME];
    memset(panels, 0, sizeof *panels);
    for (size_t i = 0; i < cs->n; i++) {
        panel_of[i] = -1;
        if (use && !use[i])
            continue;
        eb_plot_panel_key(cs->cells[i].first, with_device, with_params, key, sizeof key);
        if ((panel_of[i] = eb_plot_name_index(panels, key)) < 0) {
            eb_plot_names_free(panels);
            return -1;
        }
    }
    return 0;
}

int eb_plot_styles_build(eb_plot_styles *s, const eb_cells *cs, const int *use)
{
    memset(s, 0, sizeof *s);
    char key[EB_PLOT_NAME];
    for (size_t i = 0; i < cs->n; i++) {
        if (use && !use[i])
            continue;
        eb_plot_backend_key(cs->cells[i].first, key, sizeof key);
        if (eb_plot_name_index(&s->backends, key) < 0 ||
            eb_plot_name_index(&s->variants, cs->cells[i].first->variant) < 0) {
            eb_plot_styles_free(s);
            return -1;
        }
    }
    return 0;
}

void eb_plot_styles_free(eb_plot_styles *s)
{
    eb_plot_names_free(&s->backends);
    eb_plot_names_free(&s->variants);
}

const char *eb_plot_color(eb_plot_styles *s, const eb_cell *c)
{
    char key[EB_PLOT_NAME];
    eb_plot_backend_key(c->first, key, sizeof key);
    return eb_svg_color(eb_plot_name_index(&s->backends, key));
}

int eb_plot_variant(eb_plot_styles *s, const eb_cell *c)
{
    int i = eb_plot_name_index(&s->variants, c->first->variant);
    return i < 0 ? 0 : i;
}

int eb_plot_styles_key(const eb_plot_styles *s, int markers, int lines, const eb_svg_key *extra,
                       int n_extra, eb_svg_key **keys)
{
    int n = s->backends.n + s->variants.n + n_extra;
    eb_svg_key *k = malloc((size_t)(n ? n : 1) * sizeof *k);
    if (!k)
        return -1;
    int m = 0;
    for (int i = 0; i < s->backends.n; i++)
        k[m++] = (eb_svg_key){eb_svg_color(i), -1, 0, s->backends.v[i]};
    for (int i = 0; i < s->variants.n; i++)
        k[m++] = (eb_svg_key){"#555555", markers ? i : -1, lines ? i : -1, s->variants.v[i]};
    for (int i = 0; i < n_extra; i++)
        k[m++] = extra[i];
    *keys = k;
    return m;
}
