/* Network family: connect, bind, listen, sendto, sendmsg, sendmmsg at sys_exit (tp_btf/sys_exit;
 * see file.bpf.c for why exit and why one program). The address is the one the process passed;
 * for a send without one (a connected socket) it is the socket's peer. Only inet, inet6 and unix
 * sockets are reported: netlink chatter (glibc's interface queries) says nothing about intent.
 */
#include "bpf/vigil_common.bpf.h"

#include <bpf/bpf_endian.h>

#define NR_connect 42
#define NR_sendto 44
#define NR_sendmsg 46
#define NR_bind 49
#define NR_listen 50
#define NR_sendmmsg 307

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10

/* sockaddr_in / sockaddr_in6 / sockaddr_un heads, read as raw bytes. */
struct vigil_sockaddr {
    __u16 family;
    __u16 port; /* network order */
    __u32 flow_or_v4;
    __u8 v6[16];
};

static __always_inline struct sock *vigil_fd_sock(int fd) {
    struct file *f = vigil_fd_file((struct task_struct *)bpf_get_current_task(), fd);
    struct socket *sock;
    if (!f)
        return 0;
    sock = BPF_CORE_READ(f, private_data);
    return sock ? BPF_CORE_READ(sock, sk) : 0;
}

/* Fills family/port/addr from the socket itself: its peer (remote) or its own (local) address. */
static __always_inline void vigil_from_sock(struct vigil_scratch *s, struct sock *sk, int local) {
    __u16 family;
    if (!sk)
        return;
    family = BPF_CORE_READ(sk, __sk_common.skc_family);
    s->rec.arg0 = family;
    s->rec.arg2 = BPF_CORE_READ(sk, sk_type);
    if (local) {
        s->rec.arg1 = BPF_CORE_READ(sk, __sk_common.skc_num);
        if (family == AF_INET_)
            BPF_CORE_READ_INTO((__u32 *)s->rec.addr, sk, __sk_common.skc_rcv_saddr);
        else if (family == AF_INET6_)
            BPF_CORE_READ_INTO(&s->rec.addr, sk, __sk_common.skc_v6_rcv_saddr);
    } else {
        s->rec.arg1 = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
        if (family == AF_INET_)
            BPF_CORE_READ_INTO((__u32 *)s->rec.addr, sk, __sk_common.skc_daddr);
        else if (family == AF_INET6_)
            BPF_CORE_READ_INTO(&s->rec.addr, sk, __sk_common.skc_v6_daddr);
    }
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_net_exit, struct pt_regs *regs, long ret) {
    struct vigil_scratch *s;
    struct vigil_sockaddr sa = {};
    const void *uaddr = 0;
    __u16 kind;
    __u32 off = 0;
    int fd;
    long nr;
    if (!vigil_in_run())
        return 0;
    nr = regs->orig_ax;
    fd = (int)regs->di;
    switch (nr) {
    case NR_connect:
        kind = VIGIL_TRACE_CONNECT;
        uaddr = (const void *)regs->si;
        break;
    case NR_bind:
        kind = VIGIL_TRACE_BIND;
        uaddr = (const void *)regs->si;
        break;
    case NR_listen:
        kind = VIGIL_TRACE_LISTEN;
        break;
    case NR_sendto:
        kind = VIGIL_TRACE_SEND;
        uaddr = (const void *)regs->r8;
        break;
    case NR_sendmsg:
    case NR_sendmmsg: {
        /* sendmmsg's vector starts with a msghdr: its first message's destination stands for all */
        struct user_msghdr mh = {};
        kind = VIGIL_TRACE_SEND;
        bpf_probe_read_user(&mh, sizeof(mh), (void *)regs->si);
        uaddr = mh.msg_name;
        break;
    }
    default:
        return 0;
    }
    if (uaddr)
        bpf_probe_read_user(&sa, sizeof(sa), uaddr);
    else
        sa.family = 0;
    s = vigil_begin(kind, (struct task_struct *)bpf_get_current_task());
    if (!s)
        return 0;
    s->rec.nr = (__u32)nr;
    s->rec.ret = ret;
    if (kind == VIGIL_TRACE_LISTEN) {
        vigil_from_sock(s, vigil_fd_sock(fd), 1);
        s->rec.arg0 = regs->si; /* backlog; family/port/addr of the bound socket follow */
        s->rec.arg2 = s->rec.arg1;
        s->rec.arg1 = 0;
        {
            struct sock *sk = vigil_fd_sock(fd);
            if (sk) {
                s->rec.arg1 = BPF_CORE_READ(sk, __sk_common.skc_family);
                s->rec.arg2 = BPF_CORE_READ(sk, __sk_common.skc_num);
            }
        }
        if (s->rec.arg1 != AF_INET_ && s->rec.arg1 != AF_INET6_ && s->rec.arg1 != AF_UNIX_)
            return 0;
    } else if (sa.family == AF_INET_ || sa.family == AF_INET6_) {
        struct sock *sk = vigil_fd_sock(fd);
        s->rec.arg0 = sa.family;
        s->rec.arg1 = bpf_ntohs(sa.port);
        if (sa.family == AF_INET_)
            __builtin_memcpy(s->rec.addr, &sa.flow_or_v4, 4);
        else
            __builtin_memcpy(s->rec.addr, sa.v6, 16);
        if (sk)
            s->rec.arg2 = BPF_CORE_READ(sk, sk_type);
    } else if (sa.family == AF_UNIX_) {
        struct sock *sk = vigil_fd_sock(fd);
        s->rec.arg0 = AF_UNIX_;
        if (sk)
            s->rec.arg2 = BPF_CORE_READ(sk, sk_type);
        vigil_put_user_str(s, &off, 0, (const char *)uaddr + 2);
    } else if (!uaddr && kind == VIGIL_TRACE_SEND) {
        vigil_from_sock(s, vigil_fd_sock(fd), 0);
        if (s->rec.arg0 != AF_INET_ && s->rec.arg0 != AF_INET6_)
            return 0;
    } else {
        return 0;
    }
    vigil_submit(s, off);
    return 0;
}
