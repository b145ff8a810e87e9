/* File family: open/creat/openat/openat2, unlink/unlinkat/rmdir, rename*, chmod*, chown*, mkdir*,
 * symlink*, link*, and failed execve/execveat (a successful exec is the process family's).
 *
 * One tp_btf program on the raw sys_exit tracepoint: at syscall exit the saved user registers still
 * hold the arguments (x86_64 never writes them back), the return value is known, and user-space
 * strings are read only now, when their pages are resident (ARCHITECTURE §5: ~2% are empty at
 * sys_enter). One program instead of one per syscall keeps load time and per-syscall cost low; the
 * syscall is first normalised into (kind, up to two dirfd/path pairs, two args) so the dentry walk
 * is emitted twice in the program, not once per syscall. `regs` is a BTF pointer: its fields are
 * read directly (a load), not through bpf_probe_read — this program runs on every syscall.
 */
#include "bpf/vigil_common.bpf.h"

/* x86_64 syscall numbers (the helper and skeleton are built for __TARGET_ARCH_x86 only). */
#define NR_open 2
#define NR_execve 59
#define NR_rename 82
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_creat 85
#define NR_link 86
#define NR_unlink 87
#define NR_symlink 88
#define NR_chmod 90
#define NR_fchmod 91
#define NR_chown 92
#define NR_fchown 93
#define NR_lchown 94
#define NR_openat 257
#define NR_mkdirat 258
#define NR_fchownat 260
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_linkat 265
#define NR_symlinkat 266
#define NR_fchmodat 268
#define NR_renameat2 316
#define NR_execveat 322
#define NR_openat2 437
#define NR_fchmodat2 452

#define O_CREAT_ 0100
#define AT_REMOVEDIR_ 0x200

struct vigil_file_call {
    __u16 kind;
    __s8 fd_only; /* path 0 is given by fd0 alone */
    __s8 has_path1;
    int fd0, fd1;
    const char *p0, *p1;
    __u64 a0, a1, a2;
};

/* Maps a syscall onto the record's shape; 0 when the syscall is not one of ours. */
static __always_inline int vigil_file_normalise(long nr, struct pt_regs *regs, struct vigil_file_call *c) {
    unsigned long di = regs->di, si = regs->si, dx = regs->dx;
    unsigned long r10 = regs->r10, r8 = regs->r8;
    c->fd0 = VIGIL_AT_FDCWD;
    c->fd1 = VIGIL_AT_FDCWD;
    switch (nr) {
    case NR_open:
        c->kind = VIGIL_TRACE_OPEN; c->p0 = (const char *)di; c->a0 = si; c->a1 = dx;
        break;
    case NR_creat:
        /* creat(p, m) is open(p, O_CREAT|O_WRONLY|O_TRUNC, m) */
        c->kind = VIGIL_TRACE_OPEN; c->p0 = (const char *)di; c->a0 = 01101; c->a1 = si;
        break;
    case NR_openat:
        c->kind = VIGIL_TRACE_OPEN; c->fd0 = (int)di; c->p0 = (const char *)si; c->a0 = dx; c->a1 = r10;
        break;
    case NR_openat2: {
        struct open_how how = {};
        bpf_probe_read_user(&how, sizeof(how), (void *)dx);
        c->kind = VIGIL_TRACE_OPEN; c->fd0 = (int)di; c->p0 = (const char *)si; c->a0 = how.flags; c->a1 = how.mode;
        break;
    }
    case NR_unlink:
        c->kind = VIGIL_TRACE_UNLINK; c->p0 = (const char *)di;
        break;
    case NR_rmdir:
        c->kind = VIGIL_TRACE_UNLINK; c->p0 = (const char *)di; c->a0 = 1;
        break;
    case NR_unlinkat:
        c->kind = VIGIL_TRACE_UNLINK; c->fd0 = (int)di; c->p0 = (const char *)si; c->a0 = (dx & AT_REMOVEDIR_) ? 1 : 0;
        break;
    case NR_rename:
        c->kind = VIGIL_TRACE_RENAME; c->p0 = (const char *)di; c->p1 = (const char *)si; c->has_path1 = 1;
        break;
    case NR_renameat:
    case NR_renameat2:
        c->kind = VIGIL_TRACE_RENAME; c->fd0 = (int)di; c->p0 = (const char *)si;
        c->fd1 = (int)dx; c->p1 = (const char *)r10; c->has_path1 = 1;
        c->a0 = nr == NR_renameat2 ? r8 : 0;
        break;
    case NR_chmod:
        c->kind = VIGIL_TRACE_CHMOD; c->p0 = (const char *)di; c->a0 = si;
        break;
    case NR_fchmod:
        c->kind = VIGIL_TRACE_CHMOD; c->fd_only = 1; c->fd0 = (int)di; c->a0 = si;
        break;
    case NR_fchmodat:
    case NR_fchmodat2:
        c->kind = VIGIL_TRACE_CHMOD; c->fd0 = (int)di; c->p0 = (const char *)si; c->a0 = dx;
        break;
    case NR_chown:
    case NR_lchown:
        c->kind = VIGIL_TRACE_CHOWN; c->p0 = (const char *)di; c->a0 = (__u32)si; c->a1 = (__u32)dx;
        break;
    case NR_fchown:
        c->kind = VIGIL_TRACE_CHOWN; c->fd_only = 1; c->fd0 = (int)di; c->a0 = (__u32)si; c->a1 = (__u32)dx;
        break;
    case NR_fchownat:
        c->kind = VIGIL_TRACE_CHOWN; c->fd0 = (int)di; c->p0 = (const char *)si; c->a0 = (__u32)dx; c->a1 = (__u32)r10;
        break;
    case NR_mkdir:
        c->kind = VIGIL_TRACE_MKDIR; c->p0 = (const char *)di; c->a0 = si;
        break;
    case NR_mkdirat:
        c->kind = VIGIL_TRACE_MKDIR; c->fd0 = (int)di; c->p0 = (const char *)si; c->a0 = dx;
        break;
    case NR_symlink:
        /* path 0 = the target, kept verbatim (it is content, not resolved now) */
        c->kind = VIGIL_TRACE_SYMLINK; c->p0 = (const char *)di; c->p1 = (const char *)si; c->has_path1 = 1;
        break;
    case NR_symlinkat:
        c->kind = VIGIL_TRACE_SYMLINK; c->p0 = (const char *)di; c->fd1 = (int)si; c->p1 = (const char *)dx;
        c->has_path1 = 1;
        break;
    case NR_link:
        c->kind = VIGIL_TRACE_LINK; c->p0 = (const char *)di; c->p1 = (const char *)si; c->has_path1 = 1;
        break;
    case NR_linkat:
        c->kind = VIGIL_TRACE_LINK; c->fd0 = (int)di; c->p0 = (const char *)si;
        c->fd1 = (int)dx; c->p1 = (const char *)r10; c->has_path1 = 1; c->a0 = r8;
        break;
    case NR_execve:
        c->kind = VIGIL_TRACE_EXEC; c->p0 = (const char *)di;
        break;
    case NR_execveat:
        c->kind = VIGIL_TRACE_EXEC; c->fd0 = (int)di; c->p0 = (const char *)si;
        break;
    default:
        return 0;
    }
    return 1;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_file_exit, struct pt_regs *regs, long ret) {
    struct vigil_file_call c = {};
    struct vigil_scratch *s;
    __u32 off = 0;
    long nr;
    if (!vigil_in_run())
        return 0;
    nr = regs->orig_ax;
    if (!vigil_file_normalise(nr, regs, &c))
        return 0;
    /* A successful execve is reported by sched_process_exec with argv and env names; by the time
     * it returns, the registers belong to the new image. */
    if (c.kind == VIGIL_TRACE_EXEC && ret == 0)
        return 0;
    s = vigil_begin(c.kind, (struct task_struct *)bpf_get_current_task());
    if (!s)
        return 0;
    s->rec.nr = (__u32)nr;
    s->rec.ret = ret;
    s->rec.arg0 = c.a0;
    s->rec.arg1 = c.a1;
    s->rec.arg2 = c.a2;
    if (c.fd_only)
        vigil_put_fd_path(s, &off, 0, c.fd0, VIGIL_TRACE_F_BASE0_TRUNC);
    else if (c.kind == VIGIL_TRACE_SYMLINK)
        vigil_put_user_str(s, &off, 1, c.p0);
    else
        vigil_put_path_at(s, &off, 0, c.fd0, c.p0, VIGIL_TRACE_F_BASE0_TRUNC);
    if (c.has_path1)
        vigil_put_path_at(s, &off, 2, c.fd1, c.p1, VIGIL_TRACE_F_BASE2_TRUNC);
    vigil_submit(s, off);
    return 0;
}
