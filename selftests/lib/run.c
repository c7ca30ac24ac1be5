// SPDX-License-Identifier: GPL-2.0
/*
 * Program runner for selftests (see run.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "run.h"

struct capture {
	int fd;
	char *buf;
	size_t len;
};

static void child_env(const char *const *env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');

		if (eq) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(eq - *env),
				 *env);
			setenv(name, eq + 1, 1);
		} else {
			unsetenv(*env);
		}
	}
}

static void child(const char *const *argv, const struct run_opts *o,
		  int out, int err)
{
	if (dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	if (o) {
		child_env(o->env);
		if (o->uid && (setgroups(0, NULL) || setgid(o->gid) ||
			       setuid(o->uid)))
			_exit(126);
	}
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* Reads what is there; returns false at end of file. */
static bool drain(struct capture *c)
{
	char chunk[4096];
	ssize_t n = read(c->fd, chunk, sizeof(chunk));
	char *p;

	if (n <= 0)
		return n < 0 && errno == EINTR;
	p = realloc(c->buf, c->len + n + 1);
	if (!p)
		return false;
	memcpy(p + c->len, chunk, n);
	c->len += n;
	p[c->len] = '\0';
	c->buf = p;
	return true;
}

static void capture_both(struct capture *c)
{
	struct pollfd p[2] = { { c[0].fd, POLLIN, 0 }, { c[1].fd, POLLIN, 0 } };
	int open_fds = 2, i;

	while (open_fds) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if (!drain(&c[i])) {
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int run_program(const char *const *argv, const struct run_opts *opts,
		struct run_result *r)
{
	struct capture c[2] = { { -1, NULL, 0 }, { -1, NULL, 0 } };
	int po[2], pe[2], status, i;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(argv, opts, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	c[0].fd = po[0];
	c[1].fd = pe[0];
	capture_both(c);
	for (i = 0; i < 2; i++)
		close(c[i].fd);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	r->exit_code = exit_code(status);
	r->out = c[0].buf ? c[0].buf : strdup("");
	r->err = c[1].buf ? c[1].buf : strdup("");
	return 0;
}

void run_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
