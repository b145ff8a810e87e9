/* vigil-node-launcher: bound over /usr/bin/node inside every sandbox (filesystem.cpp). Runs the
 * real Node binary, bound at /opt/nodejs/bin/node, with VIGIL's runtime hook preloaded, with the
 * caller's argv unchanged and the hook named by a NODE_OPTIONS entry at the end of the environment:
 *
 *     <caller's env> NODE_OPTIONS=--require <kRuntimeDir>/hook.cjs[ <caller's NODE_OPTIONS>]
 *
 * Every way of starting Node inside the sandbox — a shell, npm's run-script, child_process.fork
 * of process.execPath — ends up here, so the hook is re-applied in every Node process; options
 * from NODE_OPTIONS also apply to the process's worker threads. Not in argv: /proc/self/cmdline
 * is a fixed-size region of the process's memory (arg_start..arg_end), so words removed from it
 * after the start leave NUL padding. The hook removes the entry from process.env and from
 * /proc/self/environ instead (hook.cjs), where the same padding is left at the region's end.
 * At the end because the scrub must not move the strings libc's environ still points to. The
 * caller's own NODE_OPTIONS entry is taken out of its place (getenv would find it first) and its
 * value follows the hook's; the hook puts it back, last.
 * argv[0] is passed through unchanged so process.argv0 is what the caller asked for; the hook
 * restores execPath itself.
 * Deliberately tiny and libc-only: it runs as the sandbox user, after seccomp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIGIL_REAL_NODE "/opt/nodejs/bin/node"
#define VIGIL_NODE_OPTIONS "NODE_OPTIONS=--require /opt/nodejs/lib/node_modules/npm/lib/cli/hook.cjs"

extern char** environ;

/* With libfaketime preloaded (the sandbox's /etc/ld.so.preload), Node's monotonic clock must stay
 * real: the hook's event times are merged with the kernel's by CLOCK_MONOTONIC, and libuv's timers
 * run on it. libfaketime reads this once at start; the hook then removes it from the environment
 * (and from /proc/self/environ), so neither the package nor its children see it. Appended last,
 * where the hook's scrub leaves only trailing NULs. */
#define VIGIL_REAL_MONOTONIC "FAKETIME_DONT_FAKE_MONOTONIC=1"

/* The caller's environment without its NODE_OPTIONS and, under libfaketime, without its
 * inherited shared-memory handle; then the hook's NODE_OPTIONS and the monotonic switch. */
static char** nodeEnvironment(void) {
    size_t n = 0, kept = 0;
    char** env;
    const char* callerOptions = getenv("NODE_OPTIONS");
    const int faketime = access("/etc/faketimerc", F_OK) == 0;
    while (environ[n] != NULL)
        ++n;
    env = calloc(n + 3, sizeof *env);
    if (env == NULL)
        return NULL;
    /* libfaketime's shared-memory handle, which it exports to the children of every process it
     * starts in: Node's own copy creates its own (on the heap, where the hook unsets it), so none
     * is left in Node's initial environment for /proc/self/environ to show. */
    for (n = 0; environ[n] != NULL; ++n)
        if (strncmp(environ[n], "NODE_OPTIONS=", 13) != 0 &&
            (!faketime || strncmp(environ[n], "FAKETIME_SHARED=", 16) != 0))
            env[kept++] = environ[n];
    if (callerOptions != NULL && *callerOptions != '\0') {
        env[kept] = malloc(sizeof VIGIL_NODE_OPTIONS + 1 + strlen(callerOptions));
        if (env[kept] == NULL)
            return NULL;
        sprintf(env[kept], "%s %s", VIGIL_NODE_OPTIONS, callerOptions);
    } else {
        env[kept] = (char*)VIGIL_NODE_OPTIONS;
    }
    ++kept;
    if (faketime)
        env[kept] = (char*)VIGIL_REAL_MONOTONIC;
    return env;
}

int main(int argc, char** argv) {
    char** env = nodeEnvironment();
    char* fallback[] = {(char*)"node", NULL};
    if (env == NULL) {
        fputs("node: out of memory\n", stderr);
        return 1;
    }
    execve(VIGIL_REAL_NODE, argc > 0 ? argv : fallback, env);
    fprintf(stderr, "node: %s\n", strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
