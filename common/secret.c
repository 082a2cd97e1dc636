/* SPDX-License-Identifier: ISC */
/*
 * secret.c - secrets in memory: wiping and freeing them, reading a pasted
 * one and normalising it as OpenClaw's paste-token does. The secret comes
 * from stdin, or on a terminal from /dev/tty with echo off: never from
 * argv.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "oc.h"

void
oc_secret_wipe(void *p, size_t n)
{
	if (p == NULL)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
#endif
}

void
oc_secret_free(char *s)
{
	if (s == NULL)
		return;
	oc_secret_wipe(s, strlen(s));
	free(s);
}

static int
read_fd(int fd, size_t max, int stop_at_newline, struct oc_buf *b,
    struct oc_err *err)
{
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			oc_err_set(err, OC_EX_DATAERR,
			    "cannot read the secret: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		if (stop_at_newline && (c == '\n' || c == '\r'))
			break;
		if (b->len >= max) {
			oc_err_set(err, OC_EX_DATAERR,
			    "the secret is longer than %zu bytes", max);
			return -1;
		}
		oc_buf_addc(b, c);
	}
	return 0;
}

int
oc_secret_read(const char *prompt, size_t max, char **out,
    struct oc_err *err)
{
	struct oc_buf b = { 0 };
	int r;

	*out = NULL;
	if (isatty(STDIN_FILENO)) {
		struct termios old, raw;
		int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
		int restore = 0;

		if (tty == -1) {
			oc_err_set(err, OC_EX_DATAERR,
			    "cannot open /dev/tty: %s", strerror(errno));
			return -1;
		}
		if (tcgetattr(tty, &old) == 0) {
			raw = old;
			raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			raw.c_lflag |= ICANON;
			if (tcsetattr(tty, TCSAFLUSH, &raw) == 0)
				restore = 1;
		}
		if (prompt != NULL)
			(void)!write(tty, prompt, strlen(prompt));
		r = read_fd(tty, max, 1, &b, err);
		if (restore)
			(void)tcsetattr(tty, TCSAFLUSH, &old);
		(void)!write(tty, "\n", 1);
		close(tty);
	} else
		r = read_fd(STDIN_FILENO, max, 0, &b, err);
	if (r == -1) {
		oc_buf_free(&b);
		return -1;
	}
	if (b.data == NULL)
		oc_buf_add(&b, "", 0);
	*out = oc_xstrdup(b.data);
	oc_buf_free(&b);
	return 0;
}

static int
is_ws(const unsigned char *s, size_t *len)
{
	/* ASCII space, tab, CR, LF, VT, FF; U+2028/2029 and NBSP. */
	if (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
		*len = 1;
		return 1;
	}
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) {
		*len = 3;
		return 1;
	}
	if (s[0] == 0xc2 && s[1] == 0xa0) {
		*len = 2;
		return 1;
	}
	return 0;
}

/* Length of the UTF-8 sequence at s and its code point; an invalid byte is
 * taken as a one-byte code point of its own value. */
static size_t
utf8_next(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x0f) << 12 |
		    (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x07) << 18 |
		    (unsigned)(s[1] & 0x3f) << 12 |
		    (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		return 4;
	}
	*cp = s[0];
	return 1;
}

/*
 * OpenClaw's normalizeSecretInput: line breaks (CR, LF, U+2028, U+2029)
 * removed anywhere, code points above U+00FF dropped (stray smart quotes and
 * zero-width characters from a copy/paste), then trimmed. strip_all_ws also
 * removes inner white space (Anthropic tokens never contain any).
 */
void
oc_secret_token_normalize(char *s, int strip_all_ws)
{
	unsigned char *r = (unsigned char *)s, *w = (unsigned char *)s;
	size_t n, len;
	unsigned cp;

	while (*r) {
		len = utf8_next(r, &cp);
		if (cp == '\r' || cp == '\n' || cp > 0xff ||
		    (strip_all_ws && (cp == ' ' || (cp >= '\t' && cp <= '\r') ||
		    cp == 0xa0))) {
			r += len;
			continue;
		}
		while (len--)
			*w++ = *r++;
	}
	*w = '\0';
	r = (unsigned char *)s;
	while (*r && is_ws(r, &len))
		r += len;
	if (r != (unsigned char *)s)
		memmove(s, r, strlen((char *)r) + 1);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' &&
	    s[n - 1] <= '\r')))
		s[--n] = '\0';
}

#define ANTHROPIC_TOKEN_PREFIX "sk-ant-oat01-"
#define ANTHROPIC_TOKEN_MIN 80

int
oc_secret_anthropic_check(const char *t, struct oc_err *err)
{
	if (strncmp(t, ANTHROPIC_TOKEN_PREFIX,
	    strlen(ANTHROPIC_TOKEN_PREFIX)) != 0) {
		oc_err_set(err, OC_EX_DATAERR,
		    "not an Anthropic setup-token: expected a token starting "
		    "with %s (run `claude setup-token`)",
		    ANTHROPIC_TOKEN_PREFIX);
		return -1;
	}
	if (strlen(t) < ANTHROPIC_TOKEN_MIN) {
		oc_err_set(err, OC_EX_DATAERR,
		    "the setup-token looks too short (%zu characters, at least "
		    "%d expected): paste the whole token", strlen(t),
		    ANTHROPIC_TOKEN_MIN);
		return -1;
	}
	return 0;
}
