/* vigil-node-launcher: bound over /usr/bin/node inside every sandbox (filesystem.cpp). Runs the
 * real Node binary, bound at /opt/nodejs/bin/node, with VIGIL's runtime hook preloaded:
 *
 *     argv[0] --require /opt/nodejs/runtime/hook.cjs argv[1..]
 *
 * Every way of starting Node inside the sandbox — a shell, npm's run-script, child_process.fork
 * of process.execPath — ends up here, so the hook is re-applied in every Node process without an
 * environment variable a package could read. argv[0] is passed through unchanged so
 * process.argv0 is what the caller asked for; the hook restores execPath/execArgv itself.
 * Deliberately tiny and libc-only: it runs as the sandbox user, after seccomp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIGIL_REAL_NODE "/opt/nodejs/bin/node"
#define VIGIL_HOOK "/opt/nodejs/runtime/hook.cjs"

extern char** environ;

/* With libfaketime preloaded (the sandbox's /etc/ld.so.preload), Node's monotonic clock must stay
 * real: the hook's event times are merged with the kernel's by CLOCK_MONOTONIC, and libuv's timers
 * run on it. libfaketime reads this once at start; the hook then removes it from the environment
 * (and from /proc/self/environ), so neither the package nor its children see it. Appended last,
 * where the hook's scrub leaves only trailing NULs. */
#define VIGIL_REAL_MONOTONIC "FAKETIME_DONT_FAKE_MONOTONIC=1"

static char** nodeEnvironment(void) {
    size_t n = 0, kept = 0;
    char** env;
    if (access("/etc/faketimerc", F_OK) != 0)
        return environ;
    while (environ[n] != NULL)
        ++n;
    env = calloc(n + 2, sizeof *env);
    if (env == NULL)
        return environ;
    /* libfaketime's shared-memory handle, which it exports to the children of every process it
     * starts in: Node's own copy creates its own (on the heap, where the hook unsets it), so none
     * is left in Node's initial environment for /proc/self/environ to show. */
    for (n = 0; environ[n] != NULL; ++n)
        if (strncmp(environ[n], "FAKETIME_SHARED=", 16) != 0)
            env[kept++] = environ[n];
    env[kept] = (char*)VIGIL_REAL_MONOTONIC;
    return env;
}

int main(int argc, char** argv) {
    char** args = calloc((size_t)argc + 3, sizeof *args);
    int i;
    if (args == NULL) {
        fputs("node: out of memory\n", stderr);
        return 1;
    }
    args[0] = argc > 0 ? argv[0] : (char*)"node";
    args[1] = (char*)"--require";
    args[2] = (char*)VIGIL_HOOK;
    for (i = 1; i < argc; ++i)
        args[i + 2] = argv[i];
    args[argc + 2 > 3 ? argc + 2 : 3] = NULL;
    execve(VIGIL_REAL_NODE, args, nodeEnvironment());
    fprintf(stderr, "node: %s\n", strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
