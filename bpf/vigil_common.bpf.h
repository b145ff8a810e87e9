/* @brief What every VIGIL BPF program shares: the run filter, the record scratch, the ring buffer,
 * sandbox pid numbers and the bounded dentry walk that makes relative paths absolute.
 *
 * Each *.bpf.c includes this once. The shared maps, the filter and the license are __weak: the
 * per-family objects are statically linked into one (bpftool gen object) whose skeleton the helper
 * loads, so they become one ring buffer, one drop counter and one filter value — and libbpf parses
 * the kernel's BTF once per run, not once per family (that parse is most of the load time).
 */
#ifndef VIGIL_COMMON_BPF_H
#define VIGIL_COMMON_BPF_H

#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/vigil_trace.h"

char LICENSE[] SEC("license") __weak = "GPL";

/* The running sandbox's cgroup2 id, written by vigil-sandbox through the mmap-ed .bss before each
 * run of its session (the programs are loaded and attached once per helper, not per run: the load
 * is ~180 ms). 0 between runs: it matches nothing real. Not rodata, so the verifier cannot fold it. */
volatile __u64 vigil_cgroup_id __weak = 0;
/* Records wake the helper only once this many bytes wait in the ring buffer; otherwise it drains
 * on its own short timer. A wakeup per record costs a context switch per event on a 2-core box. */
const volatile __u64 vigil_wakeup_bytes __weak = 1 << 20;

static __always_inline __u64 vigil_wakeup_flags(void *ring) {
    return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= vigil_wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Strings are assembled at a running offset into `data` (per-CPU values are capped at 32 KiB by
 * the kernel, hence one mask of 16 KiB: four strings of at most 4 KiB each). Every write starts at an offset masked
 * into [0, VIGIL_DATA_MASK] and copies at most VIGIL_TRACE_MAX_PATH bytes, so the verifier can see
 * it stays inside the buffer; the logic keeps the real total under VIGIL_TRACE_MAX_RECORD. */
#define VIGIL_DATA_MASK 0x3fffu
/* Only programs that run with preemption disabled (tracepoints) may use it: a uprobe program can be
 * preempted, and the next program on that CPU would overwrite its half-built record. */
struct vigil_scratch {
    struct vigil_trace_record rec;
    char data[VIGIL_DATA_MASK + 1 + VIGIL_TRACE_MAX_PATH];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct vigil_scratch);
} vigil_scratch SEC(".maps") __weak;

/* Size is set by vigil-sandbox before load (bpf_map__set_max_entries). */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 22);
} vigil_events SEC(".maps") __weak;

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, VIGIL_DROP_SLOTS);
    __type(key, __u32);
    __type(value, __u64);
} vigil_drops SEC(".maps") __weak;

static __always_inline int vigil_in_run(void) {
    return bpf_get_current_cgroup_id() == vigil_cgroup_id;
}

/* The number of a struct pid in the deepest namespace it belongs to. Every process of the run lives
 * in the sandbox's pid namespace and cannot make a deeper one (seccomp refuses CLONE_NEWPID and
 * unshare), so the deepest level is the sandbox's. */
static __always_inline __s32 vigil_pid_nr(struct pid *p, unsigned int *level_out) {
    unsigned int level;
    if (!p)
        return 0;
    level = BPF_CORE_READ(p, level);
    if (level_out)
        *level_out = level;
    return BPF_CORE_READ(p, numbers[level].nr);
}

/* Fills the identity part of the header for `task` (current for everything but fork's child). */
static __always_inline void vigil_fill_task(struct vigil_trace_record *r, struct task_struct *task) {
    unsigned int level = 0, plevel = 0;
    struct task_struct *leader = BPF_CORE_READ(task, group_leader);
    struct task_struct *parent = BPF_CORE_READ(task, real_parent);
    __s32 ppid;
    r->tid = vigil_pid_nr(BPF_CORE_READ(task, thread_pid), &level);
    r->pid = vigil_pid_nr(BPF_CORE_READ(leader, thread_pid), 0);
    parent = BPF_CORE_READ(parent, group_leader);
    ppid = vigil_pid_nr(BPF_CORE_READ(parent, thread_pid), &plevel);
    /* The sandbox's pid 1 has the helper as parent, which is not in the sandbox's namespace. */
    r->ppid = plevel == level ? ppid : 0;
    BPF_CORE_READ_STR_INTO(&r->comm, task, comm);
}

static __always_inline struct vigil_scratch *vigil_begin(__u16 kind, struct task_struct *task) {
    __u32 zero = 0;
    struct vigil_scratch *s = bpf_map_lookup_elem(&vigil_scratch, &zero);
    if (!s)
        return 0;
    __builtin_memset(&s->rec, 0, sizeof(s->rec));
    s->rec.kind = kind;
    s->rec.ts_ns = bpf_ktime_get_ns();
    vigil_fill_task(&s->rec, task);
    return s;
}

static __always_inline void vigil_count_drop(void) {
    __u32 zero = 0;
    __u64 *n = bpf_map_lookup_elem(&vigil_drops, &zero);
    if (n)
        *n += 1;
}

/* Sends header + `len` string bytes. */
static __always_inline void vigil_submit(struct vigil_scratch *s, __u32 len) {
    __u64 size = (sizeof(struct vigil_trace_record) + (__u64)len + 7) & ~7ull;
    if (size > sizeof(struct vigil_trace_record) + 4 * VIGIL_TRACE_MAX_PATH)
        size = sizeof(struct vigil_trace_record) + 4 * VIGIL_TRACE_MAX_PATH;
    s->rec.size = (__u32)size;
    if (bpf_ringbuf_output(&vigil_events, s, size, vigil_wakeup_flags(&vigil_events)) != 0)
        vigil_count_drop();
}

/* Copies a user string (read at sys_exit, when its page is resident) into string slot `slot` at
 * *off; returns the bytes kept, without the terminator. */
static __always_inline __u32 vigil_put_user_str(struct vigil_scratch *s, __u32 *off, int slot, const char *src) {
    long n;
    if (!src)
        return 0;
    n = bpf_probe_read_user_str(&s->data[*off & VIGIL_DATA_MASK], VIGIL_TRACE_MAX_PATH, src);
    if (n <= 0) {
        s->rec.flags |= VIGIL_TRACE_F_READ_FAIL;
        return 0;
    }
    n -= 1; /* the terminator is not part of the record */
    if (n >= VIGIL_TRACE_MAX_PATH - 1)
        s->rec.flags |= VIGIL_TRACE_F_STR_TRUNC;
    s->rec.str_len[slot & 3] = (__u16)n;
    *off += (__u32)n;
    return (__u32)n;
}

static __always_inline __u32 vigil_put_kernel_str(struct vigil_scratch *s, __u32 *off, int slot, const char *src) {
    long n;
    if (!src)
        return 0;
    n = bpf_probe_read_kernel_str(&s->data[*off & VIGIL_DATA_MASK], VIGIL_TRACE_MAX_PATH, src);
    if (n <= 0)
        return 0;
    n -= 1;
    s->rec.str_len[slot & 3] = (__u16)n;
    *off += (__u32)n;
    return (__u32)n;
}

struct vigil_walk {
    struct vigil_scratch *s;
    struct dentry *d;
    struct vfsmount *vm;
    struct mount *m;
    struct dentry *root_d;
    struct vfsmount *root_vm;
    __u32 off;
    __u32 len;
    int done;
};

/* One step of the walk: either up one component, or across one mount point. bpf_loop keeps the
 * verifier's work to one pass over this body, whatever the depth bound. */
static long vigil_walk_step(__u64 i, void *ctx) {
    struct vigil_walk *w = ctx;
    struct dentry *d = w->d, *parent, *mnt_root;
    struct vfsmount *vm = w->vm;
    struct mount *m = w->m;
    struct qstr name;
    long n;
    if (!w->s)
        return 1;
    if (d == w->root_d && vm == w->root_vm) {
        w->done = 1;
        return 1;
    }
    mnt_root = BPF_CORE_READ(vm, mnt_root);
    parent = BPF_CORE_READ(d, d_parent);
    if (d == mnt_root || d == parent) {
        struct mount *mp = BPF_CORE_READ(m, mnt_parent);
        if (mp == m || !mp) {
            w->done = 1; /* top of the mount tree: the root was not above us */
            return 1;
        }
        w->d = BPF_CORE_READ(m, mnt_mountpoint);
        w->m = mp;
        w->vm = &mp->mnt;
        return 0;
    }
    if (w->len > VIGIL_TRACE_MAX_PATH - 257)
        return 1;
    name = BPF_CORE_READ(d, d_name);
    n = bpf_probe_read_kernel_str(&w->s->data[(w->off + w->len) & VIGIL_DATA_MASK], 256, name.name);
    if (n <= 1)
        return 1;
    w->len += (__u32)n - 1;
    w->s->data[(w->off + w->len) & VIGIL_DATA_MASK] = '/';
    w->len += 1;
    w->d = parent;
    return 0;
}

/* Writes the absolute path of `start` (relative to the task's root) LEAF FIRST, as "name/name/",
 * into string slot `slot`. Crosses mount points by following mnt_mountpoint / mnt_parent (the
 * sandbox root is an overlay with binds of /usr and /etc under it). Bounded: after
 * VIGIL_TRACE_MAX_DEPTH steps or VIGIL_TRACE_MAX_PATH bytes it stops and sets `trunc_flag`. */
static __always_inline void vigil_put_dentry_path(struct vigil_scratch *s, __u32 *off, int slot, struct path *start,
                                                  struct path *root, __u16 trunc_flag) {
    struct vigil_walk w = {
        .s = s,
        .d = start->dentry,
        .vm = start->mnt,
        .m = container_of(start->mnt, struct mount, mnt),
        .root_d = root->dentry,
        .root_vm = root->mnt,
        .off = *off,
    };
    bpf_loop(VIGIL_TRACE_MAX_DEPTH, vigil_walk_step, &w, 0);
    if (!w.done)
        s->rec.flags |= trunc_flag;
    s->rec.str_len[slot & 3] = (__u16)w.len;
    *off += w.len;
}

/* The struct file behind `fd` in the current task, or NULL. */
static __always_inline struct file *vigil_fd_file(struct task_struct *t, int fd) {
    struct files_struct *files = BPF_CORE_READ(t, files);
    struct fdtable *fdt = BPF_CORE_READ(files, fdt);
    struct file **arr;
    struct file *f = 0;
    if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
        return 0;
    arr = BPF_CORE_READ(fdt, fd);
    bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
    return f;
}

#define VIGIL_AT_FDCWD -100

/* A path argument as two string slots (base, rel): rel = the user string; base = the directory it
 * is relative to (cwd or dirfd), walked in the kernel, only when rel does not start with '/'. */
static __always_inline void vigil_put_path_at(struct vigil_scratch *s, __u32 *off, int slot, int dirfd,
                                              const char *user_path, __u16 trunc_flag) {
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct path root, base;
    char first = 0;
    bpf_probe_read_user(&first, 1, user_path);
    if (first != '/') {
        BPF_CORE_READ_INTO(&root, t, fs, root);
        if (dirfd == VIGIL_AT_FDCWD) {
            BPF_CORE_READ_INTO(&base, t, fs, pwd);
        } else {
            struct file *f = vigil_fd_file(t, dirfd);
            if (!f) {
                s->rec.flags |= trunc_flag; /* no base known: the path is not absolute */
                goto rel;
            }
            BPF_CORE_READ_INTO(&base, f, f_path);
        }
        vigil_put_dentry_path(s, off, slot, &base, &root, trunc_flag);
    }
rel:
    vigil_put_user_str(s, off, slot + 1, user_path);
}

/* A path given by an fd alone (fchmod, fchown): base = the file's own path, rel empty. */
static __always_inline void vigil_put_fd_path(struct vigil_scratch *s, __u32 *off, int slot, int fd, __u16 trunc_flag) {
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    struct path root, p;
    struct file *f = vigil_fd_file(t, fd);
    if (!f)
        return;
    BPF_CORE_READ_INTO(&root, t, fs, root);
    BPF_CORE_READ_INTO(&p, f, f_path);
    vigil_put_dentry_path(s, off, slot, &p, &root, trunc_flag);
}

#endif /* VIGIL_COMMON_BPF_H */
