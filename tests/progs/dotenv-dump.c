/* SPDX-License-Identifier: ISC */
/*
 * dotenv-dump - test helper: parse a dotenv file with liboc and print the
 * result as OpenClaw's dotenv.parse would return it (a JSON object, the last
 * duplicate winning), or with -s the entries with their byte spans.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "oc.h"

int
main(int argc, char **argv)
{
	struct oc_dotenv_entry *v;
	struct oc_err err;
	json_object *o;
	char *text;
	size_t len, n, i;
	int spans = argc > 2 && strcmp(argv[1], "-s") == 0;
	const char *path = argv[argc - 1];

	if (argc < 2) {
		fprintf(stderr, "usage: dotenv-dump [-s] file\n");
		return 64;
	}
	if (oc_file_read(path, 1u << 20, &text, &len, &err) == -1) {
		fprintf(stderr, "dotenv-dump: %s\n", err.msg);
		return err.code;
	}
	if (oc_dotenv_parse(text, len, &v, &n, &err) == -1) {
		fprintf(stderr, "dotenv-dump: %s\n", err.msg);
		oc_secret_free(text);
		return err.code;
	}
	o = spans ? json_object_new_array() : json_object_new_object();
	for (i = 0; i < n; i++) {
		if (spans) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "key",
			    json_object_new_string(v[i].key));
			json_object_object_add(e, "value",
			    json_object_new_string(v[i].value));
			json_object_object_add(e, "start",
			    json_object_new_int64((int64_t)v[i].start));
			json_object_object_add(e, "end",
			    json_object_new_int64((int64_t)v[i].end));
			json_object_object_add(e, "exported",
			    json_object_new_boolean(v[i].exported));
			json_object_array_add(o, e);
		} else
			json_object_object_add(o, v[i].key,
			    json_object_new_string(v[i].value));
	}
	oc_json_print(stdout, o);
	json_object_put(o);
	oc_dotenv_free(v, n);
	oc_secret_free(text);
	return 0;
}
