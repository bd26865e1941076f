/* A YAML document as a small tree of maps, lists and scalars, each node
 * keeping where it came from (line:column in the file, or which --set).
 *
 * Internal to scenarios/: the scenario code validates and reads this tree;
 * nothing outside the module sees it. The parser (scenario_parse.c) builds it
 * from libyaml events; yaml_tree.c holds the tree operations. */
#ifndef EB_YAML_TREE_H
#define EB_YAML_TREE_H

#include <stddef.h>

#include "edgebench/status.h"

typedef enum eb_ynode_type { EB_Y_SCALAR, EB_Y_MAP, EB_Y_SEQ } eb_ynode_type;

typedef struct eb_ynode eb_ynode;
struct eb_ynode {
    eb_ynode_type type;
    int src;            /* 0: the scenario file; k >= 1: the k-th --set argument */
    int line, col;      /* 1-based position of the value; 0 for --set values */
    size_t start, end;  /* byte range of the value in the file's text (src 0) */
    char *text;         /* scalar: its text (NUL-terminated, "" for an empty value) */
    int quoted;         /* scalar: quoted or tagged !!str, so never a number or null */
    char *key;          /* the key this node sits under in its parent map, else NULL */
    int key_line, key_col;
    size_t key_start;   /* byte offset of the key in the file's text (src 0) */
    int n, cap;         /* children (map entries in file order, or list items) */
    eb_ynode **kids;
};

/* Where a parse failed: libyaml's problem and its 1-based position. */
typedef struct eb_yaml_error {
    int line, col;
    char text[256];
} eb_yaml_error;

/* Parse one YAML document from text[0..len) into *root (NULL for an empty
 * document). Nodes get `src`. Anchors and aliases are expanded (copies);
 * keys must be scalars; nesting is limited to EB_YAML_MAX_DEPTH and the
 * tree to EB_YAML_MAX_NODES. On failure (EB_ERR_FORMAT, EB_ERR_NOMEM) *err
 * says why and where. Caller frees *root with eb_ynode_free. */
#define EB_YAML_MAX_DEPTH 64
#define EB_YAML_MAX_NODES 100000
eb_status eb_yaml_parse(const char *text, size_t len, int src, eb_ynode **root,
                        eb_yaml_error *err);

eb_ynode *eb_ynode_new(eb_ynode_type type, int src, int line, int col);
void eb_ynode_free(eb_ynode *n); /* NULL-safe, recursive */
/* Deep copy (positions kept); NULL when out of memory. */
eb_ynode *eb_ynode_copy(const eb_ynode *n);
/* Append kid to a map or list; -1 when out of memory (kid is then freed). */
int eb_ynode_append(eb_ynode *parent, eb_ynode *kid);
/* First entry of map n under key, or NULL (also when n is not a map). */
eb_ynode *eb_ynode_get(const eb_ynode *n, const char *key);

/* A plain scalar that YAML reads as null: "", "~", "null", "Null", "NULL". */
int eb_ynode_is_null(const eb_ynode *n);
/* Scalar text as a base-10 integer / finite number: 1 ok, 0 not that type,
 * -1 an integer outside int64 (ERANGE). Quoted scalars are never numbers. */
int eb_ynode_int(const eb_ynode *n, long long *v);
int eb_ynode_num(const eb_ynode *n, double *v);
/* What the node is, for "got ..." in messages: "a map", "a list", "null",
 * "integer 5", "number 0.5", "string 'abc'" (long strings shortened). */
const char *eb_ynode_describe(const eb_ynode *n, char *buf, size_t len);

#endif
