// Where the tracer's per-run load time goes: the same steps the helper's startTracer takes
// (app/sandbox/tracer.cpp), timed one by one over several runs; medians printed. Needs root.
//
//   build/app/bench/tracer_load_bench [runs]
//
// Steps: feature probes, skeleton open, vmlinux BTF parse (alone, for scale: libbpf parses it
// again inside load), load (BTF relocation + verifier), attach of the kernel programs, the four
// libc uprobes, then teardown (not on the run's critical path: it follows the run).
#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include "bpf/tracer.skel.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int quiet(enum libbpf_print_level, const char*, va_list) { return 0; }

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 9;
    if (geteuid() != 0) {
        std::fprintf(stderr, "tracer_load_bench: needs root (loads BPF programs)\n");
        return 2;
    }
    libbpf_set_print(quiet);
    char libc[PATH_MAX];
    if (realpath("/usr/lib/x86_64-linux-gnu/libc.so.6", libc) == nullptr && realpath("/lib64/libc.so.6", libc) == nullptr) {
        std::fprintf(stderr, "tracer_load_bench: libc.so.6 not found\n");
        return 2;
    }
    std::map<std::string, std::vector<double>> t;
    const char* order[] = {"probes", "open", "btf_parse", "load", "attach_kernel", "attach_uprobes", "total", "teardown", "detach_kernel", "detach_uprobes",
                           "destroy_object"};
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        (void)libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr);
        (void)libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, nullptr);
        const auto t1 = Clock::now();
        vigil_tracer_bpf* skel = vigil_tracer_bpf__open();
        if (skel == nullptr)
            return 1;
        skel->bss->vigil_cgroup_id = 1;  // no cgroup has id 1 in practice: nothing is recorded
        bpf_map__set_max_entries(skel->maps.vigil_events, 16u << 20);
        const auto t2 = Clock::now();
        btf* vmlinux = btf__load_vmlinux_btf();
        btf__free(vmlinux);
        const auto t3 = Clock::now();
        if (vigil_tracer_bpf__load(skel) != 0) {
            std::fprintf(stderr, "tracer_load_bench: load failed\n");
            return 1;
        }
        const auto t4 = Clock::now();
        std::vector<bpf_link*> links;
        for (bpf_program* p : {skel->progs.vigil_fork, skel->progs.vigil_exec, skel->progs.vigil_exit, skel->progs.vigil_file_exit,
                               skel->progs.vigil_net_exit, skel->progs.vigil_denied_exit})
            links.push_back(bpf_program__attach(p));
        const auto t5 = Clock::now();
        struct U { bpf_program* p; const char* f; bool ret; };
        for (U u : {U{skel->progs.vigil_getenv, "getenv", false}, U{skel->progs.vigil_getenv_ret, "getenv", true},
                    U{skel->progs.vigil_secure_getenv, "secure_getenv", false},
                    U{skel->progs.vigil_secure_getenv_ret, "secure_getenv", true}}) {
            LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = u.ret, .func_name = u.f);
            links.push_back(bpf_program__attach_uprobe_opts(u.p, -1, libc, 0, &opts));
        }
        const auto t6 = Clock::now();
        for (size_t k = 0; k < 6; ++k)
            bpf_link__destroy(links[k]);
        const auto t6a = Clock::now();
        for (size_t k = 6; k < links.size(); ++k)
            bpf_link__destroy(links[k]);
        const auto t6b = Clock::now();
        vigil_tracer_bpf__destroy(skel);
        const auto t7 = Clock::now();
        t["detach_kernel"].push_back(ms(t6, t6a));
        t["detach_uprobes"].push_back(ms(t6a, t6b));
        t["destroy_object"].push_back(ms(t6b, t7));
        t["probes"].push_back(ms(t0, t1));
        t["open"].push_back(ms(t1, t2));
        t["btf_parse"].push_back(ms(t2, t3));
        t["load"].push_back(ms(t3, t4));
        t["attach_kernel"].push_back(ms(t4, t5));
        t["attach_uprobes"].push_back(ms(t5, t6));
        t["total"].push_back(ms(t0, t6) - ms(t2, t3));  // what startTracer pays (the separate parse excluded)
        t["teardown"].push_back(ms(t6, t7));
    }
    // The verifier's share: the object loaded with one program only (maps and BTF as always).
    std::map<std::string, std::vector<double>> alone;
    for (int i = 0; i < runs; ++i) {
        for (size_t only = 0; only < 10; ++only) {
            vigil_tracer_bpf* skel = vigil_tracer_bpf__open();
            if (skel == nullptr)
                return 1;
            bpf_program* progs[] = {skel->progs.vigil_fork,        skel->progs.vigil_exec,          skel->progs.vigil_exit,
                                    skel->progs.vigil_file_exit,   skel->progs.vigil_net_exit,      skel->progs.vigil_denied_exit,
                                    skel->progs.vigil_getenv,      skel->progs.vigil_secure_getenv, skel->progs.vigil_getenv_ret,
                                    skel->progs.vigil_secure_getenv_ret};
            for (size_t k = 0; k < 10; ++k)
                bpf_program__set_autoload(progs[k], k == only);
            const std::string name = bpf_program__name(progs[only]);
            const auto a = Clock::now();
            const int rc = vigil_tracer_bpf__load(skel);
            const auto b = Clock::now();
            vigil_tracer_bpf__destroy(skel);
            if (rc == 0)
                alone[name].push_back(ms(a, b));
        }
    }
    std::printf("tracer load, median of %d runs (ms):\n", runs);
    for (const char* k : order)
        std::printf("  %-15s %8.2f\n", k, median(t[k]));
    std::printf("object loaded with one program only (ms; includes the vmlinux BTF parse):\n");
    for (const auto& [name, v] : alone)
        std::printf("  %-24s %8.2f\n", name.c_str(), median(v));
    return 0;
}
