/* SPDX-License-Identifier: ISC */
/*
 * fuzz.h - what the libFuzzer harnesses share: a property that fails is a
 * crash (abort), which libFuzzer reports with the input that made it.
 */
#ifndef OC_FUZZ_H
#define OC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

/* The input as a NUL-terminated string (cut at its first NUL). */
static inline char *
fuzz_str(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* An error message is one line of printable text and names no input. */
static inline int
fuzz_msg_ok(const char *m)
{
	for (; *m != '\0'; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			return 0;
	return 1;
}

#endif
