/* SPDX-License-Identifier: ISC */
/*
 * proc.c - the one way oc-tools runs another program (the HTTP helper, an
 * exec SecretRef provider, the command of oc-keys exec), and the process
 * hardening every command starts with.
 *
 * A child is made with fork and execve, and an exec that fails reports its
 * errno through a close-on-exec pipe, so "cannot be started" is told apart
 * from "ran and failed". In the child every signal goes back to its default
 * and none is blocked (the caller may hold SIGINT/SIGTERM off while it holds
 * a lock, or ignore SIGPIPE); its stdin, stdout and stderr are each a pipe,
 * ours, or /dev/null; its environment is the one the caller hands over,
 * whole (each caller has its policy: oc_proc_env_only for the helper, the
 * configured one for exec providers, the caller's own for oc-keys exec).
 * oc_proc_run feeds and drains the pipes at once, so neither side can block
 * the other, under a total timeout, an idle timeout and an output cap.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oc.h"

static int oc_proc_reap(struct oc_proc *, int *status);

extern char **environ;

/* The core-dump limit the program started with, for children that are the
 * user's own commands. */
static struct rlimit start_core;
static int start_core_set;

void
oc_proc_harden(void)
{
	struct rlimit none;

	/* Keys live in this process's memory: no core file of it, and no
	 * ptrace attach or /proc/<pid>/environ and mem reads by other
	 * processes of the same user (a non-dumpable process's /proc files
	 * belong to root). */
	if (!start_core_set && getrlimit(RLIMIT_CORE, &start_core) == 0)
		start_core_set = 1;
	none.rlim_cur = 0;
	none.rlim_max = start_core_set ? start_core.rlim_max : 0;
	(void)setrlimit(RLIMIT_CORE, &none);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

char **
oc_proc_env_only(const char *const *names)
{
	char **env = oc_xcalloc(1, sizeof *env);
	size_t n = 0, i, k, len;

	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		const char *e = environ[i], *eq = strchr(e, '=');

		if (eq == NULL)
			continue;
		len = (size_t)(eq - e);
		for (k = 0; names[k] != NULL; k++)
			if (strlen(names[k]) == len &&
			    strncmp(names[k], e, len) == 0)
				break;
		if (names[k] == NULL)
			continue;
		env = oc_xrealloc(env, (n + 2) * sizeof *env);
		env[n++] = oc_xstrdup(e);
		env[n] = NULL;
	}
	return env;
}

void
oc_proc_env_free(char **env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; env[i] != NULL; i++)
		oc_secret_free(env[i]);
	free(env);
}

/* execvp's search, done before fork: the first executable regular file
 * name in $PATH. NULL with errno (ENOENT, or EACCES if only unusable ones
 * were found). */
static char *
search_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	int saw_eacces = 0;

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = e + 1) {
		struct stat st;
		char *cand;
		size_t n;

		e = strchr(p, ':');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		cand = n == 0 ? oc_xasprintf("./%s", name) :
		    oc_xasprintf("%.*s/%s", (int)n, p, name);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0)
				return cand;
			saw_eacces = 1;
		}
		free(cand);
		if (e == NULL)
			break;
	}
	errno = saw_eacces ? EACCES : ENOENT;
	return NULL;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: fd (ours, close-on-exec, above 2) becomes target. */
static int
child_fd(int fd, int target)
{
	return dup2(fd, target) == -1 ? -1 : 0;
}

int
oc_proc_spawn(struct oc_proc *pr, const struct oc_proc_spec *sp,
    struct oc_err *err)
{
	/* pipes: [0] read end, [1] write end; the child's end is moved to
	 * 0, 1 or 2, ours stays */
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int xp[2] = { -1, -1 }, devnull = -1, e = 0, saved;
	char *found = NULL;
	const char *path = sp->path;
	struct sigaction dfl;
	ssize_t r;

	memset(pr, 0, sizeof *pr);
	pr->pid = -1;
	pr->in = pr->out = pr->err = -1;
	if (sp->search && strchr(path, '/') == NULL) {
		if ((found = search_path(path)) == NULL) {
			saved = errno;
			oc_err_set(err, OC_EX_UNAVAILABLE, "%s: %s", path,
			    strerror(saved));
			errno = saved;
			return -1;
		}
		path = found;
	}
	/* All our descriptors above 2 (F_DUPFD_CLOEXEC), whatever the
	 * caller closed, so the moves into 0..2 in the child never clobber
	 * one another. */
#define HIGH(fds) do {							\
	int i_;								\
	for (i_ = 0; i_ < 2; i_++)					\
		if ((fds)[i_] >= 0 && (fds)[i_] <= 2) {			\
			int h_ = fcntl((fds)[i_], F_DUPFD_CLOEXEC, 3);	\
			close((fds)[i_]);				\
			(fds)[i_] = h_;					\
		}							\
} while (0)
	if ((sp->in == OC_PROC_PIPE && pipe2(pin, O_CLOEXEC) == -1) ||
	    (sp->out == OC_PROC_PIPE && pipe2(pout, O_CLOEXEC) == -1) ||
	    (sp->err == OC_PROC_PIPE && pipe2(perr, O_CLOEXEC) == -1) ||
	    pipe2(xp, O_CLOEXEC) == -1)
		goto fail;
	HIGH(pin);
	HIGH(pout);
	HIGH(perr);
	HIGH(xp);
	if ((sp->in == OC_PROC_PIPE && (pin[0] < 0 || pin[1] < 0)) ||
	    (sp->out == OC_PROC_PIPE && (pout[0] < 0 || pout[1] < 0)) ||
	    (sp->err == OC_PROC_PIPE && (perr[0] < 0 || perr[1] < 0)) ||
	    xp[0] < 0 || xp[1] < 0)
		goto fail;
	if (sp->in == OC_PROC_NULL || sp->out == OC_PROC_NULL ||
	    sp->err == OC_PROC_NULL) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull >= 0 && devnull <= 2) {
			int h = fcntl(devnull, F_DUPFD_CLOEXEC, 3);

			close(devnull);
			devnull = h;
		}
		if (devnull < 0)
			goto fail;
	}
#undef HIGH
	/* With SIGCHLD ignored the kernel reaps the child itself and waitpid
	 * could not give us its status. */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, NULL, &pr->old_chld);
	if (pr->old_chld.sa_handler == SIG_IGN) {
		sigaction(SIGCHLD, &dfl, NULL);
		pr->chld_reset = 1;
	}
	pr->pid = fork();
	if (pr->pid == -1) {
		if (pr->chld_reset)
			sigaction(SIGCHLD, &pr->old_chld, NULL);
		pr->chld_reset = 0;
		goto fail;
	}
	if (pr->pid == 0) {
		sigset_t none;
		int i;

		/* async-signal-safe calls only from here on */
		sigemptyset(&none);
		for (i = 1; i < NSIG; i++)
			if (i != SIGKILL && i != SIGSTOP)
				(void)sigaction(i, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (sp->new_pgrp)
			(void)setpgid(0, 0);
		if ((sp->in == OC_PROC_PIPE && child_fd(pin[0], 0) == -1) ||
		    (sp->in == OC_PROC_NULL && child_fd(devnull, 0) == -1) ||
		    (sp->out == OC_PROC_PIPE && child_fd(pout[1], 1) == -1) ||
		    (sp->out == OC_PROC_NULL && child_fd(devnull, 1) == -1) ||
		    (sp->err == OC_PROC_PIPE && child_fd(perr[1], 2) == -1) ||
		    (sp->err == OC_PROC_NULL && child_fd(devnull, 2) == -1) ||
		    (sp->dir != NULL && chdir(sp->dir) == -1))
			e = errno;
		if (e == 0 && sp->core && start_core_set)
			(void)setrlimit(RLIMIT_CORE, &start_core);
		if (e == 0) {
			execve(path, sp->argv, sp->envp);
			e = errno;
		}
		while (write(xp[1], &e, sizeof e) == -1 && errno == EINTR)
			;
		_exit(127);
	}
	if (sp->new_pgrp) {
		(void)setpgid(pr->pid, pr->pid);	/* both sides: no race */
		pr->pgrp = 1;
	}
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	close_fd(&xp[1]);
	close_fd(&devnull);
	do
		r = read(xp[0], &e, sizeof e);
	while (r == -1 && errno == EINTR);
	close_fd(&xp[0]);
	free(found);
	pr->in = pin[1];
	pr->out = pout[0];
	pr->err = perr[0];
	if (r == (ssize_t)sizeof e) {
		/* execve (or the set-up before it) failed: the child is gone
		 * with 127. */
		oc_proc_reap(pr, NULL);
		oc_err_set(err, OC_EX_UNAVAILABLE, "%s: %s", sp->path,
		    strerror(e));
		errno = e;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	close_fd(&pin[0]);
	close_fd(&pin[1]);
	close_fd(&pout[0]);
	close_fd(&pout[1]);
	close_fd(&perr[0]);
	close_fd(&perr[1]);
	close_fd(&xp[0]);
	close_fd(&xp[1]);
	close_fd(&devnull);
	free(found);
	oc_err_set(err, OC_EX_UNAVAILABLE, "cannot start %s: %s", sp->path,
	    strerror(saved));
	errno = saved;
	return -1;
}

static void
oc_proc_kill(struct oc_proc *pr)
{
	if (pr->pid <= 0)
		return;
	if (pr->pgrp)
		(void)kill(-pr->pid, SIGKILL);
	(void)kill(pr->pid, SIGKILL);
}

/* Close our pipe ends and wait for the child. */
static int
oc_proc_reap(struct oc_proc *pr, int *status)
{
	int st = 0, r = 0;

	close_fd(&pr->in);
	close_fd(&pr->out);
	close_fd(&pr->err);
	if (pr->pid > 0) {
		while ((r = (int)waitpid(pr->pid, &st, 0)) == -1 &&
		    errno == EINTR)
			;
		pr->pid = -1;
	}
	if (pr->chld_reset)
		sigaction(SIGCHLD, &pr->old_chld, NULL);
	pr->chld_reset = 0;
	if (status != NULL)
		*status = st;
	return r == -1 ? -1 : 0;
}

/* Read what fd holds now into the right place; 1 at EOF, 0 otherwise,
 * -1 on an error. */
static int
drain(int fd, int is_err, struct oc_proc_io *io, size_t *total, int *toobig)
{
	char buf[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? 0 : -1;
		if (n == 0)
			return 1;
		*total += (size_t)n;
		if (io->max_out > 0 && *total > io->max_out) {
			oc_secret_wipe(buf, sizeof buf);
			*toobig = 1;
			return 0;
		}
		if (is_err && io->on_err != NULL)
			io->on_err(buf, (size_t)n, io->arg);
		else if (is_err && io->err != NULL)
			oc_buf_add(io->err, buf, (size_t)n);
		else if (!is_err && io->out != NULL)
			oc_buf_add(io->out, buf, (size_t)n);
		if (!is_err && io->on_out != NULL)
			io->on_out(buf, (size_t)n, io->arg);
		oc_secret_wipe(buf, (size_t)n);
	}
}

enum oc_proc_end
oc_proc_run(struct oc_proc *pr, struct oc_proc_io *io, int *status)
{
	struct sigaction ign, old_pipe;
	int64_t start = oc_time_mono_ms(), last = start;
	enum oc_proc_end end = OC_PROC_EXITED;
	size_t sent = 0, total = 0;
	int toobig = 0, exited = 0, st = 0;

	*status = 0;
	if (pr->in >= 0) {
		if (io->in == NULL || io->in_len == 0)
			close_fd(&pr->in);
		else
			(void)fcntl(pr->in, F_SETFL,
			    fcntl(pr->in, F_GETFL) | O_NONBLOCK);
	}
	if (pr->out >= 0)
		(void)fcntl(pr->out, F_SETFL, fcntl(pr->out, F_GETFL) |
		    O_NONBLOCK);
	if (pr->err >= 0)
		(void)fcntl(pr->err, F_SETFL, fcntl(pr->err, F_GETFL) |
		    O_NONBLOCK);
	/* A child that stops reading its stdin costs us an EPIPE, not the
	 * process. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old_pipe);
	for (;;) {
		struct pollfd pf[3];
		int np = 0, i, wait = -1;
		int64_t now = oc_time_mono_ms();

		if (io->timeout_ms > 0 && now - start >= io->timeout_ms) {
			end = OC_PROC_TIMEOUT;
			break;
		}
		if (io->idle_ms > 0 && now - last >= io->idle_ms) {
			end = OC_PROC_IDLE;
			break;
		}
		if (io->timeout_ms > 0)
			wait = (int)(io->timeout_ms - (now - start));
		if (io->idle_ms > 0 && (wait < 0 ||
		    io->idle_ms - (now - last) < wait))
			wait = (int)(io->idle_ms - (now - last));
		if (io->until_exit && (wait < 0 || wait > 100))
			wait = 100;
		if (pr->out >= 0)
			pf[np++] = (struct pollfd){ pr->out, POLLIN, 0 };
		if (pr->err >= 0)
			pf[np++] = (struct pollfd){ pr->err, POLLIN, 0 };
		if (pr->in >= 0)
			pf[np++] = (struct pollfd){ pr->in, POLLOUT, 0 };
		if (np == 0)
			break;
		if (poll(pf, (nfds_t)np, wait) == -1 && errno != EINTR) {
			end = OC_PROC_FAILED;
			break;
		}
		for (i = 0; i < np; i++) {
			int r;

			if (pf[i].revents == 0)
				continue;
			if (pf[i].fd == pr->in) {
				ssize_t w = write(pr->in,
				    (const char *)io->in + sent,
				    io->in_len - sent);

				if (w > 0)
					sent += (size_t)w;
				/* EPIPE: it did not want (all of) stdin */
				if ((w == -1 && errno != EAGAIN &&
				    errno != EINTR) || sent == io->in_len)
					close_fd(&pr->in);
				continue;
			}
			r = drain(pf[i].fd, pf[i].fd == pr->err, io, &total,
			    &toobig);
			if (r != 0)
				close_fd(pf[i].fd == pr->out ? &pr->out :
				    &pr->err);
			last = oc_time_mono_ms();
		}
		if (toobig) {
			end = OC_PROC_TOOBIG;
			break;
		}
		if (io->until_exit) {
			/* A process the command left behind may hold its
			 * pipes open for long: stop at the command's exit,
			 * with what it wrote before. */
			pid_t w = waitpid(pr->pid, &st, WNOHANG);

			if (w == pr->pid) {
				exited = 1;
				if (pr->out >= 0)
					(void)drain(pr->out, 0, io, &total,
					    &toobig);
				if (pr->err >= 0)
					(void)drain(pr->err, 1, io, &total,
					    &toobig);
				break;
			}
		}
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (end != OC_PROC_EXITED)
		oc_proc_kill(pr);
	if (exited) {
		pr->pid = -1;
		oc_proc_reap(pr, NULL);
		*status = st;
	} else
		oc_proc_reap(pr, status);
	return end;
}
