/* Lookup in a delegate's op table (delegate_op_table.h). */
#include <string.h>

#include "backends/delegate/delegate_op_table.h"

static const char *name_at(const void *table, size_t i, size_t stride)
{
    const char *op;
    memcpy(&op, (const char *)table + i * stride, sizeof op);
    return op;
}

const void *eb_delegate_op_find(const void *table, size_t n, size_t stride, const char *op)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name_at(table, i, stride), op) == 0)
            return (const char *)table + i * stride;
    return NULL;
}

void eb_delegate_op_names(const void *table, size_t n, size_t stride, const char **names)
{
    for (size_t i = 0; i < n; i++)
        names[i] = name_at(table, i, stride);
    names[n] = NULL;
}
