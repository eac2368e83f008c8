/* err: see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void err_set(char *err, int err_len, const char *fmt, ...) {
    if (!err || err_len <= 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, (size_t)err_len, fmt, ap);
    va_end(ap);
}
