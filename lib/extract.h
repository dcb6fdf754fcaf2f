/*
 * Bounds-checked reads of network byte order fields.
 *
 * Every decoder reads packet bytes through these helpers after checking the
 * length once per header; the helpers themselves assume the caller checked.
 * They exist so that unaligned loads and byte order are handled in one place.
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
