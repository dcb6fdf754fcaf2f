/*
 * madvise() over the whole pages inside a block (pages.h): the block's
 * ends are seldom page-aligned, and advice must not reach past them.
 */
#include <sys/mman.h>

#include <stdint.h>

#include "pages.h"

#define PAGE_SIZE_HUGE	((uintptr_t)2 << 20)
#define PAGE_SIZE_BASE	((uintptr_t)4096)

static void	advise(void *, size_t, uintptr_t, int);

static void
advise(void *mem, size_t len, uintptr_t page, int advice)
{
	uintptr_t start = ((uintptr_t)mem + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)mem + len) & ~(page - 1);

	if (end > start)
		(void)madvise((void *)start, end - start, advice);
}

void
pages_huge(void *mem, size_t len)
{
#ifdef MADV_HUGEPAGE
	advise(mem, len, PAGE_SIZE_HUGE, MADV_HUGEPAGE);
#else
	(void)mem;
	(void)len;
#endif
}

void
pages_populate(void *mem, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	advise(mem, len, PAGE_SIZE_BASE, MADV_POPULATE_WRITE);
#else
	(void)mem;
	(void)len;
#endif
}
