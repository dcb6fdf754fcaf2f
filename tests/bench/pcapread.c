/*
 * pcapread: the floor of the benchmark.  Reads a capture file with libpcap
 * and does nothing with the packets (pcap_loop with an empty callback, but
 * for a counter), so that rstwatchd's speed can be given as a fraction of
 * the speed at which the file can be read at all.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static void	count_packet(u_char *, const struct pcap_pkthdr *,
		    const u_char *);

static void
count_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	(void)h;
	(void)data;
	(*(uint64_t *)(void *)arg)++;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct timespec t0, t1;
	uint64_t n = 0;
	pcap_t *p;

	if (argc != 2) {
		fprintf(stderr, "usage: pcapread file\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "pcapread: %s\n", errbuf);
		return 2;
	}
	if (pcap_loop(p, -1, count_packet, (u_char *)&n) == PCAP_ERROR) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 2;
	}
	pcap_close(p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("packets=%llu seconds=%.6f\n", (unsigned long long)n,
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
