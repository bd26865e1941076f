/* Text that is exactly a number: device descriptions are key -> text, and
 * the numbers among them (cores, bytes, MHz, GFLOP/s) are stored as HDF5
 * numbers so pandas/h5py users get numbers; storing one must lose nothing,
 * so only text that the number prints back to, character for character,
 * counts as a number. */
#ifndef EB_NUMBER_TEXT_H
#define EB_NUMBER_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef enum { EB_NUMTEXT_NONE = 0, EB_NUMTEXT_INT, EB_NUMTEXT_REAL } eb_numtext_kind;

/* EB_NUMTEXT_INT with *i for a canonical int64 ("0", "-12"; no '+', no
 * leading zeros, no "-0"); EB_NUMTEXT_REAL with *d for a finite double whose
 * shortest round-trip form ("%.{1..17}g") is exactly the text ("86.1",
 * "0.25", "1e+300"); otherwise EB_NUMTEXT_NONE ("2.0", "0x10", "8 GiB"). */
eb_numtext_kind eb_number_text_parse(const char *s, int64_t *i, double *d);

/* The shortest "%.{p}g" of d that reads back as d. Returns buf. */
const char *eb_number_text_real(double d, char *buf, size_t len);

#endif
