// Stage 7a: the eBPF tracer. Loaded and attached once per helper as real root (the load is the
// costliest setup step: bench/tracer_load_bench); each run then writes its cgroup's v2 id into the
// kernel-side filter before its pid 1 is released, so the command's first instruction is observed. Families load independently: one that fails (a missing kernel feature, an unknown libc)
// costs its events, never the run, and always leaves a warning the engine reports.
#include "app/sandbox/tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

#include "app/sandbox/channel.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/seccomp_filter.h"
#include "bpf/tracer.skel.h"

namespace vigil::sandbox {
namespace {

// 16 MiB: a 1,000-process / 20,000-file workload peaks far below it when drained every poll
// (bench/tracing_overhead reports drops; 4 MiB already showed none on the development machines).
constexpr uint32_t kRingBytes = 16u << 20;
// The engine keeps every record of a run in memory: a fork bomb must not take it down with it.
constexpr uint64_t kMaxRecords = 4'000'000;
constexpr size_t kBatchRoom = VIGIL_SANDBOX_MAX_MESSAGE - sizeof(vigil_msg_header) - sizeof(vigil_trace_batch);
// Where the sandbox's libc lives: its /usr is a read-only bind of the host's, so the same inode.
constexpr const char* kLibcCandidates[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6",
                                           "/usr/lib64/libc.so.6"};

std::string g_libbpfLog;  // libbpf's last words, folded into the warning of the family that failed

int captureLibbpf(enum libbpf_print_level level, const char* format, va_list args) {
    if (level == LIBBPF_DEBUG)
        return 0;
    char line[512];
    const int n = std::vsnprintf(line, sizeof line, format, args);
    if (n > 0 && g_libbpfLog.size() < 2048)
        g_libbpfLog += line;
    return 0;
}

void warn(Tracer& t, const std::string& what) {
    std::string detail = g_libbpfLog;
    g_libbpfLog.clear();
    while (!detail.empty() && detail.back() == '\n')
        detail.pop_back();
    const size_t nl = detail.rfind('\n');
    if (nl != std::string::npos)
        detail = detail.substr(nl + 1);  // the last line says what failed
    std::string line = what + (detail.empty() ? "" : " (" + detail + ")") + "\n";
    if (t.warnings.size() + line.size() <= VIGIL_TRACE_MAX_WARNINGS)
        t.warnings += line;
}

/// Features every family needs; without them nothing can load, and the stats say why.
bool probeFeatures(Tracer& t) {
    bool ok = true;
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        warn(t, "tracer off: the kernel exposes no BTF (/sys/kernel/btf/vmlinux), CO-RE programs cannot load");
        ok = false;
    }
    // A probe that cannot run at all (< 0) proves nothing; only a clear "no" (0) turns us off.
    if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) == 0) {
        warn(t, "tracer off: BPF ring buffers are not supported by this kernel");
        ok = false;
    }
    // bpf_loop keeps the dentry walk and the env-name scan verifiable; asked of a raw tracepoint
    // program, the probe needs no attach target.
    if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, nullptr) == 0) {
        warn(t, "tracer off: the bpf_loop helper is missing (Linux 5.17 or later needed)");
        ok = false;
    }
    return ok;
}

struct Family {
    uint32_t bit;
    const char* label;
};
constexpr Family kFamilies[] = {{VIGIL_TRACE_FAMILY_PROCESS, "process"},
                                {VIGIL_TRACE_FAMILY_FILE, "file"},
                                {VIGIL_TRACE_FAMILY_NET, "network"},
                                {VIGIL_TRACE_FAMILY_ENV, "env"},
                                {VIGIL_TRACE_FAMILY_DENIED, "sandbox.syscall_denied"}};

/// The programs of one family in the linked object.
std::vector<bpf_program*> programsOf(vigil_tracer_bpf* skel, uint32_t family) {
    switch (family) {
    case VIGIL_TRACE_FAMILY_PROCESS:
        return {skel->progs.vigil_fork, skel->progs.vigil_exec, skel->progs.vigil_exit};
    case VIGIL_TRACE_FAMILY_FILE:
        return {skel->progs.vigil_file_exit};
    case VIGIL_TRACE_FAMILY_NET:
        return {skel->progs.vigil_net_exit};
    case VIGIL_TRACE_FAMILY_ENV:
        return {skel->progs.vigil_getenv, skel->progs.vigil_getenv_ret, skel->progs.vigil_secure_getenv,
                skel->progs.vigil_secure_getenv_ret};
    case VIGIL_TRACE_FAMILY_DENIED:
        return {skel->progs.vigil_denied_exit};
    default:
        return {};
    }
}

/// Opens and loads the object with only the families in `wanted`; null when the kernel refuses.
/// The filter starts at 0, which matches no cgroup.
vigil_tracer_bpf* loadObject(uint32_t wanted) {
    vigil_tracer_bpf* skel = vigil_tracer_bpf__open();
    if (skel == nullptr)
        return nullptr;
    skel->bss->vigil_cgroup_id = 0;
    skel->rodata->vigil_wakeup_bytes = kRingBytes / 8;
    bpf_map__set_max_entries(skel->maps.vigil_events, kRingBytes);
    for (const Family& f : kFamilies)
        for (bpf_program* prog : programsOf(skel, f.bit))
            bpf_program__set_autoload(prog, (wanted & f.bit) != 0);
    if (vigil_tracer_bpf__load(skel) != 0) {
        vigil_tracer_bpf__destroy(skel);
        return nullptr;
    }
    return skel;
}

bool attachUprobe(Tracer& t, bpf_program* prog, const char* libc, const char* func, bool ret) {
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = ret, .func_name = func);
    bpf_link* link = bpf_program__attach_uprobe_opts(prog, -1, libc, 0, &opts);
    if (link == nullptr) {
        warn(t, std::string("env events incomplete: cannot attach to ") + func + (ret ? " return" : "") + " in " + libc);
        return false;
    }
    t.links.push_back(link);
    return true;
}

bool attachEnv(Tracer& t, vigil_tracer_bpf* skel) {
    const char* libc = nullptr;
    char real[PATH_MAX];
    for (const char* candidate : kLibcCandidates)
        if (realpath(candidate, real) != nullptr) {
            libc = real;
            break;
        }
    if (libc == nullptr) {
        warn(t, "env events unavailable: libc.so.6 not found where the sandbox maps it from");
        return false;
    }
    bool ok = attachUprobe(t, skel->progs.vigil_getenv, libc, "getenv", false);
    ok = attachUprobe(t, skel->progs.vigil_getenv_ret, libc, "getenv", true) && ok;
    ok = attachUprobe(t, skel->progs.vigil_secure_getenv, libc, "secure_getenv", false) && ok;
    ok = attachUprobe(t, skel->progs.vigil_secure_getenv_ret, libc, "secure_getenv", true) && ok;
    return ok;
}

bool fillDenied(Tracer& t, vigil_tracer_bpf* skel) {
    const int fd = bpf_map__fd(skel->maps.vigil_denied);
    for (int nr : deniedSyscallNumbers()) {
        const uint32_t key = static_cast<uint32_t>(nr);
        const uint32_t err = EPERM;
        if (bpf_map_update_elem(fd, &key, &err, BPF_ANY) != 0) {
            warn(t, "sandbox.syscall_denied events incomplete: syscall " + std::to_string(nr) + " not recorded");
            return false;
        }
    }
    return true;
}

void flushBatch(Tracer& t) {
    if (t.batchCount == 0)
        return;
    vigil_trace_batch head{t.batchCount, VIGIL_TRACE_ABI_VERSION};
    if (t.engine >= 0 && !sendMessage(t.engine, VIGIL_MSG_TRACE, &head, sizeof head, t.batch.data(), t.batch.size()))
        t.engine = -1;  // the supervise loop notices the engine's end on its own fd
    t.batch.clear();
    t.batchCount = 0;
}

int onRecord(void* ctx, void* data, size_t size) {
    auto& t = *static_cast<Tracer*>(ctx);
    if (t.discarding)
        return 0;
    const auto* p = static_cast<const uint8_t*>(data);
    vigil_trace_record r;
    // The kernel side is ours, but the receiver checks everything it forwards all the same.
    if (vigil_check_trace_record(p, size) != nullptr) {
        ++t.lost;
        return 0;
    }
    std::memcpy(&r, p, sizeof r);
    // Until the command's own execve, the records are pid 1 building the file system and the
    // command's pre-exec setup: the helper's doing, not the package's.
    if (!t.started) {
        if (r.kind != VIGIL_TRACE_EXEC) {
            ++t.setupSkipped;
            return 0;
        }
        t.started = true;
        t.execNs = r.ts_ns;
    }
    if (t.events + t.lost >= kMaxRecords) {
        ++t.lost;
        return 0;
    }
    if (t.batch.size() + r.size > kBatchRoom)
        flushBatch(t);
    t.batch.insert(t.batch.end(), p, p + r.size);
    ++t.batchCount;
    ++t.events;
    return 0;
}

uint64_t readDrops(const Tracer& t) {
    if (t.dropsFd < 0)
        return 0;
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0)
        return 0;
    std::vector<uint64_t> perCpu(static_cast<size_t>(cpus));
    const uint32_t key = 0;
    if (bpf_map_lookup_elem(t.dropsFd, &key, perCpu.data()) != 0)
        return 0;
    uint64_t total = 0;
    for (uint64_t n : perCpu)
        total += n;
    return total;
}

/// The per-CPU drop counters start each run at zero.
void resetDrops(const Tracer& t) {
    const int cpus = libbpf_num_possible_cpus();
    if (t.dropsFd < 0 || cpus <= 0)
        return;
    const std::vector<uint64_t> zero(static_cast<size_t>(cpus), 0);
    for (uint32_t key = 0; key < VIGIL_DROP_SLOTS; ++key)
        (void)bpf_map_update_elem(t.dropsFd, &key, zero.data(), BPF_ANY);
}

/// The filter the programs read on every event; a plain store into the mmap-ed .bss.
void setFilter(Tracer& t, uint64_t cgroupId) {
    if (t.skel != nullptr && t.skel->bss != nullptr)
        __atomic_store_n(&t.skel->bss->vigil_cgroup_id, cgroupId, __ATOMIC_SEQ_CST);
}

/// Once per helper: load, attach, map the ring buffer. Leaves t.families = what works.
void loadTracer(Tracer& t) {
    t.loaded = true;
    libbpf_set_print(captureLibbpf);
    if (!probeFeatures(t))
        return;
    // One load for everything is the fast path. If the kernel refuses the object, find out which
    // families it refuses (one load each, only on this slow path) and go on without them.
    uint32_t wanted = VIGIL_TRACE_FAMILIES_KNOWN;
    t.skel = loadObject(wanted);
    if (t.skel == nullptr) {
        g_libbpfLog.clear();
        for (const Family& f : kFamilies) {
            vigil_tracer_bpf* alone = loadObject(f.bit);
            if (alone == nullptr) {
                wanted &= ~f.bit;
                warn(t, std::string(f.label) + " events unavailable: the kernel refused the program");
            }
            vigil_tracer_bpf__destroy(alone);
        }
        t.skel = wanted != 0 ? loadObject(wanted) : nullptr;
        if (t.skel == nullptr) {
            warn(t, "tracer off: no family could be loaded");
            return;
        }
    }
    t.dropsFd = bpf_map__fd(t.skel->maps.vigil_drops);
    // The honeypot and the sandbox's pid 1 are forks of the helper, made while the tracer is
    // loaded (from a session's second run on): neither may inherit a writable view of the filter,
    // or a compromised honeypot could blind the tracer.
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bssBytes = (bpf_map__value_size(t.skel->maps.bss) + page - 1) / page * page;
    if (madvise(t.skel->bss, bssBytes, MADV_DONTFORK) != 0)
        warn(t, std::string("tracer filter shared with the helper's children: madvise: ") + std::strerror(errno));
    for (const Family& f : kFamilies) {
        if (!(wanted & f.bit))
            continue;
        bool ok = true;
        if (f.bit == VIGIL_TRACE_FAMILY_ENV) {
            ok = attachEnv(t, t.skel);
        } else {
            if (f.bit == VIGIL_TRACE_FAMILY_DENIED)
                ok = fillDenied(t, t.skel);
            for (bpf_program* prog : programsOf(t.skel, f.bit)) {
                if (!ok)
                    break;
                bpf_link* link = bpf_program__attach(prog);
                if (link == nullptr) {
                    warn(t, std::string(f.label) + " events unavailable: attaching " + bpf_program__name(prog) + " failed");
                    ok = false;
                } else {
                    t.links.push_back(link);
                }
            }
        }
        if (ok)
            t.families |= f.bit;
    }
    if (t.families != 0)
        t.ring = ring_buffer__new(bpf_map__fd(t.skel->maps.vigil_events), onRecord, &t, nullptr);
    if (t.ring == nullptr) {
        if (t.families != 0)
            warn(t, "tracer off: cannot map the ring buffer");
        stopTracer(t);
        t.families = 0;
        return;
    }
    t.batch.reserve(kBatchRoom);
}

}  // namespace

void startTracer(Tracer& t, uint64_t cgroupId, bool untraced, int engine) {
    t.engine = engine;
    t.untraced = untraced;
    t.started = false;
    t.execNs = 0;
    t.events = t.lost = t.setupSkipped = 0;
    t.batch.clear();
    t.batchCount = 0;
    if (untraced) {
        setFilter(t, 0);
        return;
    }
    if (!t.loaded)
        loadTracer(t);
    if (t.ring == nullptr)
        return;
    setFilter(t, cgroupId);
    // Nothing of this run can be in the ring yet (its cgroup is empty until pid 1 is cloned into
    // it): what is there is an earlier run's last records, which must never reach this run.
    t.discarding = true;
    ring_buffer__consume(t.ring);
    t.discarding = false;
    resetDrops(t);
}

void endTracerRun(Tracer& t) {
    setFilter(t, 0);
}

int tracerPollFd(const Tracer& t) {
    return t.ring != nullptr ? ring_buffer__epoll_fd(t.ring) : -1;
}

void drainTracer(Tracer& t) {
    if (t.ring == nullptr)
        return;
    ring_buffer__consume(t.ring);
    flushBatch(t);
}

bool finishTracer(Tracer& t, uint64_t fallbackExecNs) {
    drainTracer(t);
    vigil_trace_stats s{};
    s.events = t.events;
    s.drops = readDrops(t);
    s.lost = t.lost;
    s.exec_ns = t.execNs != 0 ? t.execNs : fallbackExecNs;
    const uint32_t families = t.untraced ? 0u : t.families;
    s.state = (families != 0 ? VIGIL_TRACE_STATE_ACTIVE : 0u) | (t.untraced ? VIGIL_TRACE_STATE_UNTRACED : 0u);
    s.families = families;
    // Still attached: the next run of the session reuses the programs (and detaching is slow:
    // uprobes wait for RCU grace periods).
    std::string text = t.warnings.substr(0, VIGIL_TRACE_MAX_WARNINGS);
    s.warnings_len = static_cast<uint32_t>(text.size());
    return t.engine >= 0 && sendMessage(t.engine, VIGIL_MSG_STATS, &s, sizeof s, text.data(), text.size());
}

void stopTracer(Tracer& t) {
    for (bpf_link* link : t.links)
        bpf_link__destroy(link);
    t.links.clear();
    if (t.ring != nullptr)
        ring_buffer__free(t.ring);
    t.ring = nullptr;
    // Destroying the object closes its maps: the drop counter is read before this.
    vigil_tracer_bpf__destroy(t.skel);
    t.skel = nullptr;
    t.dropsFd = -1;
}

}  // namespace vigil::sandbox
