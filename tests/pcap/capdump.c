/*
 * capdump FILE [FILTER]: every packet daemon/capfile.c hands to the
 * analysis, one line each,
 *	SECONDS.MICROSECONDS LINKTYPE CAPLEN WIRELEN
 * then "end" at a clean end of file or "error: WHY" (exit status 1).
 * tests/pcap/pcapng.sh compares these lines with tshark's.
 */
#include <stdio.h>
#include <stdlib.h>

#include "capfile.h"

int
main(int argc, char *argv[])
{
	struct capfile_pkt pkt;
	struct capfile *c;
	char err[512];
	int rc;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: capdump file [filter]\n");
		return 2;
	}
	if ((c = capfile_open(argv[1], argc == 3 ? argv[2] : NULL, err,
	    sizeof(err))) == NULL) {
		printf("error: %s\n", err);
		return 1;
	}
	while ((rc = capfile_next(c, &pkt)) == 1)
		printf("%llu.%06llu %d %u %u\n",
		    (unsigned long long)(pkt.ts_us / 1000000),
		    (unsigned long long)(pkt.ts_us % 1000000), pkt.linktype,
		    pkt.caplen, pkt.wirelen);
	if (rc == 0)
		printf("end\n");
	else
		printf("error: %s\n", capfile_error(c));
	capfile_close(c);
	return rc == 0 ? 0 : 1;
}
