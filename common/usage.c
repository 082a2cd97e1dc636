/* SPDX-License-Identifier: ISC */
/*
 * usage.c - the usageStats of a store: cooldowns and disabled profiles, as
 * OpenClaw records them after failures.
 */
#include "config.h"

#include <string.h>

#include "oc.h"

/* What OpenClaw's markAuthProfileUsed resets. */
static const char *const cooldown_fields[] = { "cooldownUntil",
    "disabledUntil", "disabledReason", "errorCount", "failureCounts",
    "lastFailureAt" };

const char *
oc_usage_state(json_object *stats, int64_t now, int64_t *until)
{
	int64_t cd = 0, dis = 0;

	if (oc_json_get_i64(stats, "cooldownUntil", &cd) != 1)
		cd = 0;
	if (oc_json_get_i64(stats, "disabledUntil", &dis) != 1)
		dis = 0;
	if (dis > now) {
		*until = dis;
		return "disabled";
	}
	if (cd > now) {
		*until = cd;
		return "cooldown";
	}
	*until = 0;
	return "ok";
}

static int
wanted(char *const *ids, size_t n, const char *id)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

int
oc_usage_clear(struct oc_store *s, char *const *ids, size_t n)
{
	json_object *places[2] = { oc_json_get_obj(s->state, "usageStats"),
	    oc_json_get_obj(s->root, "usageStats") };
	int changed = 0, i;
	size_t f;

	for (i = 0; i < 2; i++) {
		if (places[i] == NULL)
			continue;
		json_object_object_foreach(places[i], id, st) {
			if (!wanted(ids, n, id) ||
			    !json_object_is_type(st, json_type_object))
				continue;
			for (f = 0; f < sizeof cooldown_fields /
			    sizeof cooldown_fields[0]; f++)
				if (oc_json_get(st, cooldown_fields[f])) {
					json_object_object_del(st,
					    cooldown_fields[f]);
					changed = 1;
				}
		}
	}
	return changed;
}
