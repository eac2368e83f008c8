/* err: the engine's one error contract. A function that can fail returns bool (or
 * NULL / 0) and writes a human-readable reason into the caller's err[0..err_len);
 * err may be NULL (the reason is dropped). err_set is the one writer of it. */
#ifndef ERR_H
#define ERR_H

/* printf-style into err (truncated to err_len - 1 characters); no-op for NULL or err_len <= 0. */
void err_set(char *err, int err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
