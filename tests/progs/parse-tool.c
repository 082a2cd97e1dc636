/* SPDX-License-Identifier: ISC */
/*
 * parse-tool - liboc's readers and writers on files, for the tests and the
 * differential checks against Node (tests/fuzz/diff-*.js). Modes:
 *   strict, json5   the file parsed, written back with oc_json_dump (2-space)
 *   check           oc_json_check: the value's offset and length
 *   dotenv          oc_dotenv_parse: the object dotenv.parse would give (the
 *                   last duplicate wins)
 *   quote           the file's bytes as a value: oc_dotenv_quote_dup's form
 *
 *   parse-tool MODE FILE...   each result on stdout, or the error on stderr
 *                             (exit 65)
 *   parse-tool -l MODE        file names on stdin, one JSON line per file on
 *                             stdout: {"file","ok","out"|"error"}
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

static int
one(const char *mode, const char *path, struct oc_buf *res, struct oc_err *err)
{
	char *text;
	size_t len, vs, vn;
	json_object *o = NULL;
	int r;

	if (oc_file_read(path, 256u << 20, &text, &len, err) == -1)
		return -1;
	if (strcmp(mode, "check") == 0) {
		r = oc_json_check(path, text, len, &vs, &vn, err);
		if (r == 0)
			oc_buf_addf(res, "%zu %zu", vs, vn);
	} else if (strcmp(mode, "dotenv") == 0) {
		struct oc_dotenv_entry *v = NULL;
		size_t n = 0, i;

		r = oc_dotenv_parse(text, len, &v, &n, err);
		if (r == 0) {
			o = json_object_new_object();
			for (i = 0; i < n; i++)
				json_object_object_add(o, v[i].key,
				    json_object_new_string(v[i].value));
			oc_json_dump(res, o, 0);
			oc_json_wipe_put(o);
		}
		oc_dotenv_free(v, n);
	} else if (strcmp(mode, "quote") == 0) {
		char *q = memchr(text, '\0', len) ? NULL :
		    oc_dotenv_quote_dup(text);

		r = q != NULL ? 0 : -1;
		if (q != NULL)
			oc_buf_adds(res, q);
		else
			oc_err_set(err, OC_EX_DATAERR, "cannot be written");
		oc_secret_free(q);
	} else {
		r = strcmp(mode, "json5") == 0 ?
		    oc_json_parse_lenient(path, text, len, &o, err) :
		    oc_json_parse(path, text, len, &o, err);
		if (r == 0)
			oc_json_dump(res, o, 2);
		oc_json_wipe_put(o);
	}
	free(text);
	return r;
}

int
main(int argc, char **argv)
{
	struct oc_err err;
	struct oc_buf res = { 0 };
	int i, rc = 0, list = 0;
	const char *mode;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		list = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: parse-tool [-l] strict|json5|check|dotenv|quote "
		    "[FILE...]\n");
		return 64;
	}
	mode = argv[1];
	if (!list) {
		for (i = 2; i < argc; i++) {
			res.len = 0;
			if (one(mode, argv[i], &res, &err) == -1) {
				fprintf(stderr, "%s\n", err.msg);
				rc = 65;
				continue;
			}
			fwrite(res.data, 1, res.len, stdout);
			putchar('\n');
		}
	} else {
		char line[4096];

		while (fgets(line, sizeof line, stdin) != NULL) {
			struct oc_buf o = { 0 };

			line[strcspn(line, "\n")] = '\0';
			res.len = 0;
			oc_buf_adds(&o, "{\"file\":");
			oc_json_write_string(&o, line, strlen(line));
			if (one(mode, line, &res, &err) == -1) {
				oc_buf_adds(&o, ",\"ok\":false,\"error\":");
				oc_json_write_string(&o, err.msg, strlen(err.msg));
			} else {
				oc_buf_adds(&o, ",\"ok\":true,\"out\":");
				oc_json_write_string(&o, res.data ? res.data : "",
				    res.len);
			}
			oc_buf_adds(&o, "}\n");
			fwrite(o.data, 1, o.len, stdout);
			fflush(stdout);
			oc_buf_free(&o);
		}
	}
	oc_buf_free(&res);
	return rc;
}
