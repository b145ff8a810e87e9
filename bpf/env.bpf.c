/* Env family: libc getenv / secure_getenv, by uprobe on the host libc the sandbox maps (its /usr
 * is a read-only bind of the host's, so the inode is the same). Native code and Node's
 * process.env.X both end here. Only the variable NAME is recorded, never its value.
 *
 * The name is read at return (uretprobe), when the page holding it is certainly resident: getenv
 * itself just read it. secure_getenv calls getenv inside glibc; the outer call is the one reported.
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

static __always_inline int vigil_env_leave(long ret) {
    __u64 id = bpf_get_current_pid_tgid();
    struct vigil_env_call *c;
    struct vigil_scratch *s;
    const char *name;
    __u32 via, off = 0;
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
    s = vigil_begin(VIGIL_TRACE_GETENV, (struct task_struct *)bpf_get_current_task());
    if (!s)
        return 0;
    s->rec.arg0 = via;
    s->rec.arg1 = ret != 0;
    vigil_put_user_str(s, &off, 0, name);
    vigil_submit(s, off);
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
