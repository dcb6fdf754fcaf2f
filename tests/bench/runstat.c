/*
 * runstat: runs a command and writes what it cost: wall time, CPU time and
 * peak resident set size (wait4's ru_maxrss), so that the benchmark needs
 * no GNU time.  Standard input and output stay the command's.
 *
 *	runstat STATFILE command [arg ...]
 *
 * STATFILE gets one line:
 *	wall_s=1.234567 user_s=1.000000 sys_s=0.200000 maxrss_kb=123456 status=0
 * and runstat exits with the command's status (128 + signal if killed).
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double	tv_s(const struct timeval *);

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	FILE *fp;
	pid_t pid;
	int status, code;

	if (argc < 3) {
		fprintf(stderr, "usage: runstat statfile command [arg ...]\n");
		return 125;
	}
	if ((fp = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		fclose(fp);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "runstat: wait4: %s\n", strerror(errno));
			return 125;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status) :
	    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 125;
	fprintf(fp, "wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld "
	    "status=%d\n",
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    tv_s(&ru.ru_utime), tv_s(&ru.ru_stime), ru.ru_maxrss, code);
	if (fclose(fp) == EOF) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	return code;
}
