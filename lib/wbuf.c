/*
 * The out-of-line part of the line writer (wbuf.h): numbers, and the end
 * of a line.  The bytes are those snprintf() writes for "%" PRIu64, "%0*"
 * PRIu64 and "%d", truncation included.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "wbuf.h"

/*
 * v in decimal, NUL-terminated, at the end of d (WBUF_DEC_MAX bytes): the
 * digits come out last first.  Returns where they start.
 */
char *
wbuf_dec(uint64_t v, char *d)
{
	char *p = d + WBUF_DEC_MAX - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

/* Decimal without leading zeros. */
void
wbuf_putu(struct wbuf *w, uint64_t v)
{
	char d[WBUF_DEC_MAX];
	const char *s = wbuf_dec(v, d);

	wbuf_write(w, s, (size_t)(d + WBUF_DEC_MAX - 1 - s));
}

/* Decimal, zero-padded to at least width digits (at most 20). */
void
wbuf_putu_width(struct wbuf *w, uint64_t v, unsigned width)
{
	char d[WBUF_DEC_MAX];
	char *end = d + WBUF_DEC_MAX - 1, *p = wbuf_dec(v, d);

	if (width > WBUF_DEC_MAX - 1)
		width = WBUF_DEC_MAX - 1;
	while ((size_t)(end - p) < width)
		*--p = '0';
	wbuf_write(w, p, (size_t)(end - p));
}

/* INT_MIN's magnitude fits a uint64_t. */
void
wbuf_puti(struct wbuf *w, int v)
{
	if (v < 0) {
		wbuf_putc(w, '-');
		wbuf_putu(w, (uint64_t)-(int64_t)v);
	} else
		wbuf_putu(w, (uint64_t)v);
}

void
wbuf_printf(struct wbuf *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->len < w->size ? w->buf + w->len : NULL,
	    w->len < w->size ? w->size - w->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->len += (size_t)n;
}

/*
 * NUL-terminates the line: its length, or -1 when it was cut (the buffer
 * then holds the prefix that fitted) or is longer than an int can say.
 */
int
wbuf_finish(struct wbuf *w)
{
	if (w->size == 0)
		return -1;
	if (w->len >= w->size || w->len > INT_MAX) {
		w->buf[w->size - 1] = '\0';
		return -1;
	}
	w->buf[w->len] = '\0';
	return (int)w->len;
}
