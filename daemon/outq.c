/*
 * Bounded output queues.  Each record is queued with a 4-byte header (its
 * length, and whether it is an alert, so that delivered alerts can be
 * told from the rest) in a libevent evbuffer; the descriptor is written
 * without ever waiting: EAGAIN arms EV_WRITE, a hard error counts the
 * record as lost.  Lines written to a regular file are whole or absent:
 * when the file system fills up in the middle of one, the file is cut back
 * to where that line began.
 *
 * In a loop, the lines of a stream are written once the callback that
 * pushed them returns, together (writev): a read of live capture can
 * conclude hundreds of flows, and a write per line was a tenth of the
 * daemon's CPU time under load.  They still leave within the callback's
 * loop iteration, microseconds later.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "outq.h"
#include "timeunit.h"

#define HDR	4
/* Records, and bytes, that one writev() of a stream takes at most. */
#define GATHER_RECORDS	64
#define GATHER_BYTES	(64 * 1024)

static void	outq_writable(evutil_socket_t, short, void *);
static void	outq_deferred(evutil_socket_t, short, void *);
static void	lose(struct outq *, bool alert, int err);
static void	drop_head(struct outq *, int err);
static void	drop_all(struct outq *, int err);
static void	cut_partial(struct outq *);
static void	unwatch(struct outq *);

int
outq_init(struct outq *q, enum outq_kind kind, size_t limit)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->kind = kind;
	q->limit = limit != 0 ? limit : OUTQ_LIMIT;
	if ((q->buf = evbuffer_new()) == NULL)
		return -1;
	return 0;
}

void
outq_free(struct outq *q)
{
	outq_attach(q, NULL);
	if (q->buf != NULL)
		evbuffer_free(q->buf);
	q->buf = NULL;
}

size_t
outq_pending(const struct outq *q)
{
	return q->queued;
}

/* No event of the loop's left watching the queue. */
static void
unwatch(struct outq *q)
{
	if (q->wev != NULL)
		event_free(q->wev);
	if (q->fev != NULL)
		event_free(q->fev);
	q->wev = q->fev = NULL;
	q->deferred = false;
}

int
outq_attach(struct outq *q, struct event_base *base)
{
	unwatch(q);
	q->base = base;
	if (base == NULL)
		return 0;
	if (q->kind == OUTQ_STREAM && (q->fev = event_new(base, -1, 0,
	    outq_deferred, q)) == NULL)
		return -1;
	if (q->fd == -1)
		return 0;
	q->wev = event_new(base, q->fd, EV_WRITE, outq_writable, q);
	if (q->wev == NULL)
		return -1;
	if (q->queued > 0)
		event_add(q->wev, NULL);
	return 0;
}

void
outq_set_fd(struct outq *q, int fd)
{
	struct stat st;

	/*
	 * A line begun in the old file is taken back there and sent whole to
	 * the new one; a datagram socket's queue was meant for that socket.
	 */
	if (q->partial > 0)
		cut_partial(q);
	if (q->kind == OUTQ_DGRAM || fd == -1)
		drop_all(q, q->error != 0 ? q->error : ENOTCONN);
	unwatch(q);
	q->fd = fd;
	q->regular = fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	/* The new descriptor is watched in the same loop (a reconnection). */
	if (q->base != NULL)
		outq_attach(q, q->base);
}

/* Counts one record as lost; the first loss of a run is told. */
static void
lose(struct outq *q, bool alert, int err)
{
	q->lost.records++;
	q->unreported.records++;
	if (alert) {
		q->lost.alerts++;
		q->unreported.alerts++;
	}
	q->error = err;
	if (!q->failing) {
		q->failing = true;
		if (q->note != NULL)
			q->note(q->arg, OUTQ_FAILING, err, &q->unreported);
	}
}

static uint32_t
head(struct outq *q)
{
	uint32_t h;

	evbuffer_copyout(q->buf, &h, HDR);
	return h;
}

static void
drop_head(struct outq *q, int err)
{
	uint32_t h = head(q);

	evbuffer_drain(q->buf, HDR + (h >> 1));
	q->queued--;
	q->partial = 0;
	lose(q, h & 1, err);
}

static void
drop_all(struct outq *q, int err)
{
	while (q->queued > 0)
		drop_head(q, err);
}

/*
 * Takes back the start of a line that could not be finished: a reader of
 * the file (tail -f, a log shipper) must never see half a record, nor half
 * of one glued to the next once space returns.
 */
static void
cut_partial(struct outq *q)
{
	off_t end;

	if (!q->regular || q->partial == 0 || q->fd == -1)
		return;
	/* If even that fails, nothing else could mend the file. */
	if ((end = lseek(q->fd, 0, SEEK_END)) >= (off_t)q->partial &&
	    ftruncate(q->fd, end - (off_t)q->partial) == -1)
		q->error = errno;
	q->partial = 0;
}

bool
outq_push(struct outq *q, const void *data, size_t len, bool alert)
{
	uint32_t h = (uint32_t)len << 1 | (alert ? 1 : 0);

	/*
	 * Full while waiting for EV_WRITE: the reader may have made room
	 * since (it runs beside us), so one more try before counting a loss.
	 */
	if (q->fd != -1 && evbuffer_get_length(q->buf) + HDR + len > q->limit)
		outq_flush(q);
	if (q->fd == -1 || len > OUTQ_RECORD_MAX ||
	    evbuffer_get_length(q->buf) + HDR + len > q->limit) {
		lose(q, alert, q->fd == -1 ? (q->error != 0 ? q->error :
		    ENOTCONN) : ENOBUFS);
		return false;
	}
	if (evbuffer_add(q->buf, &h, HDR) == -1 ||
	    evbuffer_add(q->buf, data, len) == -1) {
		lose(q, alert, ENOMEM);
		return false;
	}
	q->queued++;
	/* Behind records that wait for EV_WRITE: in order, later. */
	if (q->wev != NULL && event_pending(q->wev, EV_WRITE, NULL))
		return true;
	if (q->fev == NULL)
		outq_flush(q);
	else if (!q->deferred) {
		/* With the rest of this callback's lines, in one write. */
		q->deferred = true;
		event_active(q->fev, EV_TIMEOUT, 0);
	}
	return true;
}

/*
 * A stream's first records, as many as one writev() takes: 1 when bytes
 * went out, 0 try later, -1 the first record lost.
 */
static int
write_stream(struct outq *q)
{
	struct iovec iov[GATHER_RECORDS];
	uint32_t h[GATHER_RECORDS], len;
	size_t have = evbuffer_get_length(q->buf), off = 0, i, nrec = 0;
	const unsigned char *p;
	ssize_t n;

	if (have > GATHER_BYTES)
		have = GATHER_BYTES;
	/* The first record fits in any case: OUTQ_RECORD_MAX is smaller. */
	if ((p = evbuffer_pullup(q->buf, (ev_ssize_t)have)) == NULL)
		return 0;
	while (nrec < GATHER_RECORDS && nrec < q->queued &&
	    off + HDR <= have) {
		memcpy(&h[nrec], p + off, HDR);
		if (off + HDR + (h[nrec] >> 1) > have)
			break;
		iov[nrec].iov_base = (void *)(uintptr_t)(p + off + HDR);
		iov[nrec].iov_len = h[nrec] >> 1;
		off += HDR + (h[nrec] >> 1);
		nrec++;
	}
	if (nrec == 0)
		return 0;
	iov[0].iov_base = (char *)iov[0].iov_base + q->partial;
	iov[0].iov_len -= q->partial;
	do
		n = writev(q->fd, iov, (int)nrec);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		if (q->wev != NULL)
			event_add(q->wev, NULL);
		return 0;
	}
	if (n == -1) {
		cut_partial(q);
		drop_head(q, errno);
		return -1;
	}
	for (i = 0; i < nrec; i++) {
		len = h[i] >> 1;
		if ((size_t)n < len - q->partial) {
			q->partial += (size_t)n;
			break;
		}
		n -= (ssize_t)(len - q->partial);
		evbuffer_drain(q->buf, HDR + len);
		q->queued--;
		q->partial = 0;
		q->sent.records++;
		if (h[i] & 1)
			q->sent.alerts++;
	}
	return 1;
}

/* One attempt at the first record: 1 gone, 0 try later, -1 lost. */
static int
write_head(struct outq *q)
{
	uint32_t h = head(q), len = h >> 1;
	const unsigned char *p;
	ssize_t n;

	if ((p = evbuffer_pullup(q->buf, HDR + len)) == NULL)
		return 0;
	p += HDR;
	do {
		if (q->kind == OUTQ_DGRAM)
			n = send(q->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(q->fd, p + q->partial, len - q->partial);
	} while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		if (q->wev != NULL)
			event_add(q->wev, NULL);
		return 0;
	}
	if (n == -1) {
		int err = errno;

		cut_partial(q);
		drop_head(q, err);
		/* Too big, or short of memory: this datagram, not the socket. */
		if (q->kind == OUTQ_DGRAM && q->broken != NULL &&
		    err != EMSGSIZE && err != ENOBUFS && err != ENOMEM)
			q->broken(q->arg, err);
		return -1;
	}
	if (q->kind == OUTQ_STREAM && q->partial + (size_t)n < len) {
		q->partial += (size_t)n;
		return 1;
	}
	evbuffer_drain(q->buf, HDR + len);
	q->queued--;
	q->partial = 0;
	q->sent.records++;
	if (h & 1)
		q->sent.alerts++;
	return 1;
}

void
outq_flush(struct outq *q)
{
	int rc;

	if (q->flushing)
		return;
	q->flushing = true;
	while (q->queued > 0 && q->fd != -1) {
		rc = q->kind == OUTQ_STREAM ? write_stream(q) : write_head(q);
		if (rc == 0)
			break;
		/*
		 * Writing works again: say how much was lost meanwhile.  The
		 * owner may push its report here; it goes out in this loop.
		 */
		if (rc == 1 && q->failing && q->partial == 0) {
			struct outq_counts u = q->unreported;

			q->failing = false;
			q->error = 0;
			memset(&q->unreported, 0, sizeof(q->unreported));
			if (q->note != NULL && u.records > 0)
				q->note(q->arg, OUTQ_RECOVERED, 0, &u);
		}
	}
	q->flushing = false;
}

static void
outq_deferred(evutil_socket_t fd, short what, void *arg)
{
	struct outq *q = arg;

	(void)fd;
	(void)what;
	q->deferred = false;
	outq_flush(q);
}

static void
outq_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	outq_flush(arg);
}

static long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)((uint64_t)ts.tv_sec * MSEC_PER_SEC +
	    (uint64_t)ts.tv_nsec / NSEC_PER_MSEC);
}

void
outq_drain(struct outq *q, int timeout_ms)
{
	long end = ms_now() + timeout_ms, left;
	struct pollfd pfd;

	outq_flush(q);
	while (q->queued > 0 && q->fd != -1 && (left = end - ms_now()) > 0) {
		pfd.fd = q->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)left) <= 0)
			break;
		outq_flush(q);
	}
	cut_partial(q);
	drop_all(q, ETIMEDOUT);
}
