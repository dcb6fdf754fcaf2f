/*
 * memtouch: how fast this machine gives a process memory it has not
 * touched yet, against writing the same memory again.  A virtual
 * machine that returns freed memory to its host (free page reporting)
 * makes each first touch a trip to the host: rstwatchd -r touches its
 * flow table and evidence budget once, so its wall time then depends on
 * what the host did with that memory, not on rstwatchd.
 *
 *	memtouch MIB
 *
 * prints one line: fresh_gbps=... again_gbps=... (a byte in each page,
 * as GB of pages per second).
 */
#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds to write one byte in every page of len bytes at p. */
static double
touch(volatile char *p, size_t len)
{
	double t0 = now_s();

	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	return now_s() - t0;
}

int
main(int argc, char **argv)
{
	size_t len;
	char *p;
	double fresh, again;

	if (argc != 2 || (len = strtoul(argv[1], NULL, 10) << 20) == 0) {
		fprintf(stderr, "usage: memtouch MIB\n");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		perror("memtouch: mmap");
		return 1;
	}
	fresh = touch(p, len);
	again = touch(p, len);
	printf("fresh_gbps=%.3f again_gbps=%.3f\n", (double)len / 1e9 / fresh,
	    (double)len / 1e9 / again);
	return 0;
}
