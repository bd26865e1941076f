/* Nearest-key suggestions for unknown keys, kinds and backend names. */
#include <ctype.h>
#include <string.h>

#include "common/key_suggest.h"

#define MAX_WORD 63

int eb_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > MAX_WORD || m > MAX_WORD)
        return MAX_WORD + 1;
    /* d[i][j]: distance between the first i chars of a and first j of b */
    int d[MAX_WORD + 1][MAX_WORD + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int cost = ca != cb;
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *eb_key_suggest(const char *word, const char *const *candidates, int n)
{
    const char *best = NULL;
    int best_d = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(candidates[i]);
        int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
        int d = eb_edit_distance(word, candidates[i]);
        if (d <= limit && (!best || d < best_d)) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
