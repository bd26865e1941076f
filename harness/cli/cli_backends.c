/* edgebench backends: what can run here, which versions, which ops. */
#include <stdio.h>
#include <string.h>

#include "common/escape.h"
#include "harness/backend/registry.h"
#include "harness/cli/cli.h"

static void print_search_path(const eb_registry *r)
{
    printf("plugin directories, in search order:\n");
    for (int i = 0; i < r->n_dirs; i++)
        printf("  %s\n", r->dirs[i]);
}

static void print_text(const eb_registry *r)
{
    for (int i = 0; i < r->n; i++) {
        const eb_registry_entry *e = &r->entries[i];
        if (!e->loaded) {
            printf("%-12s not loaded  (%s)\n  %s\n", e->name, e->origin, e->why);
            continue;
        }
        const char *lib = (e->available && e->table.library_version) ? e->table.library_version()
                                                                     : "";
        printf("%-12s %-11s %s%s%s  (%s)\n", e->name, e->available ? "available" : "unavailable",
               e->table.version ? e->table.version : "?", lib && lib[0] ? ", library " : "",
               lib ? lib : "", e->origin);
        printf("  %s\n", e->table.description ? e->table.description : "");
        if (!e->available)
            printf("  why: %s\n", e->why);
        if (e->table.ops) {
            printf("  ops:");
            int col = 7;
            for (int k = 0; e->table.ops[k]; k++) {
                int w = (int)strlen(e->table.ops[k]) + 1;
                if (col + w > 100) {
                    printf("\n      ");
                    col = 7;
                }
                printf(" %s", e->table.ops[k]);
                col += w;
            }
            printf("\n");
        }
    }
}

static void print_json(const eb_registry *r)
{
    printf("[");
    for (int i = 0; i < r->n; i++) {
        const eb_registry_entry *e = &r->entries[i];
        printf("%s\n  {\"name\": ", i ? "," : "");
        eb_json_str(stdout, e->name);
        printf(", \"loaded\": %s, \"available\": %s, \"origin\": ", e->loaded ? "true" : "false",
               e->available ? "true" : "false");
        eb_json_str(stdout, e->origin);
        printf(", \"why\": ");
        eb_json_str(stdout, e->why);
        if (e->loaded) {
            printf(", \"version\": ");
            eb_json_str(stdout, e->table.version);
            printf(", \"library_version\": ");
            eb_json_str(stdout, (e->available && e->table.library_version)
                                    ? e->table.library_version()
                                    : "");
            printf(", \"description\": ");
            eb_json_str(stdout, e->table.description);
            printf(", \"ops\": [");
            for (int k = 0; e->table.ops && e->table.ops[k]; k++) {
                printf("%s", k ? ", " : "");
                eb_json_str(stdout, e->table.ops[k]);
            }
            printf("]");
        }
        printf("}");
    }
    printf("\n]\n");
}

int eb_cmd_backends(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") == 0)
                json = 1;
            else if (strcmp(f, "text") != 0) {
                fprintf(stderr, "edgebench backends: unknown format '%s' (text, json)\n", f);
                return EB_EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "usage: edgebench backends [--format text|json]\n");
            return EB_EXIT_USAGE;
        }
    }
    eb_registry *r;
    if (eb_registry_create(&r) != EB_OK) {
        fprintf(stderr, "edgebench backends: out of memory\n");
        return EB_EXIT_RUN;
    }
    if (json)
        print_json(r);
    else {
        print_text(r);
        print_search_path(r);
    }
    eb_registry_destroy(r);
    return EB_EXIT_OK;
}
