/* Open-addressing hash map from borrowed C strings to ints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/name_map.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

int eb_name_map_init(eb_name_map *m, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 1)
        cap <<= 1;
    m->cap = cap;
    m->count = 0;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    if (!m->keys || !m->vals) {
        eb_name_map_free(m);
        return -1;
    }
    return 0;
}

void eb_name_map_free(eb_name_map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->count = 0;
}

int eb_name_map_get(const eb_name_map *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

static int grow(eb_name_map *m)
{
    eb_name_map bigger;
    if (eb_name_map_init(&bigger, m->cap) != 0)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            eb_name_map_put(&bigger, m->keys[i], m->vals[i]);
    eb_name_map_free(m);
    *m = bigger;
    return 0;
}

int eb_name_map_put(eb_name_map *m, const char *key, int val)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0) {
            m->vals[i] = val;
            return 0;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->count++;
    return 0;
}
