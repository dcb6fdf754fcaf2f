/*
 * What the libFuzzer targets share: how a broken invariant ends the run
 * and whether to show what each input gave.  A target defines FUZZ_NAME,
 * its name and the prefix of its messages, before it includes this file.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef FUZZ_NAME
#error "fuzz_util.h: define FUZZ_NAME first"
#endif

static void	check_fail(const char *, const char *) __attribute__((noreturn));
static bool	verbose(void);

/*
 * A check of the code under test failed: say which and why, then abort(),
 * which libFuzzer reports like a crash and keeps the input of.
 */
static void
check_fail(const char *what, const char *why)
{
	fprintf(stderr, FUZZ_NAME ": %s: %s\n", what, why);
	abort();
}

/*
 * FUZZ_VERBOSE=1 in the environment shows what each input gave (the
 * configuration read, every line formatted).
 */
static bool
verbose(void)
{
	static int v = -1;

	if (v == -1)
		v = getenv("FUZZ_VERBOSE") != NULL;
	return v;
}

#endif /* FUZZ_UTIL_H */
