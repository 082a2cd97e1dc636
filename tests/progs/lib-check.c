/* SPDX-License-Identifier: ISC */
/*
 * lib-check - liboc's functions on inputs only the library can be handed
 * (issue 12, defect 16 and friends), for tests/0505-lib.t:
 *
 *   lib-check guarded       every parser on texts that end at a page
 *                           followed by an inaccessible one: a read past
 *                           the end faults, with or without ASan
 *   lib-check span MS       oc_time_format_span(MS); "min" for INT64_MIN
 *   lib-check iso MS        oc_time_iso8601(MS)
 *   lib-check quote HEX     oc_dotenv_quote_dup of the bytes HEX, and what
 *                           "VAR=<that>" parses back to, as hex
 *   lib-check header HEX... oc_http_header_line over lines given as hex;
 *                           the header object as JSON
 *   lib-check harden        the dumpable flag and the core limit after
 *                           oc_err_set_progname
 *   lib-check oneline MAX HEX
 *                           oc_out_oneline_dup(HEX's bytes, MAX), and its
 *                           length in bytes
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oc.h"

static char *
unhex(const char *h, size_t *n)
{
	size_t l = strlen(h) / 2, i;
	char *b = oc_xmalloc(l + 1);

	for (i = 0; i < l; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		b[i] = (char)v;
	}
	b[l] = '\0';
	*n = l;
	return b;
}

static void
hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", (unsigned char)s[i]);
}

static int
guarded(void)
{
	static const char *const texts[] = {
		"{\"a\":", "[1,", "'abc", "/* x", "{a", "1.", "\"\\u12",
		"{a:1,// c", "0x", "\"\\", "[\"\\ud800\\", "tru", "-",
		"{\"a\":1}", "[1, 2]", "\xef\xbb\xbf", "\xe2\x80", "{\\u00",
		"'\\x4", "A=\"x", "export A", "B: \xe2\x80", "'\xed\xa0",
	};
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (m == MAP_FAILED || mprotect(m + pg, (size_t)pg, PROT_NONE) != 0)
		return 1;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t n = strlen(texts[i]), vs, vn;
		char *t = m + pg - n;
		json_object *o = NULL;
		struct oc_dotenv_entry *v = NULL;
		struct oc_jval root;
		struct oc_err err;
		size_t nv = 0;

		memcpy(t, texts[i], n);
		if (oc_json_parse_lenient("t", t, n, &o, &err) == 0)
			oc_json_wipe_put(o);
		if (oc_json_parse("t", t, n, &o, &err) == 0)
			oc_json_wipe_put(o);
		(void)oc_json_check("t", t, n, &vs, &vn, &err);
		(void)oc_jscan_check("t", t, n, &root, &err);
		if (oc_dotenv_parse(t, n, &v, &nv, &err) == 0)
			oc_dotenv_free(v, nv);
	}
	printf("ok %zu texts\n", sizeof texts / sizeof texts[0]);
	return 0;
}

int
main(int argc, char **argv)
{
	char buf[64];

	if (argc >= 2 && strcmp(argv[1], "guarded") == 0)
		return guarded();
	if (argc == 3 && strcmp(argv[1], "span") == 0) {
		int64_t ms = strcmp(argv[2], "min") == 0 ? INT64_MIN :
		    (int64_t)strtoll(argv[2], NULL, 10);

		oc_time_format_span(ms, buf, sizeof buf);
		printf("%s\n", buf);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "iso") == 0) {
		oc_time_iso8601((int64_t)strtoll(argv[2], NULL, 10), buf,
		    sizeof buf);
		printf("%s\n", buf);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "quote") == 0) {
		struct oc_dotenv_entry *v = NULL;
		struct oc_err err;
		size_t n, nv = 0;
		char *val = unhex(argv[2], &n), *q = oc_dotenv_quote_dup(val);
		char *line;

		if (q == NULL) {
			printf("NULL\n");
			free(val);
			return 0;
		}
		hex(q, strlen(q));
		line = oc_xasprintf("VAR=%s\n", q);
		printf(" ");
		if (oc_dotenv_parse(line, strlen(line), &v, &nv, &err) == 0 &&
		    nv == 1)
			hex(v[0].value, strlen(v[0].value));
		else
			printf("-");
		printf("\n");
		oc_dotenv_free(v, nv);
		free(line);
		free(q);
		free(val);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "header") == 0) {
		json_object *h = json_object_new_object();
		size_t total = 0, n;
		int i;

		for (i = 2; i < argc; i++) {
			char *l = unhex(argv[i], &n);

			oc_http_header_line(&h, &total, l, n);
			free(l);
		}
		oc_json_print(stdout, h);
		oc_json_wipe_put(h);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "harden") == 0) {
		struct rlimit rl;

		oc_err_set_progname(argv[0]);
		getrlimit(RLIMIT_CORE, &rl);
		printf("dumpable %d core %llu\n", prctl(PR_GET_DUMPABLE, 0, 0,
		    0, 0), (unsigned long long)rl.rlim_cur);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "oneline") == 0) {
		size_t n;
		char *t = unhex(argv[3], &n);
		char *l = oc_out_oneline_dup(t, (size_t)strtoul(argv[2], NULL,
		    10));

		printf("%zu %s\n", strlen(l), l);
		free(l);
		free(t);
		return 0;
	}
	fprintf(stderr, "usage: lib-check guarded | span MS | iso MS | quote HEX | "
	    "header HEX... | harden | oneline MAX HEX\n");
	return 64;
}
