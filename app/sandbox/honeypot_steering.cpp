// TCP on every port of every address. The AnyIP route (network.cpp) makes each destination local
// to the honeypot; this sk_lookup program (bpf/any_port.bpf.c) makes each port answered, by one
// listener, without netfilter rules. The accepted socket's local address is what the client
// dialled, so nothing is lost compared with a listener per port.
#include "app/sandbox/honeypot_steering.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "app/sandbox/die.h"
#include "bpf/honeypot.skel.h"

namespace vigil::sandbox {

AnyPortSteering loadAnyPortSteering() {
    AnyPortSteering s;
    s.skel = vigil_honeypot_bpf__open_and_load();
    if (s.skel == nullptr)
        die("bpf", "load the honeypot's any-port program", "BPF_PROG_TYPE_SK_LOOKUP needs Linux 5.9 or later");
    s.mapFd = bpf_map__fd(s.skel->maps.vigil_catch_all);
    return s;
}

void attachAnyPortSteering(AnyPortSteering& s, pid_t honeypotPid) {
    const std::string path = "/proc/" + std::to_string(honeypotPid) + "/ns/net";
    const int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0)
        die("open", "the honeypot's network namespace " + path);
    s.link = bpf_program__attach_netns(s.skel->progs.vigil_any_port, ns);
    close(ns);
    if (s.link == nullptr)
        die("bpf", "attach the any-port program to the honeypot's network namespace");
}

void detachAnyPortSteering(AnyPortSteering& s) {
    if (s.link != nullptr)
        bpf_link__destroy(s.link);
    s.link = nullptr;
    // The listener leaves the map when its socket closes; deleting is the belt to those braces.
    if (s.skel != nullptr)
        for (uint32_t key = 0; key < bpf_map__max_entries(s.skel->maps.vigil_catch_all); ++key)
            (void)bpf_map_delete_elem(s.mapFd, &key);
}

void destroyAnyPortSteering(AnyPortSteering& s) {
    detachAnyPortSteering(s);
    if (s.skel != nullptr)
        vigil_honeypot_bpf__destroy(s.skel);
    s = AnyPortSteering{};
}

}  // namespace vigil::sandbox
