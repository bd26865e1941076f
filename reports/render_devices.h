/* The "by device" section of text and Markdown reports: when the runs of a
 * report come from more than one device (a farm or merged file), one row
 * per cell (every field of results/cell_key.h but the device: repetitions
 * pool) and one column per device (sorted by id), holding the p50 latency
 * and its ratio to the first device's. Internal to reports/render_*.c. */
#ifndef EB_RENDER_DEVICES_H
#define EB_RENDER_DEVICES_H

#include <stdio.h>

#include "reports/render_internal.h"

/* Number of distinct device ids in runs[0..n). */
int eb_render__n_devices(const eb_run_record *runs, int n);

enum { EB_RENDER__TEXT = 0, EB_RENDER__MD = 1, EB_RENDER__HTML = 2 };

/* Write the section (nothing when the runs come from fewer than two
 * devices). markdown: EB_RENDER__MD a GitHub table, EB_RENDER__HTML an
 * HTML table under an <h2 id="by_device">, else aligned text. Where a
 * device ran the same cell more than once (repetitions, or same-keyed runs
 * of merged files) the cell shows the median of their p50s and "[n runs]".
 * Returns 0, or -1 when out of memory. */
int eb_render__by_device(FILE *f, const eb_run_record *runs, int n, const eb_render__unit *u,
                         int markdown);

#endif
