/*
 * The configuration as the running program gets it: the file read from
 * disk (a regular file, size-capped; a missing default file means the
 * built-in defaults), then what the command line puts over it (-i, the
 * trailing filter expression) and what "auto" reads from the host
 * (net.ipv4.tcp_syn_retries).  The model itself (struct conf, defaults,
 * checks) is lib/conf.c and its YAML syntax lib/conf_yaml.c: pure code
 * that never touches a file, which is why the two names differ.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* Far more than any sane configuration, small enough to read at once. */
#define CONFIG_MAX_BYTES	(1024 * 1024)

/* Linux's default for net.ipv4.tcp_syn_retries. */
#define SYN_RETRIES_DEFAULT	6
#define SYN_RETRIES_PATH	"/proc/sys/net/ipv4/tcp_syn_retries"

static char *
config_read(const char *path, size_t *lenp, bool missing_ok, bool *missing)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	*missing = false;
	/*
	 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer, forever for -t and with the event loop frozen for a reload.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && missing_ok) {
			*missing = true;
			return NULL;
		}
		log_errx("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_errx("%s: not a regular file: only a regular file is read "
		    "as the configuration", path);
		close(fd);
		return NULL;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		log_errx("%s: larger than %d bytes", path, CONFIG_MAX_BYTES);
		close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		log_errx("%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

int
config_load(const char *path, bool missing_ok, struct conf *out,
    bool *defaults)
{
	struct conf_errors *errs;
	bool missing;
	size_t len;
	char *text;
	int rc;

	*defaults = false;
	if ((text = config_read(path, &len, missing_ok, &missing)) == NULL) {
		if (!missing)
			return -1;
		conf_defaults(out);
		*defaults = true;
		return 0;
	}
	if ((errs = calloc(1, sizeof(*errs))) == NULL) {
		free(text);
		log_errx("%s: out of memory", path);
		return -1;
	}
	rc = conf_parse_yaml(out, text, len, errs);
	for (size_t i = 0; i < errs->n; i++)
		log_errx("%s:%u:%u: %s", path, errs->e[i].line, errs->e[i].col,
		    errs->e[i].msg);
	if (errs->dropped > 0)
		log_errx("%s: %zu more errors not shown", path, errs->dropped);
	free(errs);
	free(text);
	return rc == 0 ? 0 : -1;
}

int
config_add_expression(struct conf *c, const char *expr, char *err,
    size_t errlen)
{
	char both[sizeof(c->filter)];
	int n;

	if (expr == NULL || expr[0] == '\0')
		return 0;
	if (c->filter[0] == '\0')
		n = snprintf(both, sizeof(both), "%s", expr);
	else
		n = snprintf(both, sizeof(both), "(%s) and (%s)", c->filter,
		    expr);
	if (n < 0 || (size_t)n >= sizeof(both)) {
		snprintf(err, errlen, "capture.filter and the expression "
		    "together are longer than %zu bytes", sizeof(both) - 1);
		return -1;
	}
	memcpy(c->filter, both, sizeof(both));
	return 0;
}

void
config_set_interfaces(struct conf *c, const char *const *ifaces, int n)
{
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++)
		snprintf(c->interfaces[i], sizeof(c->interfaces[i]), "%s",
		    ifaces[i]);
	c->ninterfaces = (size_t)n;
}

unsigned
config_syn_retries(void)
{
	char buf[32];
	unsigned long v;
	char *end;
	FILE *fp;

	if ((fp = fopen(SYN_RETRIES_PATH, "re")) == NULL) {
		log_warn("%s; using %d", SYN_RETRIES_PATH, SYN_RETRIES_DEFAULT);
		return SYN_RETRIES_DEFAULT;
	}
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		fclose(fp);
		log_warnx("%s: empty; using %d", SYN_RETRIES_PATH,
		    SYN_RETRIES_DEFAULT);
		return SYN_RETRIES_DEFAULT;
	}
	fclose(fp);
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno != 0 || end == buf || v == 0 || v > 255) {
		log_warnx("%s: unexpected value; using %d", SYN_RETRIES_PATH,
		    SYN_RETRIES_DEFAULT);
		return SYN_RETRIES_DEFAULT;
	}
	return (unsigned)v;
}
