/*
 * Alert and flow record outputs.  The rules (enabled, severity, ignore)
 * are applied here, once, whatever the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "rules.h"
#include "sinks.h"
#include "syslog_sock.h"
#include "tally.h"
#include "timeunit.h"

/* Long enough for any event: the longest message is well under 300 bytes. */
#define LINE_MAX_BYTES	2048

static void	out_note(void *, enum outq_note, int, const struct outq_counts *);

static int
json_file_open(const char *path)
{
	int fd;

	/*
	 * O_APPEND: whole lines land at the end even if someone else
	 * appends; O_NONBLOCK changes nothing for a file but keeps a FIFO
	 * named here from stopping the daemon.
	 */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY, 0644);
	return fd;
}

static int
out_init(struct sink_out *o, const char *name)
{
	if (outq_init(&o->q, OUTQ_STREAM, 0) == -1) {
		log_warnx("out of memory for the %s queue", name);
		return -1;
	}
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->q.note = out_note;
	o->q.arg = o;
	o->on = true;
	return 0;
}

static void
out_free(struct sink_out *o)
{
	if (!o->on)
		return;
	outq_free(&o->q);
	o->on = false;
}

/* A stream output's losses: when they begin, and when they end. */
static void
out_note(void *arg, enum outq_note what, int err, const struct outq_counts *c)
{
	struct sink_out *o = arg;

	if (what == OUTQ_FAILING && err == ENOBUFS)
		log_warnx("%s: the reader does not keep up; lines that do not "
		    "fit in the %d KiB queue are counted", o->name,
		    OUTQ_LIMIT / 1024);
	else if (what == OUTQ_FAILING)
		log_warnx("%s: %s; lines that cannot be written are counted",
		    o->name, strerror(err));
	else
		log_loss("%llu lines could not be written to %s",
		    (unsigned long long)c->records, o->name);
}

/* -j in the daemon: standard output must not hold the capture up. */
static int
stdout_open(struct sinks *s)
{
	struct stat st;
	int fl;

	if (out_init(&s->out, "standard output") == -1)
		return -1;
	/*
	 * Only a pipe or a socket becomes non-blocking: that flag belongs to
	 * the open file, which a terminal shares with the shell.  A terminal
	 * or a file does not stall the way a stopped reader does.
	 */
	if (fstat(STDOUT_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
	    (fl = fcntl(STDOUT_FILENO, F_GETFL)) != -1)
		(void)fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
	outq_set_fd(&s->out.q, STDOUT_FILENO);
	return outq_attach(&s->out.q, s->base);
}

int
sinks_open(struct sinks *s, const struct conf *c, struct event_base *base,
    bool stdout_on, bool stdout_json)
{
	memset(s, 0, sizeof(*s));
	s->conf = c;
	s->base = base;
	s->offline = base == NULL;
	s->stdout_on = stdout_on;
	s->stdout_json = stdout_json;
	s->time_prefix = s->offline && stdout_on && !stdout_json;
	if (s->offline)
		return 0;
	if ((s->syslog = log_syslog()) != NULL &&
	    syslog_sock_attach(s->syslog, base) == -1) {
		log_warnx("cannot watch the syslog socket");
		return -1;
	}
	if (stdout_on && stdout_open(s) == -1)
		return -1;
	return 0;
}

/* Moves the JSON output to fd (or none), keeping what is queued. */
static void
json_switch(struct sinks *s, int fd, const char *path)
{
	int old = s->json.on ? s->json.q.fd : -1;

	if (fd != -1 && !s->json.on && out_init(&s->json, path) == -1) {
		close(fd);
		return;
	}
	if (s->json.on) {
		outq_flush(&s->json.q);
		outq_set_fd(&s->json.q, fd);
		outq_attach(&s->json.q, s->base);
		if (path != s->json.name)
			snprintf(s->json.name, sizeof(s->json.name), "%s", path);
	}
	if (old != -1)
		close(old);
	if (fd == -1)
		out_free(&s->json);
	if (path != s->json_path)
		snprintf(s->json_path, sizeof(s->json_path), "%s", path);
}

int
sinks_open_files(struct sinks *s)
{
	int fd;

	if (s->offline || s->conf->json_path[0] == '\0')
		return 0;
	if ((fd = json_file_open(s->conf->json_path)) == -1) {
		log_errx("output.json.path %s: %s; cannot start",
		    s->conf->json_path, strerror(errno));
		return -1;
	}
	json_switch(s, fd, s->conf->json_path);
	return s->json.on ? 0 : -1;
}

void
sinks_finish(struct sinks *s, int drain_ms)
{
	char losses[160];

	if (s->offline)
		return;
	if (s->out.on)
		outq_drain(&s->out.q, drain_ms);
	if (s->json.on)
		outq_drain(&s->json.q, drain_ms);
	if (s->syslog != NULL)
		outq_drain(&s->syslog->q, drain_ms);
	/* The statistics line says it too, in syslog; -f says it here. */
	if ((s->syslog != NULL && s->syslog->q.lost.alerts > 0) ||
	    (s->json.on && s->json.q.lost.records > 0) ||
	    (s->out.on && s->out.q.lost.records > 0)) {
		sinks_losses(s, losses, sizeof(losses));
		log_foreground("not delivered:%s", losses);
	}
}

void
sinks_close(struct sinks *s)
{
	if (s->syslog != NULL)
		syslog_sock_attach(s->syslog, NULL);
	s->syslog = NULL;
	if (s->json.on) {
		int fd = s->json.q.fd;

		outq_drain(&s->json.q, 0);
		out_free(&s->json);
		if (fd != -1)
			close(fd);
	}
	if (s->out.on) {
		outq_drain(&s->out.q, 0);
		out_free(&s->out);
	}
	if (s->offline && s->stdout_on)
		fflush(stdout);
}

int
sinks_reopen(struct sinks *s)
{
	int fd;

	if (s->offline || s->json_path[0] == '\0')
		return 0;
	if ((fd = json_file_open(s->json_path)) == -1) {
		log_errx("cannot reopen %s: %s; writing on to the file already "
		    "open", s->json_path, strerror(errno));
		return -1;
	}
	json_switch(s, fd, s->json_path);
	return 0;
}

int
sinks_reconfigure(struct sinks *s, const struct conf *c)
{
	int fd = -1;

	if (!s->offline && strcmp(c->json_path, s->json_path) != 0) {
		if (c->json_path[0] != '\0' &&
		    (fd = json_file_open(c->json_path)) == -1) {
			log_warn("%s", c->json_path);
			return -1;
		}
		json_switch(s, fd, c->json_path);
	}
	s->conf = c;
	return 0;
}

/* -r: standard output through stdio. */
static void
write_stdio(struct sinks *s, const char *prefix, const char *line)
{
	if ((prefix != NULL && (fputs(prefix, stdout) == EOF ||
	    putchar(' ') == EOF)) || fputs(line, stdout) == EOF ||
	    putchar('\n') == EOF)
		s->write_errors++;
}

/* A line and its newline, as one record. */
static void
push_line(struct sink_out *o, char *line, size_t size, bool alert)
{
	size_t n = strlen(line);

	if (n + 1 >= size)
		return;
	line[n] = '\n';
	outq_push(&o->q, line, n + 1, alert);
	line[n] = '\0';
}

static void
sinks_write_event(struct sinks *s, struct event *ev)
{
	char line[LINE_MAX_BYTES], ts[40];

	/* On "any", name the interface the packet really came in on. */
	if (ev->ifindex != 0 && ev->iface != NULL &&
	    strcmp(ev->iface, "any") == 0 &&
	    if_indextoname(ev->ifindex, s->ifname) != NULL)
		ev->iface = s->ifname;

	if (s->offline) {
		/* A capture file's alerts never go to syslog nor the JSON file. */
		s->alerts++;
		if (!s->stdout_json && event_format_text(ev, line,
		    sizeof(line)) >= 0)
			write_stdio(s, s->time_prefix && format_rfc3339(ev->ts_us,
			    ts, sizeof(ts)) >= 0 ? ts : NULL, line);
		if (s->stdout_json && event_format_json(ev, line,
		    sizeof(line)) >= 0)
			write_stdio(s, NULL, line);
		return;
	}
	if (s->syslog != NULL && s->conf->syslog_enabled &&
	    event_format_text(ev, line, sizeof(line)) >= 0) {
		syslog_sock_send(s->syslog, s->conf->syslog_facility |
		    (int)ev->severity, line, true);
		log_echo(line);
	}
	if (s->out.on && !s->stdout_json &&
	    event_format_text(ev, line, sizeof(line)) >= 0)
		push_line(&s->out, line, sizeof(line), true);
	if (((s->out.on && s->stdout_json) || s->json.on) &&
	    event_format_json(ev, line, sizeof(line)) >= 0) {
		if (s->out.on && s->stdout_json)
			push_line(&s->out, line, sizeof(line), true);
		if (s->json.on)
			push_line(&s->json, line, sizeof(line), true);
	}
}

void
sinks_event(void *ctx, const struct event *orig)
{
	struct sinks *s = ctx;
	struct event ev = *orig;

	if (!rules_admit(s->conf, &ev)) {
		s->filtered++;
		return;
	}
	if (s->cooldown != NULL && !cooldown_admit(s->cooldown, &ev,
	    usec_from_sec(s->conf->kinds[ev.kind].cooldown_s), ev.ts_us)) {
		if (s->tally != NULL)
			tally_event(s->tally, &ev, false);
		return;
	}
	if (s->evidence != NULL)
		s->evidence(s->evidence_ctx, &ev);
	if (s->tally != NULL)
		tally_event(s->tally, &ev, true);
	sinks_write_event(s, &ev);
}

void
sinks_summary(void *ctx, const struct event *orig)
{
	struct event ev = *orig;

	sinks_write_event(ctx, &ev);
}

void
sinks_flow(void *ctx, const struct flow_record *rec)
{
	struct sinks *s = ctx;
	char line[LINE_MAX_BYTES];

	if (!(s->offline && s->stdout_json) &&
	    !(s->out.on && s->stdout_json) && !s->json.on)
		return;
	if (!rules_admit_flow(s->conf, rec)) {
		s->filtered++;
		return;
	}
	if (s->offline) {
		if (flow_record_format_json(rec, line, sizeof(line)) >= 0)
			write_stdio(s, NULL, line);
		return;
	}
	if (flow_record_format_json(rec, line, sizeof(line)) < 0)
		return;
	if (s->out.on && s->stdout_json)
		push_line(&s->out, line, sizeof(line), false);
	if (s->json.on)
		push_line(&s->json, line, sizeof(line), false);
}

uint64_t
sinks_delivered(const struct sinks *s)
{
	if (s->offline)
		return s->alerts;
	if (s->syslog != NULL && s->conf->syslog_enabled)
		return s->syslog->q.sent.alerts;
	if (s->json.on)
		return s->json.q.sent.alerts;
	if (s->out.on)
		return s->out.q.sent.alerts;
	return 0;
}

void
sinks_losses(const struct sinks *s, char *buf, size_t size)
{
	int n = 0;

	buf[0] = '\0';
	if (s->offline)
		return;
	if (s->syslog != NULL && s->conf->syslog_enabled && n >= 0 &&
	    (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " syslog_lost=%llu",
		    (unsigned long long)s->syslog->q.lost.alerts);
	if (s->json.on && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " json_lost=%llu",
		    (unsigned long long)s->json.q.lost.records);
	if (s->out.on && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " stdout_lost=%llu",
		    (unsigned long long)s->out.q.lost.records);
}
