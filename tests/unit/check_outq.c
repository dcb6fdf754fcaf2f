/*
 * The bounded output queue (daemon/outq.c): what the kernel does not take
 * waits, what does not fit is counted, loss and recovery are told once
 * each, and a regular file never keeps half a line.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_util.h"
#include "outq.h"

struct notes {
	int		 failing;
	int		 recovered;
	int		 err;
	struct outq_counts last;
};

static void
note(void *arg, enum outq_note what, int err, const struct outq_counts *c)
{
	struct notes *n = arg;

	if (what == OUTQ_FAILING) {
		n->failing++;
		n->err = err;
	} else {
		n->recovered++;
		n->last = *c;
	}
}

static void
setup(struct outq *q, enum outq_kind kind, size_t limit, int fd,
    struct notes *n)
{
	memset(n, 0, sizeof(*n));
	ck_assert_int_eq(outq_init(q, kind, limit), 0);
	q->note = note;
	q->arg = n;
	outq_set_fd(q, fd);
}

START_TEST(test_nowhere_counts_each_record_tells_once)
{
	struct outq q;
	struct notes n;

	setup(&q, OUTQ_STREAM, 0, -1, &n);
	ck_assert(!outq_push(&q, "a\n", 2, true));
	ck_assert(!outq_push(&q, "b\n", 2, false));
	ck_assert_uint_eq(q.lost.records, 2);
	ck_assert_uint_eq(q.lost.alerts, 1);
	ck_assert_int_eq(n.failing, 1);
	ck_assert_uint_eq(q.sent.records, 0);
	outq_free(&q);
}
END_TEST

/* A datagram socket whose reader does not read: kernel, queue, loss. */
START_TEST(test_dgram_stalled_reader)
{
	struct outq q;
	struct notes n;
	char msg[100], buf[200];
	int sv[2], pushed = 0, got = 0;
	size_t queued;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv),
	    0);
	memset(msg, 'x', sizeof(msg));
	setup(&q, OUTQ_DGRAM, 10 * (sizeof(msg) + 4), sv[0], &n);
	/* Until the kernel's queue is full, nothing waits in ours. */
	while (outq_pending(&q) == 0) {
		ck_assert(outq_push(&q, msg, sizeof(msg), true));
		pushed++;
		ck_assert_int_lt(pushed, 100000);
	}
	/* Ten records fit in the limit: the eleventh is lost. */
	while (outq_pending(&q) < 10) {
		ck_assert(outq_push(&q, msg, sizeof(msg), true));
		pushed++;
	}
	queued = outq_pending(&q);
	ck_assert(!outq_push(&q, msg, sizeof(msg), false));
	ck_assert(!outq_push(&q, msg, sizeof(msg), true));
	ck_assert_uint_eq(q.lost.records, 2);
	ck_assert_uint_eq(q.lost.alerts, 1);
	ck_assert_int_eq(n.failing, 1);
	ck_assert_int_eq(n.err, ENOBUFS);
	ck_assert_uint_eq(q.sent.records + queued, (uint64_t)pushed);
	ck_assert_int_eq(n.recovered, 0);

	/* The reader reads again: everything queued goes out, in order. */
	while (recv(sv[1], buf, sizeof(buf), 0) == (ssize_t)sizeof(msg))
		got++;
	outq_flush(&q);
	ck_assert_uint_eq(outq_pending(&q), 0);
	ck_assert_uint_eq(q.sent.records, (uint64_t)pushed);
	ck_assert_uint_eq(q.sent.alerts, (uint64_t)pushed);
	ck_assert_int_eq(n.recovered, 1);
	ck_assert_uint_eq(n.last.records, 2);
	ck_assert_uint_eq(n.last.alerts, 1);
	while (recv(sv[1], buf, sizeof(buf), 0) == (ssize_t)sizeof(msg))
		got++;
	ck_assert_int_eq(got, pushed);
	outq_free(&q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* A hard error on a datagram socket hands it back to the owner. */
static int broken_err;
static struct outq *broken_q;

static void
broken(void *arg, int err)
{
	(void)arg;
	broken_err = err;
	outq_set_fd(broken_q, -1);
}

START_TEST(test_dgram_peer_gone)
{
	struct outq q;
	struct notes n;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv),
	    0);
	setup(&q, OUTQ_DGRAM, 0, sv[0], &n);
	q.broken = broken;
	broken_q = &q;
	close(sv[1]);
	ck_assert(outq_push(&q, "gone", 4, true));
	ck_assert_int_ne(broken_err, 0);
	ck_assert_int_eq(q.fd, -1);
	ck_assert_uint_eq(q.lost.alerts, 1);
	ck_assert(!outq_push(&q, "later", 5, true));
	ck_assert_uint_eq(q.lost.alerts, 2);
	ck_assert_int_eq(n.failing, 1);
	outq_free(&q);
	close(sv[0]);
}
END_TEST

/* A datagram too big for the socket is lost; the socket stays. */
START_TEST(test_dgram_too_big_keeps_socket)
{
	static char big[OUTQ_RECORD_MAX];
	struct outq q;
	struct notes n;
	char buf[64];
	int sv[2], sz = 1024;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv),
	    0);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)), 0);
	setup(&q, OUTQ_DGRAM, 0, sv[0], &n);
	q.broken = broken;
	broken_q = &q;
	broken_err = 0;
	memset(big, 'b', sizeof(big));
	outq_push(&q, big, sizeof(big), true);
	ck_assert_uint_eq(q.lost.alerts, 1);
	ck_assert_int_eq(broken_err, 0);
	ck_assert_int_eq(q.fd, sv[0]);
	ck_assert(outq_push(&q, "small", 5, true));
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), 0), 5);
	ck_assert_uint_eq(q.sent.alerts, 1);
	outq_free(&q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/*
 * A new descriptor (syslog back after a restart) is watched in the same
 * loop: when it fills up, EV_WRITE is armed and the loop empties the queue.
 */
START_TEST(test_new_fd_same_loop)
{
	struct event_base *base = event_base_new();
	struct outq q;
	struct notes n;
	char msg[100], buf[200];
	int sv[2], pushed = 0, got = 0;

	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv),
	    0);
	setup(&q, OUTQ_DGRAM, 0, -1, &n);
	ck_assert_int_eq(outq_attach(&q, base), 0);
	outq_set_fd(&q, sv[0]);
	memset(msg, 'w', sizeof(msg));
	while (outq_pending(&q) < 3) {
		ck_assert(outq_push(&q, msg, sizeof(msg), false));
		pushed++;
		ck_assert_int_lt(pushed, 100000);
	}
	ck_assert_ptr_nonnull(q.wev);
	ck_assert(event_pending(q.wev, EV_WRITE, NULL));
	while (got < pushed) {
		while (recv(sv[1], buf, sizeof(buf), 0) == (ssize_t)sizeof(msg))
			got++;
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	ck_assert_uint_eq(outq_pending(&q), 0);
	ck_assert_uint_eq(q.sent.records, (uint64_t)pushed);
	outq_free(&q);
	event_base_free(base);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

static char *
slurp(const char *path, size_t *len)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	*len = (size_t)n;
	return buf;
}

/*
 * A file that cannot grow (RLIMIT_FSIZE stands in for a full disk: the
 * write is cut short, then fails): the half-written line is taken back.
 */
START_TEST(test_file_full_no_half_line)
{
	char path[] = "/tmp/check_outq.XXXXXX", *data;
	struct rlimit rl = { 100, RLIM_INFINITY };
	const char *line = "{\"n\":\"0123456789012345678\"}\n";	/* 28 bytes */
	struct outq q;
	struct notes n;
	size_t len;
	int fd;

	ck_assert_int_eq(strlen(line), 28);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_ge(fcntl(fd, F_SETFL, O_APPEND), 0);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	setup(&q, OUTQ_STREAM, 0, fd, &n);
	ck_assert(q.regular);
	for (int i = 0; i < 5; i++)
		outq_push(&q, line, 28, i % 2 == 0);
	/* Three lines (84 bytes) fit; the fourth began, then failed. */
	data = slurp(path, &len);
	ck_assert_uint_eq(len, 84);
	ck_assert_int_eq(data[len - 1], '\n');
	ck_assert_uint_eq(q.sent.records, 3);
	ck_assert_uint_eq(q.lost.records, 2);
	ck_assert_uint_eq(q.lost.alerts, 1);	/* the fifth */
	ck_assert_int_eq(n.failing, 1);
	ck_assert_int_eq(n.err, EFBIG);
	ck_assert_uint_eq(outq_pending(&q), 0);

	/* Space again: the next line goes out whole, the loss is told. */
	rl.rlim_cur = RLIM_INFINITY;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert(outq_push(&q, line, 28, true));
	data = slurp(path, &len);
	ck_assert_uint_eq(len, 112);
	ck_assert_int_eq(memcmp(data + 84, line, 28), 0);
	ck_assert_int_eq(n.recovered, 1);
	ck_assert_uint_eq(n.last.records, 2);
	ck_assert_uint_eq(q.sent.alerts, 3);
	outq_free(&q);
	close(fd);
	unlink(path);
}
END_TEST

/* A pipe whose reader is slow: lines wait, overflow is counted, none is cut. */
START_TEST(test_pipe_slow_reader_whole_lines)
{
	char line[300], buf[65536];
	struct outq q;
	struct notes n;
	int p[2], pushed = 0;
	size_t total = 0;
	ssize_t r;

	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	memset(line, 'y', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	setup(&q, OUTQ_STREAM, 8 * (sizeof(line) + 4), p[1], &n);
	while (q.lost.records == 0) {
		outq_push(&q, line, sizeof(line), false);
		pushed++;
		ck_assert_int_lt(pushed, 100000);
	}
	ck_assert_uint_eq(outq_pending(&q), 8);
	ck_assert_int_eq(n.failing, 1);
	for (;;) {
		while ((r = read(p[0], buf, sizeof(buf))) > 0)
			total += (size_t)r;
		if (outq_pending(&q) == 0)
			break;
		outq_flush(&q);
	}
	ck_assert_uint_eq(total % sizeof(line), 0);
	ck_assert_uint_eq(total / sizeof(line), (size_t)pushed - 1);
	ck_assert_uint_eq(q.sent.records, (uint64_t)pushed - 1);
	ck_assert_int_eq(n.recovered, 1);
	outq_free(&q);
	close(p[0]);
	close(p[1]);
}
END_TEST

/*
 * In a loop, a stream's lines wait for the pushing callback to return and
 * then go out together, in order, counted as sent (alerts apart).
 */
START_TEST(test_stream_in_loop_after_the_callback)
{
	struct event_base *base = event_base_new();
	struct outq q;
	struct notes n;
	char buf[64];
	int p[2];

	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	setup(&q, OUTQ_STREAM, 0, p[1], &n);
	ck_assert_int_eq(outq_attach(&q, base), 0);
	ck_assert(outq_push(&q, "one\n", 4, true));
	ck_assert(outq_push(&q, "two\n", 4, false));
	ck_assert(outq_push(&q, "three\n", 6, true));
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), -1);
	ck_assert_uint_eq(outq_pending(&q), 3);
	event_base_loop(base, EVLOOP_NONBLOCK);
	ck_assert_uint_eq(outq_pending(&q), 0);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 14);
	ck_assert_int_eq(memcmp(buf, "one\ntwo\nthree\n", 14), 0);
	ck_assert_uint_eq(q.sent.records, 3);
	ck_assert_uint_eq(q.sent.alerts, 2);
	outq_free(&q);
	event_base_free(base);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* At the end of the run, what did not go out is counted, not kept. */
START_TEST(test_drain_counts_the_rest)
{
	struct outq q;
	struct notes n;
	char msg[64];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv),
	    0);
	memset(msg, 'z', sizeof(msg));
	setup(&q, OUTQ_DGRAM, 0, sv[0], &n);
	while (outq_pending(&q) < 5)
		outq_push(&q, msg, sizeof(msg), true);
	outq_drain(&q, 50);
	ck_assert_uint_eq(outq_pending(&q), 0);
	ck_assert_uint_eq(q.lost.alerts, 5);
	outq_free(&q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("outq");
	TCase *tc = tcase_create("outq");

	tcase_add_test(tc, test_nowhere_counts_each_record_tells_once);
	tcase_add_test(tc, test_dgram_stalled_reader);
	tcase_add_test(tc, test_dgram_peer_gone);
	tcase_add_test(tc, test_dgram_too_big_keeps_socket);
	tcase_add_test(tc, test_new_fd_same_loop);
	tcase_add_test(tc, test_file_full_no_half_line);
	tcase_add_test(tc, test_pipe_slow_reader_whole_lines);
	tcase_add_test(tc, test_drain_counts_the_rest);
	tcase_add_test(tc, test_stream_in_loop_after_the_callback);
	suite_add_tcase(s, tc);
	return util_run(s);
}
