/*
 * Advice to the kernel about the large tables read at random (the flow
 * table and its buckets, the evidence store): huge pages, so that an
 * entry fetched does not also miss the TLB, and pages made resident ahead
 * of use, so that the packet path does not take the first-touch faults.
 * Only advice: a kernel without it says no, and nothing else changes.
 */
#ifndef RSTWATCH_PAGES_H
#define RSTWATCH_PAGES_H

#include <stddef.h>

/* Huge pages over the whole 2 MiB pages inside [mem, mem + len). */
void	pages_huge(void *mem, size_t len);
/* The whole 4 KiB pages inside [mem, mem + len) faulted in, writable. */
void	pages_populate(void *mem, size_t len);

#endif
