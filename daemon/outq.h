/*
 * A bounded queue in front of one descriptor that is never waited on: a
 * pipe or socket (stream), a regular file, or a connected datagram socket.
 * What does not fit is counted as lost; the event loop only ever hears
 * "writable" from the kernel.
 */
#ifndef RSTWATCHD_OUTQ_H
#define RSTWATCHD_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bytes queued per output at most (records plus 4 bytes each): a second
 * or more of a burst of alerts, and bounded whatever the consumer does.
 */
#define OUTQ_LIMIT	(256 * 1024)
/* One record (a line or a datagram) at most; longer ones are lost. */
#define OUTQ_RECORD_MAX	8192

enum outq_kind {
	OUTQ_STREAM,	/* lines: a record may go out in several writes */
	OUTQ_DGRAM	/* datagrams: a record goes out whole or not at all */
};

/* What the owner hears about. */
enum outq_note {
	OUTQ_FAILING,	/* the first loss since writing last worked */
	OUTQ_RECOVERED	/* a record went out after losses: how many */
};

struct outq_counts {
	uint64_t	records;
	uint64_t	alerts;		/* of those, records pushed as alerts */
};

struct event_base;
struct event;
struct evbuffer;

struct outq {
	struct evbuffer	*buf;		/* [uint32 len << 1 | alert][bytes]... */
	struct event_base *base;	/* NULL: no loop, writes on each push */
	struct event	*wev;		/* EV_WRITE while the descriptor is full */
	struct event	*fev;		/* stream: the write after the callback */
	bool		 deferred;	/* fev is active */
	int		 fd;		/* -1: nowhere to write, pushes are lost */
	enum outq_kind	 kind;
	bool		 regular;	/* a regular file: never leave half a line */
	bool		 flushing;
	bool		 failing;	/* losses since writing last worked */
	int		 error;		/* the errno of the last loss, or 0 */
	size_t		 limit;
	size_t		 queued;	/* records in buf */
	size_t		 partial;	/* stream: bytes of the first record out */
	struct outq_counts sent;	/* delivered */
	struct outq_counts lost;	/* never delivered */
	struct outq_counts unreported;	/* lost since the last OUTQ_RECOVERED */
	/*
	 * Called on a hard error (not EAGAIN) of a datagram socket, which
	 * then cannot be written until the owner gives it a new descriptor.
	 */
	void		(*broken)(void *, int);
	void		(*note)(void *, enum outq_note, int,
			    const struct outq_counts *);
	void		*arg;
};

/* limit 0: OUTQ_LIMIT.  Returns -1 if out of memory. */
int	outq_init(struct outq *, enum outq_kind, size_t limit);
void	outq_free(struct outq *);
/*
 * A new descriptor (or -1): the queue is kept for a stream and sent on
 * the new one; fstat tells whether it is a regular file.
 */
void	outq_set_fd(struct outq *, int);
/* Waits for EV_WRITE in base from now on; NULL: not any more. */
int	outq_attach(struct outq *, struct event_base *);
/*
 * Queues one record and writes what it can at once (a stream in a loop:
 * when the current callback returns, with the others); false when the
 * record was lost (counted).  Never blocks.
 */
bool	outq_push(struct outq *, const void *, size_t, bool alert);
/* Writes what the descriptor takes now. */
void	outq_flush(struct outq *);
/*
 * Waits up to timeout_ms for the queue to go out, then counts what is
 * still queued as lost: for the end of the run.
 */
void	outq_drain(struct outq *, int timeout_ms);
size_t	outq_pending(const struct outq *);

#endif
