/* Env family: libc getenv / secure_getenv, by uprobe on the host libc the sandbox maps (its /usr
 * is a read-only bind of the host's, so the inode is the same). Native code and Node's
 * process.env.X both end here. Only the variable NAME is recorded, never its value.
 *
 * The name is read at return (uretprobe), when the page holding it is certainly resident: getenv
 * itself just read it. secure_getenv calls getenv inside glibc; the outer call is the one reported.
 * Uprobe programs can be preempted, so records are built in ring-buffer space reserved for them,
 * never in the shared per-CPU scratch.
 *
 * Each process reports a given (name, via, found) once: a repeat says nothing new, and some code
 * repeats a lot — libfaketime (the sandbox's native clock shift) calls getenv three times on every
 * clock read, 45,000 records in 300 ms of a node process waiting on a futex. The first read keeps
 * its place in time, which is what ordering rules use. A process is its tgid and start time, so a
 * recycled pid is a new process.
 */
#include "bpf/vigil_common.bpf.h"

struct vigil_env_call {
    const char *name;
    __u32 via;
    __u32 depth;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 4096);
    __type(key, __u64); /* pid_tgid */
    __type(value, struct vigil_env_call);
} vigil_env_calls SEC(".maps");

/* One (process, name, via, found) already reported. */
struct vigil_env_seen_key {
    __u64 start_ns; /* the process's start time: tgids are recycled */
    __u32 tgid;
    __u32 via_found;
    __u64 name_hash;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, struct vigil_env_seen_key);
    __type(value, __u8);
} vigil_env_seen SEC(".maps");

/* A record with room for one variable name; `size` says how much of it is used. */
struct vigil_env_record {
    struct vigil_trace_record rec;
    char name[256];
};

static __always_inline int vigil_env_enter(const char *name, __u32 via) {
    __u64 id = bpf_get_current_pid_tgid();
    struct vigil_env_call *c, fresh = {.name = name, .via = via, .depth = 1};
    if (!vigil_in_run())
        return 0;
    c = bpf_map_lookup_elem(&vigil_env_calls, &id);
    if (c) {
        c->depth++; /* nested: getenv inside secure_getenv */
        return 0;
    }
    bpf_map_update_elem(&vigil_env_calls, &id, &fresh, BPF_ANY);
    return 0;
}

/* FNV-1a of the first `len` bytes of the name read into the record. */
static __always_inline __u64 vigil_env_name_hash(const char *name, long len) {
    __u64 h = 0xcbf29ce484222325ull;
    for (int i = 0; i < 255; i++) {
        if (i >= len)
            break;
        h = (h ^ (__u8)name[i]) * 0x100000001b3ull;
    }
    return h;
}

/* True when this process already reported this read; marks it reported otherwise. */
static __always_inline bool vigil_env_repeat(struct task_struct *task, const struct vigil_env_record *r) {
    struct vigil_env_seen_key key = {};
    __u8 one = 1;
    key.start_ns = BPF_CORE_READ(task, group_leader, start_time);
    key.tgid = BPF_CORE_READ(task, tgid);
    key.via_found = (__u32)(r->rec.arg0 << 1 | r->rec.arg1);
    key.name_hash = vigil_env_name_hash(r->name, r->rec.str_len[0]);
    if (bpf_map_lookup_elem(&vigil_env_seen, &key))
        return true;
    bpf_map_update_elem(&vigil_env_seen, &key, &one, BPF_ANY);
    return false;
}

static __always_inline int vigil_env_leave(long ret) {
    __u64 id = bpf_get_current_pid_tgid();
    struct vigil_env_call *c;
    struct vigil_env_record *r;
    struct task_struct *task;
    const char *name;
    long n;
    __u32 via;
    if (!vigil_in_run())
        return 0;
    c = bpf_map_lookup_elem(&vigil_env_calls, &id);
    if (!c)
        return 0;
    if (--c->depth > 0)
        return 0;
    name = c->name;
    via = c->via;
    bpf_map_delete_elem(&vigil_env_calls, &id);
    r = bpf_ringbuf_reserve(&vigil_events, sizeof(*r), 0);
    if (!r) {
        vigil_count_drop();
        return 0;
    }
    task = (struct task_struct *)bpf_get_current_task();
    __builtin_memset(&r->rec, 0, sizeof(r->rec));
    r->rec.kind = VIGIL_TRACE_GETENV;
    r->rec.ts_ns = bpf_ktime_get_ns();
    vigil_fill_task(&r->rec, task);
    r->rec.arg0 = via;
    r->rec.arg1 = ret != 0;
    n = bpf_probe_read_user_str(r->name, sizeof(r->name), name);
    if (n <= 0) {
        r->rec.flags |= VIGIL_TRACE_F_READ_FAIL;
        n = 1;
    }
    if (n == sizeof(r->name))
        r->rec.flags |= VIGIL_TRACE_F_STR_TRUNC;
    r->rec.str_len[0] = (__u16)(n - 1);
    if (vigil_env_repeat(task, r)) {
        bpf_ringbuf_discard(r, 0);
        return 0;
    }
    r->rec.size = (__u32)((sizeof(r->rec) + (__u64)n - 1 + 7) & ~7ull);
    bpf_ringbuf_submit(r, vigil_wakeup_flags(&vigil_events));
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(vigil_getenv, const char *name) {
    return vigil_env_enter(name, VIGIL_ENV_VIA_GETENV);
}

SEC("uretprobe")
int BPF_KRETPROBE(vigil_getenv_ret, long ret) {
    return vigil_env_leave(ret);
}

SEC("uprobe")
int BPF_KPROBE(vigil_secure_getenv, const char *name) {
    return vigil_env_enter(name, VIGIL_ENV_VIA_SECURE_GETENV);
}

SEC("uretprobe")
int BPF_KRETPROBE(vigil_secure_getenv_ret, long ret) {
    return vigil_env_leave(ret);
}
