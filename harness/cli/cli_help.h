/* Every command's options in one table: `edgebench CMD --help` prints it,
 * and main() checks each command line against it before the command runs,
 * so a mistyped option is named ("unknown option '--ouput'; did you mean
 * '--output'?") instead of answered with a usage line. A command's own
 * parser still reads its arguments; an option it accepts must be listed
 * here (tests/cli/test_help.sh passes every listed option to its command). */
#ifndef EB_CLI_HELP_H
#define EB_CLI_HELP_H

#include <stdio.h>

typedef struct eb_cli_option {
    const char *name;  /* "--output" */
    const char *alias; /* "-o", or NULL */
    const char *value; /* "FILE" when the option takes a value, NULL for a flag */
    const char *help;  /* one line */
} eb_cli_option;

typedef struct eb_cli_command {
    const char *name;     /* "run" */
    const char *synopsis; /* "run SCENARIO.yaml [options]" */
    const char *summary;  /* one line: what the command does */
    const eb_cli_option *options; /* ends with {NULL} */
    const char *more;     /* a closing paragraph, or NULL */
} eb_cli_command;

/* The command named name, or NULL. */
const eb_cli_command *eb_cli_find_command(const char *name);

/* All commands, in the order `edgebench --help` lists them. */
const eb_cli_command *eb_cli_commands(int *n);

/* The full help of one command: synopsis, summary, every option. */
void eb_cli_print_help(FILE *f, const eb_cli_command *c);

/* 1 when argv (argv[0] is the command's name) asks for help: -h or --help
 * in an option position. */
int eb_cli_wants_help(const eb_cli_command *c, int argc, char **argv);

/* 0 when every option of argv is one of c's (an option's value is skipped;
 * "--" ends the options); else prints "edgebench CMD: unknown option 'X'"
 * with the nearest known option and returns 2 (bad usage). */
int eb_cli_check_options(const eb_cli_command *c, int argc, char **argv);

#endif
