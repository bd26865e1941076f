/* A string -> int map (open addressing) for tensor names while loading. */
#ifndef EB_NAME_MAP_H
#define EB_NAME_MAP_H

#include <stddef.h>

typedef struct eb_name_map {
    size_t cap;      /* power of two */
    size_t count;
    const char **keys; /* borrowed: the caller keeps the strings alive */
    int *vals;
} eb_name_map;

int eb_name_map_init(eb_name_map *m, size_t expected); /* 0 ok, -1 no memory */
void eb_name_map_free(eb_name_map *m);
/* Value for key, or -1. */
int eb_name_map_get(const eb_name_map *m, const char *key);
/* Insert or overwrite; 0 ok, -1 no memory. */
int eb_name_map_put(eb_name_map *m, const char *key, int val);

#endif
