/*
 * The pidfile, which is also the lock that keeps a second daemon from
 * starting: flock(2) on it, held for the daemon's life by the open
 * descriptor (inherited across daemon(3)'s fork, released by the kernel
 * however the process ends, so a stale file never blocks a start).
 *
 * Opened as root, so it must not be a way to write elsewhere: O_NOFOLLOW,
 * a regular file with one link, owned by root or the service user, in a
 * directory that no one else can write to (unless sticky, like /tmp).
 * A missing directory is created for the service user, so that the
 * daemon, no longer root at stop, can still remove its file there; in a
 * root's directory (/run itself) it cannot, and empties the file instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "pidfile.h"

static int	pidfile_dir(const char *, const char *);
static int	pidfile_try(struct pidfile *);
static long	pidfile_holder(int);

/* The directory: made if missing, checked if not; -1 (logged) if unsafe. */
static int
pidfile_dir(const char *dir, const char *user)
{
	struct passwd *pw = NULL;
	struct stat st;

	if (user != NULL && user[0] != '\0')
		pw = getpwnam(user);
	if (mkdir(dir, 0755) == 0) {
		/* Ours: the service user may then remove its pidfile. */
		if (pw != NULL && geteuid() == 0 &&
		    chown(dir, pw->pw_uid, pw->pw_gid) == -1) {
			log_warn("pidfile directory %s", dir);
			return -1;
		}
	} else if (errno != EEXIST) {
		log_warn("pidfile directory %s", dir);
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		log_warn("pidfile directory %s", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_errx("pidfile directory %s is not a directory", dir);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid() &&
	    (pw == NULL || st.st_uid != pw->pw_uid)) {
		log_errx("pidfile directory %s belongs to uid %u, neither root "
		    "nor daemon.user: refusing to write a pidfile there", dir,
		    (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st.st_mode & S_ISVTX) == 0) {
		log_errx("pidfile directory %s is writable by others: refusing "
		    "to write a pidfile there", dir);
		return -1;
	}
	return 0;
}

/* The PID written in a locked pidfile, or -1. */
static long
pidfile_holder(int fd)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;

	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0)
		return -1;
	return pid;
}

/*
 * One attempt: 0 locked, 1 when the file was replaced under us (a daemon
 * stopping removed it between our open and our lock: try again), -1.
 */
static int
pidfile_try(struct pidfile *pf)
{
	struct stat st, now;
	long pid;

	/* No O_TRUNC: the file may be another daemon's, still locked. */
	pf->fd = open(pf->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0644);
	if (pf->fd == -1) {
		if (errno == ELOOP)
			log_errx("pidfile %s is a symbolic link: refusing to "
			    "follow it", pf->path);
		else
			log_warn("pidfile %s", pf->path);
		return -1;
	}
	if (fstat(pf->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_nlink > 1) {
		log_errx("pidfile %s is not a regular file with one link: "
		    "refusing to write it", pf->path);
		goto fail;
	}
	if (flock(pf->fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			if ((pid = pidfile_holder(pf->fd)) > 0)
				log_errx("already running as PID %ld (pidfile "
				    "%s is locked)", pid, pf->path);
			else
				log_errx("already running (pidfile %s is "
				    "locked)", pf->path);
		} else
			log_warn("pidfile %s: lock", pf->path);
		goto fail;
	}
	if (lstat(pf->path, &now) == -1 || now.st_dev != st.st_dev ||
	    now.st_ino != st.st_ino) {
		close(pf->fd);
		pf->fd = -1;
		return 1;
	}
	return 0;
fail:
	close(pf->fd);
	pf->fd = -1;
	return -1;
}

int
pidfile_open(struct pidfile *pf, const char *path, const char *user)
{
	char copy[sizeof(pf->path)];
	int rc = 1;

	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
	snprintf(pf->path, sizeof(pf->path), "%s", path);
	snprintf(copy, sizeof(copy), "%s", path);
	if (pidfile_dir(dirname(copy), user) == -1)
		return -1;
	for (int tries = 0; rc == 1 && tries < 5; tries++)
		rc = pidfile_try(pf);
	if (rc == 1)
		log_errx("pidfile %s keeps being replaced", path);
	return rc == 0 ? 0 : -1;
}

int
pidfile_write(struct pidfile *pf)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pf->fd, 0) == -1 ||
	    pwrite(pf->fd, buf, (size_t)n, 0) != n) {
		log_warn("pidfile %s", pf->path);
		return -1;
	}
	return 0;
}

void
pidfile_remove(struct pidfile *pf)
{
	if (pf->fd == -1)
		return;
	/*
	 * Removed while the lock is still held, so that a new daemon never
	 * sees its own fresh file go.  Where the service user may not remove
	 * it, an empty file says as much: no one runs.
	 */
	if (unlink(pf->path) == -1 && ftruncate(pf->fd, 0) == -1)
		log_warn("pidfile %s", pf->path);
	close(pf->fd);
	pf->fd = -1;
}
