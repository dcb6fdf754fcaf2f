/*
 * ICMP (RFC 792, codes 9, 10 and 13 from RFC 1812 section 5.2.7.1) and
 * ICMPv6 (RFC 4443) types and codes that the decoder, the analyser and the
 * alert's sentence tell apart.  The names are the BSD <netinet/ip_icmp.h>
 * and <netinet/icmp6.h> ones, with the same values.
 */
#ifndef RSTWATCH_ICMP_CONST_H
#define RSTWATCH_ICMP_CONST_H

/* ICMP types that quote the packet they are about. */
#define ICMP_UNREACH		3
#define ICMP_SOURCEQUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_TIMXCEED		11
#define ICMP_PARAMPROB		12

/* ICMP destination unreachable codes. */
#define ICMP_UNREACH_NET	0
#define ICMP_UNREACH_HOST	1
#define ICMP_UNREACH_PROTOCOL	2
#define ICMP_UNREACH_PORT	3
#define ICMP_UNREACH_NEEDFRAG	4	/* RFC 1191: path MTU discovery */
#define ICMP_UNREACH_NET_PROHIB	9
#define ICMP_UNREACH_HOST_PROHIB 10
#define ICMP_UNREACH_FILTER_PROHIB 13

/* ICMPv6 error types. */
#define ICMP6_DST_UNREACH	1
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_PARAM_PROB	4

/* ICMPv6 destination unreachable codes. */
#define ICMP6_DST_UNREACH_NOROUTE 0
#define ICMP6_DST_UNREACH_ADMIN	1
#define ICMP6_DST_UNREACH_ADDR	3
#define ICMP6_DST_UNREACH_NOPORT 4

#endif
