/*
 * A line written into a buffer of fixed size, for the syslog line
 * (event_fmt.c) and the JSON lines (json.c), and through wbuf_printf()
 * for the text that is not on the packet path (path_fmt.c, metrics_fmt.c,
 * stats_fmt.c).
 *
 * Every event goes through here, on busy links hundreds of thousands a
 * second: a line is put together from pieces with memcpy() and a digit
 * loop rather than with snprintf(), which took more than half the time of
 * a line.  What does not fit is counted and not written, and the last
 * byte is kept for the NUL, so that wbuf_finish() leaves the very prefix
 * snprintf() would have left and tells that the line was cut.
 */
#ifndef RSTWATCH_WBUF_H
#define RSTWATCH_WBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;		/* bytes produced, written or not */
};

/* The 20 digits of UINT64_MAX and a NUL. */
#define WBUF_DEC_MAX	21

#define WBUF_INIT(buf, size)	{ (buf), (size), 0 }

char		*wbuf_dec(uint64_t, char *);
void		 wbuf_putu(struct wbuf *, uint64_t);
void		 wbuf_putu_width(struct wbuf *, uint64_t, unsigned);
void		 wbuf_puti(struct wbuf *, int);
/* snprintf()'s way, for lines off the packet path. */
void		 wbuf_printf(struct wbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 wbuf_finish(struct wbuf *);

/* Inline: these run for every byte or piece of every line. */
static inline void
wbuf_putc(struct wbuf *w, char c)
{
	if (w->len + 1 < w->size)
		w->buf[w->len] = c;
	w->len++;
}

/* Like n calls of wbuf_putc(): what fits before the NUL's byte is written. */
static inline void
wbuf_write(struct wbuf *w, const char *s, size_t n)
{
	size_t room;

	if (w->len + 1 < w->size) {
		room = w->size - 1 - w->len;
		memcpy(w->buf + w->len, s, n < room ? n : room);
	}
	w->len += n;
}

static inline void
wbuf_puts(struct wbuf *w, const char *s)
{
	wbuf_write(w, s, strlen(s));
}

#endif
