/* Lookup in a delegate's op table (xnn_op_table.c, dnnl_op_table.c). Each
 * delegate has its own entry type (its checks and emitters take its own
 * builder), so these take the table as bytes: entries of `stride` bytes
 * whose first member is the op name (`const char *op`). */
#ifndef EB_DELEGATE_OP_TABLE_H
#define EB_DELEGATE_OP_TABLE_H

#include <stddef.h>

/* The entry named `op`, or NULL. */
const void *eb_delegate_op_find(const void *table, size_t n, size_t stride, const char *op);

/* names[0..n) = the entries' op names, names[n] = NULL (a backend's `ops`). */
void eb_delegate_op_names(const void *table, size_t n, size_t stride, const char **names);

#endif
