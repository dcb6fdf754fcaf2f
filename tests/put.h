/*
 * Stores for the programs under tests/ that write packets and capture
 * files byte by byte (mkpcap, mkpair, gentrace, check_analyzer): network
 * order (big-endian) for packets, little-endian for the capture files
 * they write as a little-endian host would.  Header only: each of those
 * programs is built from its one file.
 */
#ifndef RSTWATCH_TESTS_PUT_H
#define RSTWATCH_TESTS_PUT_H

#include <stdint.h>

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
