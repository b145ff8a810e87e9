/* sandbox_probe: runs inside the sandbox during the privileged tests and reports, one
 * "name=errno" line each, what the kernel answered to calls the sandbox must refuse. 0 means the
 * call went through. Every call is made with arguments that are harmless if it does. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char* name, long rc) {
    printf("%s=%d\n", name, rc < 0 ? errno : 0);
}

static void syscalls(void) {
    char buf[16];
    struct iovec local = {buf, sizeof buf}, remote = {buf, sizeof buf};
    union bpf_attr battr;
    struct perf_event_attr pattr;
    struct { unsigned int bytes; int type; unsigned char h[8]; } handle = {8, 1, {0}};
    long rc;
    memset(&battr, 0, sizeof battr);
    memset(&pattr, 0, sizeof pattr);
    pattr.size = sizeof pattr;
    report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
    report("umount2", umount2("/proc", MNT_DETACH));
    report("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
    report("bpf", syscall(SYS_bpf, BPF_PROG_LOAD, &battr, sizeof battr));
    report("ptrace_attach", ptrace(PTRACE_ATTACH, 1, 0, 0));
    report("ptrace_traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
    report("unshare_user", unshare(CLONE_NEWUSER));
    report("unshare_net", unshare(CLONE_NEWNET));
    report("setns", setns(0, 0));
    rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (rc == 0)
        _exit(0);
    if (rc > 0)
        waitpid((pid_t)rc, NULL, 0);
    report("clone_newuser", rc);
    report("clone3", syscall(SYS_clone3, NULL, 0));
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -2, 0));
    report("add_key", syscall(SYS_add_key, "user", "vigil", "x", 1, -2));
    report("request_key", syscall(SYS_request_key, "user", "vigil", NULL, 0));
    report("perf_event_open", syscall(SYS_perf_event_open, &pattr, 0, -1, -1, 0));
    report("userfaultfd", syscall(SYS_userfaultfd, 0));
    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    report("init_module", syscall(SYS_init_module, NULL, 0, ""));
    report("finit_module", syscall(SYS_finit_module, 0, "", 0));
    report("delete_module", syscall(SYS_delete_module, "vigil_nonexistent", 0));
    report("process_vm_readv", syscall(SYS_process_vm_readv, getppid(), &local, 1, &remote, 1, 0));
    report("process_vm_writev", syscall(SYS_process_vm_writev, getppid(), &local, 1, &remote, 1, 0));
    report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, &handle, O_RDONLY));
    report("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
    report("swapon", syscall(SYS_swapon, "/nonexistent", 0));
    report("swapoff", syscall(SYS_swapoff, "/nonexistent"));
    report("acct", syscall(SYS_acct, NULL));
    report("syslog", syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
    report("iopl", syscall(SYS_iopl, 3));
    report("ioperm", syscall(SYS_ioperm, 0x80, 1, 1));
    report("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL));
    report("raw_socket", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    report("packet_socket", socket(AF_PACKET, SOCK_RAW, 0));
}

static void connectTo(const char* ip, int port) {
    struct sockaddr_in a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    report("connect", connect(s, (struct sockaddr*)&a, sizeof a));
}

int main(int argc, char** argv) {
    if (argc >= 2 && strcmp(argv[1], "syscalls") == 0)
        syscalls();
    else if (argc >= 4 && strcmp(argv[1], "connect") == 0)
        connectTo(argv[2], atoi(argv[3]));
    else if (argc >= 2 && strcmp(argv[1], "ids") == 0)
        printf("uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
    else {
        fprintf(stderr, "usage: sandbox_probe syscalls | connect IP PORT | ids\n");
        return 2;
    }
    return 0;
}
