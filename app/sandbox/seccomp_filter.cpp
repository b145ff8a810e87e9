// Stage 7b: seccomp. Default allow, a deny list answered with EPERM (so programs see an ordinary
// "not permitted" and go on, which is what we want to observe), foreign architectures killed.
#include "app/sandbox/seccomp_filter.h"

#include <cerrno>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

// Everything that changes the kernel, the mount tree, namespaces, other processes' memory, or
// hides activity from the tracer. Names unknown to this architecture are skipped.
constexpr const char* kDenied[] = {
    "mount", "umount", "umount2", "pivot_root", "chroot",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "bpf", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "keyctl", "add_key", "request_key", "perf_event_open", "userfaultfd",
    "unshare", "setns", "open_by_handle_at", "name_to_handle_at", "reboot", "swapon", "swapoff",
    "acct", "syslog", "iopl", "ioperm", "lookup_dcookie", "quotactl", "vhangup", "fanotify_init",
    // io_uring performs file and network operations without the syscalls the tracer watches.
    "io_uring_setup", "io_uring_enter", "io_uring_register",
};

// Any of these in clone()'s flags would create a namespace.
constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
                                             CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};

void add(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned count, const scmp_arg_cmp* args, const char* what) {
    const int rc = seccomp_rule_add_array(ctx, action, nr, count, args);
    if (rc != 0) {
        errno = -rc;
        die("seccomp_rule_add", what);
    }
}

}  // namespace

void* buildSeccompFilter() {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr)
        dieWith(VIGIL_ERR_SETUP, "seccomp_init failed", "is libseccomp installed and the kernel built with seccomp?");
    // A syscall made through another ABI (int 0x80 on x86_64) would bypass the native rules.
    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    for (const char* name : kDenied) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR)
            continue;
        add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0, nullptr, name);
    }
    // clone3 passes its flags in memory, which seccomp cannot read: ENOSYS makes libc fall back to
    // clone(), whose flags are a register we can check.
    add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, nullptr, "clone3");
    for (unsigned long flag : kNamespaceFlags) {
        scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag);
        add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, &cmp, "clone with a namespace flag");
    }
    // Pushing bytes into the input of a terminal the sandbox might share.
    for (unsigned long request : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)}) {
        scmp_arg_cmp cmp = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, request);
        add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, &cmp, "ioctl TIOCSTI/TIOCLINUX");
    }
    return ctx;
}

std::vector<int> deniedSyscallNumbers() {
    std::vector<int> nrs;
    for (const char* name : kDenied) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr != __NR_SCMP_ERROR && nr >= 0)
            nrs.push_back(nr);
    }
    nrs.push_back(SCMP_SYS(clone));
    return nrs;
}

void loadSeccompFilter(void* filter) {
    const int rc = seccomp_load(static_cast<scmp_filter_ctx>(filter));
    if (rc != 0) {
        errno = -rc;
        die("seccomp_load", "the sandbox filter", "no_new_privs must be set before the filter is loaded");
    }
}

}  // namespace vigil::sandbox
