/* Runs inside the sandbox for the tracer tests: performs one of each file, network and env call
 * with arguments the test knows, through the less common entry points (dirfds, *at2, fd-only). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    char* const noArgs[] = {"nope", NULL};
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(5353)};
    struct sockaddr_in here = {.sin_family = AF_INET, .sin_port = htons(4567)};
    int dir, fd, s;

    if (mkdir("/tmp/probe", 0750) != 0 || chdir("/tmp/probe") != 0)
        return 1;
    dir = open("/tmp/probe", O_RDONLY | O_DIRECTORY);
    /* relative to a dirfd, and relative to the cwd with "..": both must come out absolute */
    fd = openat(dir, "made.txt", O_WRONLY | O_CREAT | O_TRUNC, 0640);
    if (fd < 0 || write(fd, "x", 1) != 1)
        return 2;
    fchmod(fd, 0604);
    fchown(fd, 1000, 1000);
    close(fd);
    fd = (int)syscall(SYS_openat2, dir, "made.txt", &how, sizeof how);
    close(fd);
    renameat2(dir, "made.txt", AT_FDCWD, "../probe/moved.txt", 0);
    symlinkat("moved.txt", dir, "link");
    linkat(AT_FDCWD, "moved.txt", dir, "hard", 0);
    mkdirat(dir, "sub", 0700);
    unlinkat(dir, "sub", AT_REMOVEDIR);
    unlinkat(dir, "hard", 0);

    if (getenv("VIGIL_PROBE_NAME") == NULL || secure_getenv("VIGIL_PROBE_SECURE") == NULL)
        return 3;

    inet_pton(AF_INET, "198.51.100.7", &to.sin_addr);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    sendto(s, "q", 1, 0, (struct sockaddr*)&to, sizeof to);
    close(s);
    s = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, "127.0.0.1", &here.sin_addr);
    bind(s, (struct sockaddr*)&here, sizeof here);
    listen(s, 7);
    close(s);
    s = socket(AF_INET, SOCK_STREAM, 0);
    to.sin_port = htons(8443);
    connect(s, (struct sockaddr*)&to, sizeof to);
    close(s);

    execv("/tmp/probe/does-not-exist", noArgs); /* fails: a failed exec is an event too */
    return 0;
}
