/* Process family: fork, exec (path, argv, env variable NAMES) and exit, from the tp_btf sched
 * tracepoints. Threads are not processes: a fork is reported only when it makes a new thread
 * group, an exit only when the last thread of a group leaves.
 */
#include "bpf/vigil_common.bpf.h"

/* The new image's environment block is copied here before its names are picked out: values never
 * leave the kernel (they hold the run's honeytokens, among others). */
#define VIGIL_ENV_READ 8192u
struct vigil_envbuf {
    char raw[VIGIL_ENV_READ];
};
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct vigil_envbuf);
} vigil_envbuf SEC(".maps");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(vigil_fork, struct task_struct *parent, struct task_struct *child) {
    struct vigil_scratch *s;
    unsigned int level = 0;
    if (!vigil_in_run())
        return 0;
    if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
        return 0; /* a new thread */
    s = vigil_begin(VIGIL_TRACE_FORK, parent);
    if (!s)
        return 0;
    s->rec.arg0 = (__u64)(__s64)vigil_pid_nr(BPF_CORE_READ(child, thread_pid), &level);
    vigil_submit(s, 0);
    return 0;
}

struct vigil_env_walk {
    struct vigil_scratch *s;
    struct vigil_envbuf *env;
    __u32 n;       /* bytes in env->raw */
    __u32 out;     /* next write offset in s->data */
    __u32 start;   /* where the names begin */
    int in_value;  /* between '=' and the terminating NUL */
};

/* One byte of the environment block: names are copied, each closed by a NUL; values skipped. */
static long vigil_env_byte(__u64 i, void *ctx) {
    struct vigil_env_walk *w = ctx;
    char c;
    if (i >= w->n || !w->s || !w->env)
        return 1;
    c = w->env->raw[i & (VIGIL_ENV_READ - 1)];
    if (w->in_value) {
        if (c == '\0')
            w->in_value = 0;
        return 0;
    }
    if (w->out - w->start >= VIGIL_TRACE_MAX_ARGS - 1) {
        w->s->rec.flags |= VIGIL_TRACE_F_STR_TRUNC;
        return 1;
    }
    if (c == '=') {
        c = '\0';
        w->in_value = 1;
    }
    w->s->data[w->out & VIGIL_DATA_MASK] = c;
    w->out++;
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
    struct vigil_scratch *s;
    struct vigil_envbuf *env;
    struct mm_struct *mm;
    unsigned long a0, a1;
    __u32 off = 0, zero = 0;
    __u64 len;
    char first = 0;
    const char *filename;
    if (!vigil_in_run())
        return 0;
    s = vigil_begin(VIGIL_TRACE_EXEC, p);
    if (!s)
        return 0;
    /* The path as the kernel copied it from execve's argument; relative ones are made absolute
     * against the cwd like any other path. */
    filename = BPF_CORE_READ(bprm, filename);
    bpf_probe_read_kernel(&first, 1, filename);
    if (first != '/') {
        struct path root, pwd;
        BPF_CORE_READ_INTO(&root, p, fs, root);
        BPF_CORE_READ_INTO(&pwd, p, fs, pwd);
        vigil_put_dentry_path(s, &off, 0, &pwd, &root, VIGIL_TRACE_F_BASE0_TRUNC);
    }
    vigil_put_kernel_str(s, &off, 1, filename);

    /* argv lies in the new mm, already copied there by the kernel (resident). */
    mm = BPF_CORE_READ(p, mm);
    a0 = BPF_CORE_READ(mm, arg_start);
    a1 = BPF_CORE_READ(mm, arg_end);
    len = a1 > a0 ? a1 - a0 : 0;
    if (len > VIGIL_TRACE_MAX_ARGS) {
        len = VIGIL_TRACE_MAX_ARGS;
        s->rec.flags |= VIGIL_TRACE_F_STR_TRUNC;
    }
    if (len > 0 && bpf_probe_read_user(&s->data[off & VIGIL_DATA_MASK], len, (void *)a0) == 0) {
        s->rec.str_len[2] = (__u16)len;
        off += (__u32)len;
    }

    env = bpf_map_lookup_elem(&vigil_envbuf, &zero);
    a0 = BPF_CORE_READ(mm, env_start);
    a1 = BPF_CORE_READ(mm, env_end);
    len = a1 > a0 ? a1 - a0 : 0;
    if (len > VIGIL_ENV_READ) {
        len = VIGIL_ENV_READ;
        s->rec.flags |= VIGIL_TRACE_F_STR_TRUNC;
    }
    if (env && len > 0 && bpf_probe_read_user(env->raw, len, (void *)a0) == 0) {
        struct vigil_env_walk w = {.s = s, .env = env, .n = (__u32)len, .out = off, .start = off};
        bpf_loop(VIGIL_ENV_READ, vigil_env_byte, &w, 0);
        s->rec.str_len[3] = (__u16)(w.out - off);
        off = w.out;
    }
    vigil_submit(s, off);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(vigil_exit, struct task_struct *p, bool group_dead) {
    struct vigil_scratch *s;
    struct signal_struct *sig;
    __u32 code;
    if (!vigil_in_run() || !group_dead)
        return 0;
    s = vigil_begin(VIGIL_TRACE_EXIT, p);
    if (!s)
        return 0;
    /* A group exit (exit_group, a fatal signal) records its status in the signal struct. */
    sig = BPF_CORE_READ(p, signal);
    code = BPF_CORE_READ(p, exit_code);
    if (BPF_CORE_READ(sig, flags) & 0x00000004 /* SIGNAL_GROUP_EXIT */)
        code = BPF_CORE_READ(sig, group_exit_code);
    s->rec.arg0 = code;
    vigil_submit(s, 0);
    return 0;
}
