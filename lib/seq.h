/*
 * TCP sequence number comparisons in modulo-2^32 arithmetic (RFC 9293,
 * section 3.4): a is "less than" b when b is at most 2^31 ahead of a.
 */
#ifndef RSTWATCH_SEQ_H
#define RSTWATCH_SEQ_H

#include <stdint.h>

#define SEQ_LT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

#endif
