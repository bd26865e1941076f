/* The HTML report's per-node profile tables (html_profile.c), written
 * below the op-profile chart. Internal to reports/. */
#ifndef EB_HTML_PROFILE_H
#define EB_HTML_PROFILE_H

#include <stdio.h>

#include "reports/compare_cells.h"

/* 0, or -1 on a write error or out of memory. Writes nothing when no cell
 * asked for a profile. */
int eb_html__profile_tables(FILE *f, const eb_cells *cs);

#endif
