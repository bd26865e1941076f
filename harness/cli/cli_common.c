/* Small helpers shared by the subcommands. */
#include "cli/cli.h"
#include "edgebench/status.h"

int eb_exit_for_status(int status)
{
    switch (status) {
    case EB_OK: return EB_EXIT_OK;
    case EB_ERR_BACKEND:
    case EB_ERR_NOMEM:
    case EB_ERR_INTERRUPTED:
    case EB_ERR_TIMEOUT: return EB_EXIT_RUN;
    default: return EB_EXIT_USAGE; /* the input was bad or unusable */
    }
}

void eb_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}
