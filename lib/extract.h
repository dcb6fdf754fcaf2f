/*
 * Reads of network (and little-endian) byte order fields at any alignment.
 *
 * These helpers check nothing: the caller must guarantee that p points to
 * at least 2 (get_u16) or 4 (get_u32, get_u32_le) bytes it may read.  The
 * decoders do it once per header, by comparing the captured length with
 * the header's before the first read (a decoder that reads past what it
 * checked is a bug the truncation tests and the fuzz targets catch).
 * They exist so that unaligned loads and byte order are handled in one
 * place.
 */
#ifndef RSTWATCH_EXTRACT_H
#define RSTWATCH_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t
get_u16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint32_t
get_u32_le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

#endif
