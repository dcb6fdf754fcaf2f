/*
 * Alert and flow record outputs.  The rules (enabled, severity, ignore)
 * are applied here, once, whatever the output.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "rules.h"
#include "sink.h"

/* Long enough for any event: the longest message is well under 300 bytes. */
#define LINE_MAX_BYTES	2048

static FILE *
json_file_open(const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "ae")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	/* One object per line, whole, so that tail -f never sees half of one. */
	setvbuf(fp, NULL, _IOLBF, 0);
	return fp;
}

int
sinks_open(struct sinks *s, const struct conf *c, bool stdout_on,
    bool stdout_json)
{
	memset(s, 0, sizeof(*s));
	s->conf = c;
	s->stdout_on = stdout_on;
	s->stdout_json = stdout_json;
	s->time_prefix = stdout_on && !stdout_json;
	if (c->json_path[0] != '\0') {
		snprintf(s->json_path, sizeof(s->json_path), "%s", c->json_path);
		if ((s->json_fp = json_file_open(s->json_path)) == NULL)
			return -1;
	}
	return 0;
}

void
sinks_close(struct sinks *s)
{
	if (s->json_fp != NULL)
		fclose(s->json_fp);
	s->json_fp = NULL;
	if (s->stdout_on)
		fflush(stdout);
}

int
sinks_reopen(struct sinks *s)
{
	FILE *fp;

	if (s->json_path[0] == '\0')
		return 0;
	if ((fp = json_file_open(s->json_path)) == NULL)
		return -1;
	if (s->json_fp != NULL)
		fclose(s->json_fp);
	s->json_fp = fp;
	return 0;
}

static void
write_line(struct sinks *s, FILE *fp, const char *line)
{
	if (fputs(line, fp) == EOF || putc('\n', fp) == EOF)
		s->write_errors++;
}

static void
sinks_write_event(struct sinks *s, struct event *ev)
{
	char line[LINE_MAX_BYTES], ts[40], ifname[IF_NAMESIZE];

	/* On "any", name the interface the packet really came in on. */
	if (ev->ifindex != 0 && ev->iface != NULL &&
	    strcmp(ev->iface, "any") == 0 &&
	    if_indextoname(ev->ifindex, ifname) != NULL)
		ev->iface = ifname;
	s->alerts++;

	if (s->conf->syslog_enabled &&
	    event_format_text(ev, line, sizeof(line)) >= 0)
		syslog(s->conf->syslog_facility | (int)ev->severity, "%s", line);
	if (s->stdout_on && !s->stdout_json &&
	    event_format_text(ev, line, sizeof(line)) >= 0) {
		if (s->time_prefix && format_rfc3339(ev->ts_us, ts, sizeof(ts)) >= 0) {
			fputs(ts, stdout);
			putchar(' ');
		}
		write_line(s, stdout, line);
	}
	if ((s->stdout_json || s->json_fp != NULL) &&
	    event_format_json(ev, line, sizeof(line)) >= 0) {
		if (s->stdout_json)
			write_line(s, stdout, line);
		if (s->json_fp != NULL)
			write_line(s, s->json_fp, line);
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
	    (uint64_t)s->conf->kinds[ev.kind].cooldown_s * 1000000, ev.ts_us))
		return;
	sinks_write_event(s, &ev);
}

void
sinks_summary(void *ctx, const struct event *orig)
{
	struct event ev = *orig;

	sinks_write_event(ctx, &ev);
}

int
sinks_reconfigure(struct sinks *s, const struct conf *c)
{
	FILE *fp = NULL;

	if (strcmp(c->json_path, s->json_path) != 0 && c->json_path[0] != '\0' &&
	    (fp = json_file_open(c->json_path)) == NULL)
		return -1;
	if (strcmp(c->json_path, s->json_path) != 0) {
		if (s->json_fp != NULL)
			fclose(s->json_fp);
		s->json_fp = fp;
		snprintf(s->json_path, sizeof(s->json_path), "%s", c->json_path);
	}
	s->conf = c;
	return 0;
}

void
sinks_flow(void *ctx, const struct flow_record *rec)
{
	struct sinks *s = ctx;
	char line[LINE_MAX_BYTES];

	if (!s->stdout_json && s->json_fp == NULL)
		return;
	if (!rules_admit_flow(s->conf, rec)) {
		s->filtered++;
		return;
	}
	if (flow_record_format_json(rec, line, sizeof(line)) < 0)
		return;
	if (s->stdout_json)
		write_line(s, stdout, line);
	if (s->json_fp != NULL)
		write_line(s, s->json_fp, line);
}
