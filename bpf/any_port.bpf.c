/* The honeypot's catch-all: attached (BPF_SK_LOOKUP) to the honeypot's network namespace only, it
 * hands every TCP connection, whatever address and port it was sent to, to one listening socket.
 * Without it a listener covers one port; netfilter's TPROXY would need nftables rules, which the
 * helper may not shell out for. The accepted socket's local address is the one the client dialled,
 * so the honeypot records it as it does for its own ports.
 */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* The honeypot's catch-all listeners, inserted by the honeypot before it drops privileges:
 * slot 0 the IPv4 one, slot 1 the IPv6 one (a connection is handed to its own family's socket). */
struct {
    __uint(type, BPF_MAP_TYPE_SOCKMAP);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} vigil_catch_all SEC(".maps");

SEC("sk_lookup")
int vigil_any_port(struct bpf_sk_lookup *ctx) {
    /* DNS over TCP keeps its own listener on port 53; UDP has its own sockets. */
    if (ctx->protocol != IPPROTO_TCP || ctx->local_port == 53)
        return SK_PASS;
    __u32 slot = ctx->family == 10 /* AF_INET6 */ ? 1 : 0;
    struct bpf_sock *sk = bpf_map_lookup_elem(&vigil_catch_all, &slot);
    if (!sk)
        return SK_PASS;
    bpf_sk_assign(ctx, sk, 0);
    bpf_sk_release(sk);
    return SK_PASS;
}
