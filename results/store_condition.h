/* A run's condition in the results file (schema 1.4, docs/results-schema.md):
 * the group /runs/<id>/condition with one attribute per parameter in its
 * type (float64, int64, string) and `kind`, next to the old text attribute
 * `condition_params` that readers before 1.4 read. Internal to results/. */
#ifndef EB_STORE_CONDITION_H
#define EB_STORE_CONDITION_H

#include <stddef.h>

#include <hdf5.h>

#include "harness/conditions/condition.h"

/* Write the typed group and the old text attribute into run group g.
 * 0 ok, -1 on an HDF5 failure. */
int eb_store__write_condition(hid_t g, const eb_condition *c);

/* Read the condition of run group g into c: the typed group when there is
 * one, else the old text attribute (kind "" then). A hostile file is
 * bounded: too many parameters, an over-long name or value, an attribute
 * of another type or shape: -1 with why. A missing text attribute (and no
 * group): 1. */
int eb_store__read_condition(hid_t g, eb_condition *c, char *why, size_t why_len);

#endif
