/* Seccomp denials: the sandbox's filter answers its deny list with EPERM (ENOSYS for clone3, which
 * is left out below). At sys_exit a syscall of that list returning the filter's errno is recorded
 * as sandbox.syscall_denied. vigil-sandbox fills vigil_denied from the same list its filter is
 * built from (app/sandbox/seccomp_filter.cpp), so the two never disagree.
 */
#include "bpf/vigil_common.bpf.h"

#define VIGIL_MAX_NR 512
#define EPERM_ 1

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, VIGIL_MAX_NR);
    __type(key, __u32);
    __type(value, __u32); /* errno the filter answers, 0 = not denied */
} vigil_denied SEC(".maps");

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_denied_exit, struct pt_regs *regs, long ret) {
    struct vigil_scratch *s;
    __u32 nr, *err;
    /* Cheapest test first: almost every syscall succeeds. */
    if (ret >= 0 || ret < -4095)
        return 0;
    if (!vigil_in_run())
        return 0;
    nr = (__u32)regs->orig_ax;
    err = bpf_map_lookup_elem(&vigil_denied, &nr);
    if (!err || *err == 0 || ret != -(long)*err)
        return 0;
    s = vigil_begin(VIGIL_TRACE_DENIED, (struct task_struct *)bpf_get_current_task());
    if (!s)
        return 0;
    s->rec.nr = nr;
    s->rec.ret = ret;
    vigil_submit(s, 0);
    return 0;
}
