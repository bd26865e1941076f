/* The SDK's resolvers (window.c, slice.c, reduce.c) report a bad node as
 * "<graph path>: node '<name>' (<op>): <what>" and return EB_ERR_SHAPE;
 * the caller's variables g, n, msg and msg_len are in scope. Private to
 * sdk/. */
#ifndef EB_SDK_FAIL_H
#define EB_SDK_FAIL_H

#include <stdio.h>

#define EB_SDK_FAIL(...)                                                                \
    do {                                                                                \
        int off_ = snprintf(msg, msg_len, "%s: node '%s' (%s): ", g->path, n->name,     \
                            n->op_type);                                                \
        if (off_ > 0 && (size_t)off_ < msg_len)                                         \
            snprintf(msg + off_, msg_len - (size_t)off_, __VA_ARGS__);                  \
        return EB_ERR_SHAPE;                                                            \
    } while (0)

#endif
