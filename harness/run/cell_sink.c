/* Forwarding a cell's extras to its sink (cell.h): used by everything that
 * measures inside a cell (the executor, accuracy, the hardware sampler). */
#include "harness/run/cell.h"

void eb_cell_metric(const eb_cell_sink *sink, const char *name, double value)
{
    if (sink && sink->metric)
        sink->metric(sink->arg, name, value);
}

void eb_cell_text(const eb_cell_sink *sink, const char *name, const char *value)
{
    if (sink && sink->text)
        sink->text(sink->arg, name, value);
}

void eb_cell_array(const eb_cell_sink *sink, const char *name, eb_array_type type, uint64_t rows,
                   uint64_t cols, const void *data)
{
    if (sink && sink->array)
        sink->array(sink->arg, name, type, rows, cols, data);
}

void eb_cell_array_nd(const eb_cell_sink *sink, const char *name, eb_array_type type, int rank,
                      const uint64_t *dims, const void *data)
{
    if (sink && sink->array_nd)
        sink->array_nd(sink->arg, name, type, rank, dims, data);
}
