/* The list of report formats: one table read by the CLI (--format values
 * and help), by eb_render_by_name and by the tests. */
#include <string.h>

#include "reports/render.h"

static const eb_renderer renderers[] = {
    {.name = "text", .description = "aligned table for terminals", .render = eb_render_text},
    {.name = "md", .description = "GitHub Markdown table", .render = eb_render_md},
    {.name = "json", .description = "JSON document (edgebench-report, version 1)", .render = eb_render_json},
    {.name = "csv", .description = "CSV, RFC 4180, one row per run", .render = eb_render_csv},
    {.name = "variants", .description = "Markdown: compression variants side by side per backend and condition", .render = eb_render_variants},
    {.name = "html", .description = "one self-contained HTML file with SVG charts", .render = eb_render_html},
};

const eb_renderer *eb_renderers(int *count)
{
    *count = (int)(sizeof renderers / sizeof renderers[0]);
    return renderers;
}

eb_render_fn eb_render_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
        if (strcmp(renderers[i].name, name) == 0)
            return renderers[i].render;
    return NULL;
}
