/*
 * -t: what the daemon would fail on at start, found before it starts
 * (systemd runs "rstwatchd -t" before "rstwatchd -f").  The file's syntax
 * and values are the loader's; here are the checks that need the host:
 * the user, the JSON file's directory as that user, the interfaces, and
 * the filters compiled by libpcap.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "preflight.h"

static void	problem(int *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	access_as(const struct passwd *, const char *, int);
static void	check_user(const struct conf *, const char *, int *,
		    struct passwd *, bool *);
static void	check_evidence(const struct conf *, const char *, int *,
		    const struct passwd *);
static void	check_json(const struct conf *, const char *, int *,
		    const struct passwd *);
static void	check_ifaces(const struct conf *, const char *);
static void	cut_to_dir(char *);
static bool	check_dir(const char *, const char *, const struct stat *,
		    const char *, int *, const struct passwd *);

static void
problem(int *n, const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	(*n)++;
}

int
preflight_filter_alone(const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	pcap_t *p;
	int rc = 0;

	if (expr[0] == '\0')
		return 0;
	if ((p = pcap_open_dead(DLT_EN10MB, 262144)) == NULL) {
		snprintf(err, errlen, "cannot check the filter");
		return -1;
	}
	/*
	 * Alone, so that "tcp) or (arp" cannot close the parentheses it is
	 * later put in and escape the built-in filter.
	 */
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		rc = -1;
	} else
		pcap_freecode(&prog);
	pcap_close(p);
	return rc;
}

/*
 * access(2) as the daemon will be once it has dropped privileges: with
 * that user's uid and primary group only, as privdrop() leaves it.  In a
 * child, so that nothing of the switch stays.  0, or an errno.
 */
static int
access_as(const struct passwd *pw, const char *path, int mode)
{
	pid_t pid;
	int status;

	if (pw == NULL || geteuid() != 0 || pw->pw_uid == 0)
		return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0 ? 0 :
		    errno;
	if ((pid = fork()) == -1)
		return errno;
	if (pid == 0) {
		if (setgroups(1, &pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
			_exit(EPERM);
		_exit(access(path, mode) == 0 ? 0 : errno & 0xff);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINVAL;
}

/*
 * As privdrop() will do, when started as root: *pw is the user the daemon
 * will run as, when *found.
 */
static void
check_user(const struct conf *c, const char *path, int *n,
    struct passwd *pw, bool *found)
{
	struct passwd *p;

	*found = false;
	/* Started unprivileged, the daemon stays who it is (as in the unit). */
	if (geteuid() != 0)
		return;
	if (c->user[0] == '\0' || strcmp(c->user, "root") == 0) {
		fprintf(stderr, "%s: warning: daemon.user is \"%s\": the daemon "
		    "would go on running as root\n", path, c->user);
		return;
	}
	errno = 0;
	if ((p = getpwnam(c->user)) == NULL) {
		problem(n, path, "daemon.user: user \"%s\" does not exist: "
		    "create it (useradd --system %s) or name another",
		    c->user, c->user);
		return;
	}
	if (p->pw_uid == 0)
		fprintf(stderr, "%s: warning: daemon.user \"%s\" has uid 0: "
		    "the daemon would go on running as root\n", path, c->user);
	*pw = *p;
	*found = true;
}

/* path cut to its directory ("/" for a name at the root). */
static void
cut_to_dir(char *path)
{
	char *slash;

	if ((slash = strrchr(path, '/')) == path)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
}

/* The daemon's user (who) must be able to create files in dir, of st. */
static bool
check_dir(const char *key, const char *dir, const struct stat *st,
    const char *path, int *n, const struct passwd *pw)
{
	const char *who = pw != NULL ? pw->pw_name : "the daemon";
	int err;

	if (!S_ISDIR(st->st_mode)) {
		problem(n, path, "%s: %s is not a directory", key, dir);
		return false;
	}
	if ((err = access_as(pw, dir, W_OK | X_OK)) != 0) {
		problem(n, path, "%s: %s cannot create files in %s: %s", key,
		    who, dir, strerror(err));
		return false;
	}
	return true;
}

/*
 * The daemon (re)creates the JSON file after rotation as its user, so
 * that user needs to write in the directory, not only in the file.
 */
static void
check_json(const struct conf *c, const char *path, int *n,
    const struct passwd *pw)
{
	const char *who = pw != NULL ? pw->pw_name : "the daemon";
	char dir[CONF_PATH_MAX];
	struct stat st;
	int err;

	if (c->json_path[0] == '\0')
		return;
	snprintf(dir, sizeof(dir), "%s", c->json_path);
	cut_to_dir(dir);
	if (stat(dir, &st) == -1) {
		problem(n, path, "output.json.path: directory %s: %s", dir,
		    strerror(errno));
		return;
	}
	if (!check_dir("output.json.path", dir, &st, path, n, pw))
		return;
	if (stat(c->json_path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			problem(n, path, "output.json.path: %s is not a "
			    "regular file", c->json_path);
		else if ((err = access_as(pw, c->json_path, W_OK)) != 0)
			problem(n, path, "output.json.path: %s cannot write "
			    "%s: %s", who, c->json_path, strerror(err));
	}
}

/*
 * evidence.directory, when evidence is on: the daemon's user must be able
 * to create files in it, or to create it (one level) in its parent.  A
 * directory whose parent is missing too is left to the service manager
 * (the unit's StateDirectory= makes it); the daemon says at start if it
 * still cannot write there, and runs without evidence.
 */
static void
check_evidence(const struct conf *c, const char *path, int *n,
    const struct passwd *pw)
{
	char dir[CONF_PATH_MAX];
	struct stat st;

	if (!c->evidence_enabled)
		return;
	snprintf(dir, sizeof(dir), "%s", c->evidence_dir);
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT) {
			problem(n, path, "evidence.directory: %s: %s", dir,
			    strerror(errno));
			return;
		}
		cut_to_dir(dir);
		if (stat(dir, &st) == -1)
			return;
	}
	(void)check_dir("evidence.directory", dir, &st, path, n, pw);
}

/*
 * A valid name not present now is no error: the daemon waits for the
 * interface to appear.  Invalid names never reach here (the loader).
 */
static void
check_ifaces(const struct conf *c, const char *path)
{
	for (size_t i = 0; i < c->ninterfaces; i++) {
		if (capture_is_pseudo(c->interfaces[i]) ||
		    if_nametoindex(c->interfaces[i]) != 0)
			continue;
		fprintf(stderr, "%s: note: interface %s does not exist now; "
		    "the daemon would wait for it\n", path, c->interfaces[i]);
	}
}

int
preflight(const struct conf *conf, const char *path, const char *expr)
{
	char err[PCAP_ERRBUF_SIZE + CONF_FILTER_MAX + 64];
	struct passwd pw;
	struct conf *c;
	bool found;
	int n = 0;

	if ((c = malloc(sizeof(*c))) == NULL) {
		problem(&n, path, "out of memory");
		return n;
	}
	memcpy(c, conf, sizeof(*c));
	if (preflight_filter_alone(c->filter, err, sizeof(err)) == -1)
		problem(&n, path, "capture.filter \"%s\": %s (it must be a "
		    "whole expression on its own)", c->filter, err);
	else if (config_add_expression(c, expr, err, sizeof(err)) == -1)
		problem(&n, path, "%s", err);
	else if (capture_check_filter(c, err, sizeof(err)) == -1)
		problem(&n, path, "%s", err);
	check_user(c, path, &n, &pw, &found);
	check_json(c, path, &n, found ? &pw : NULL);
	check_evidence(c, path, &n, found ? &pw : NULL);
	check_ifaces(c, path);
	free(c);
	return n;
}
