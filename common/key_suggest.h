/* "Did you mean ...?": the nearest word by edit distance. */
#ifndef EB_KEY_SUGGEST_H
#define EB_KEY_SUGGEST_H

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), ASCII case-insensitive: "itertions" -> "iterations" is 1,
 * "warmpu" -> "warmup" is 1. Words longer than 63 bytes compare as far. */
int eb_edit_distance(const char *a, const char *b);

/* The candidate nearest to word, or NULL when none is near enough to be a
 * plausible typo (distance at most 1 for candidates of up to 4 characters,
 * 2 up to 8, 3 beyond). Ties go to the earlier candidate. The result points
 * into candidates. */
const char *eb_key_suggest(const char *word, const char *const *candidates, int n);

#endif
