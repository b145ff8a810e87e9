// The tracer's shared record layout is pinned, and the decoder turns well-formed records into the
// documented events while refusing short, oversized or inconsistent ones.
#include <arpa/inet.h>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bpf/vigil_trace.h"
#include "engine/collect/kernel_decoder.h"

namespace vigil::test {
namespace {

using engine::collect::Event;
using engine::collect::KernelDecoder;

// The BPF programs, the helper and the engine must agree on every offset.
static_assert(sizeof(vigil_trace_record) == 104);
static_assert(offsetof(vigil_trace_record, kind) == 0);
static_assert(offsetof(vigil_trace_record, flags) == 2);
static_assert(offsetof(vigil_trace_record, size) == 4);
static_assert(offsetof(vigil_trace_record, ts_ns) == 8);
static_assert(offsetof(vigil_trace_record, pid) == 16);
static_assert(offsetof(vigil_trace_record, tid) == 20);
static_assert(offsetof(vigil_trace_record, ppid) == 24);
static_assert(offsetof(vigil_trace_record, nr) == 28);
static_assert(offsetof(vigil_trace_record, ret) == 32);
static_assert(offsetof(vigil_trace_record, arg0) == 40);
static_assert(offsetof(vigil_trace_record, addr) == 64);
static_assert(offsetof(vigil_trace_record, str_len) == 80);
static_assert(offsetof(vigil_trace_record, comm) == 88);
static_assert(VIGIL_TRACE_ABI_VERSION == 1);

std::vector<uint8_t> record(vigil_trace_record r, std::vector<std::string> strings = {}) {
    std::string area;
    for (size_t i = 0; i < strings.size(); ++i) {
        r.str_len[i] = static_cast<uint16_t>(strings[i].size());
        area += strings[i];
    }
    r.size = static_cast<uint32_t>((sizeof r + area.size() + 7) & ~size_t{7});
    std::vector<uint8_t> bytes(r.size, 0);
    std::memcpy(bytes.data(), &r, sizeof r);
    std::memcpy(bytes.data() + sizeof r, area.data(), area.size());
    return bytes;
}

vigil_trace_record head(uint16_t kind, int32_t pid = 7, int32_t ppid = 2) {
    vigil_trace_record r{};
    r.kind = kind;
    r.ts_ns = 1'000'500;
    r.pid = pid;
    r.tid = pid;
    r.ppid = ppid;
    std::strcpy(r.comm, "node");
    return r;
}

TEST(KernelDecoder, ExecForkAndLaterEventsCarryTheExecutable) {
    KernelDecoder d("install", 1'000'000);
    auto exec = d.decode(record(head(VIGIL_TRACE_EXEC), {"project/dev/home/", "./node_modules/.bin/../x/run.sh",
                                                         std::string("sh\0run.sh\0", 10), std::string("PATH\0HOME\0", 10)}));
    ASSERT_TRUE(exec.ok()) << exec.error().describe();
    EXPECT_EQ(exec->kind, "process.exec");
    EXPECT_EQ(exec->attrs["path"], "/home/dev/project/node_modules/x/run.sh");
    EXPECT_EQ(exec->attrs["argv"], (nlohmann::json{"sh", "run.sh"}));
    EXPECT_EQ(exec->attrs["env_names"], (nlohmann::json{"PATH", "HOME"}));
    EXPECT_EQ(exec->tsNs, 500);
    EXPECT_EQ(exec->phase, "install");
    EXPECT_EQ(exec->exe, "/home/dev/project/node_modules/x/run.sh");

    auto fork = head(VIGIL_TRACE_FORK);
    fork.arg0 = 9;
    auto f = d.decode(record(fork));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->attrs["child_pid"], 9);
    // The child inherits the executable until it execs itself.
    auto open = head(VIGIL_TRACE_OPEN, 9, 7);
    open.arg0 = O_WRONLY | O_CREAT | O_TRUNC;
    open.ret = 4;
    auto o = d.decode(record(open, {"", "/home/dev/.npmrc"}));
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->exe, "/home/dev/project/node_modules/x/run.sh");
    EXPECT_EQ(o->attrs["path"], "/home/dev/.npmrc");
    EXPECT_EQ(o->attrs["access"], "write");
    EXPECT_EQ(o->attrs["create"], true);
    EXPECT_EQ(o->attrs["truncate"], true);
    EXPECT_EQ(o->attrs["result"], 4);
    EXPECT_EQ(o->pid, 9);
    EXPECT_EQ(o->ppid, 7);
    EXPECT_EQ(o->seq, 2u);
    EXPECT_EQ(o->source, engine::collect::Source::Kernel);

    auto exit = head(VIGIL_TRACE_EXIT, 9, 7);
    exit.arg0 = 9;  // killed by SIGKILL
    auto x = d.decode(record(exit));
    ASSERT_TRUE(x.ok());
    EXPECT_EQ(x->attrs["signal"], 9);
    EXPECT_EQ(x->attrs["code"], -1);
}

TEST(KernelDecoder, EveryKindHasItsDocumentedAttrs) {
    KernelDecoder d("import", 0);
    auto rename = head(VIGIL_TRACE_RENAME);
    auto r = d.decode(record(rename, {"tmp/", "a", "", "/tmp/b"}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->attrs["from"], "/tmp/a");
    EXPECT_EQ(r->attrs["to"], "/tmp/b");

    auto chmod = head(VIGIL_TRACE_CHMOD);
    chmod.arg0 = 0100755;
    auto c = d.decode(record(chmod, {"payload/tmp/", ""}));  // fd-only: the base is the file
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->attrs["path"], "/tmp/payload");
    EXPECT_EQ(c->attrs["mode"], 0755);

    auto sym = head(VIGIL_TRACE_SYMLINK);
    auto s = d.decode(record(sym, {"", "../../etc/passwd", "home/", "dev/link"}));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->kind, "file.symlink");
    EXPECT_EQ(s->attrs["target"], "../../etc/passwd");
    EXPECT_EQ(s->attrs["path"], "/home/dev/link");

    auto conn = head(VIGIL_TRACE_CONNECT);
    conn.arg0 = AF_INET;
    conn.arg1 = 443;
    conn.arg2 = SOCK_STREAM;
    conn.ret = -115;
    inet_pton(AF_INET, "104.18.32.7", conn.addr);
    auto n = d.decode(record(conn));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->kind, "network.connect");
    EXPECT_EQ(n->attrs["family"], "inet");
    EXPECT_EQ(n->attrs["address"], "104.18.32.7");
    EXPECT_EQ(n->attrs["port"], 443);
    EXPECT_EQ(n->attrs["protocol"], "tcp");
    EXPECT_EQ(n->attrs["result"], -115);

    auto send6 = head(VIGIL_TRACE_SEND);
    send6.arg0 = AF_INET6;
    send6.arg1 = 53;
    send6.arg2 = SOCK_DGRAM;
    send6.ret = 33;
    inet_pton(AF_INET6, "2001:db8::1", send6.addr);
    auto s6 = d.decode(record(send6));
    ASSERT_TRUE(s6.ok());
    EXPECT_EQ(s6->attrs["address"], "2001:db8::1");
    EXPECT_EQ(s6->attrs["bytes"], 33);

    auto env = head(VIGIL_TRACE_GETENV);
    env.arg0 = VIGIL_ENV_VIA_SECURE_GETENV;
    env.arg1 = 1;
    auto e = d.decode(record(env, {"AWS_SECRET_ACCESS_KEY"}));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->kind, "env.read");
    EXPECT_EQ(e->attrs["name"], "AWS_SECRET_ACCESS_KEY");
    EXPECT_EQ(e->attrs["via"], "secure_getenv");
    EXPECT_EQ(e->attrs["found"], true);

    auto denied = head(VIGIL_TRACE_DENIED);
    denied.nr = 165;  // mount on x86_64
    denied.ret = -1;
    auto dn = d.decode(record(denied));
    ASSERT_TRUE(dn.ok());
    EXPECT_EQ(dn->kind, "sandbox.syscall_denied");
    EXPECT_EQ(dn->attrs["syscall"], "mount");
    EXPECT_EQ(dn->attrs["nr"], 165);
    EXPECT_EQ(dn->attrs["errno"], 1);
}

TEST(KernelDecoder, JoinPathReversesTheWalkAndNormalises) {
    EXPECT_EQ(KernelDecoder::joinPath("", "/etc/passwd"), "/etc/passwd");
    EXPECT_EQ(KernelDecoder::joinPath("c/b/a/", "d"), "/a/b/c/d");
    EXPECT_EQ(KernelDecoder::joinPath("c/b/a/", "../x/./y"), "/a/b/x/y");
    EXPECT_EQ(KernelDecoder::joinPath("", "."), "/");  // cwd is the root
    EXPECT_EQ(KernelDecoder::joinPath("dev/home/", ""), "/home/dev");
    EXPECT_EQ(KernelDecoder::joinPath("tmp/", "/abs//path/"), "/abs/path");
}

TEST(KernelDecoder, MalformedAndShortRecordsAreRejected) {
    KernelDecoder d("api", 0);
    const auto good = record(head(VIGIL_TRACE_OPEN), {"", "/etc/hosts"});
    ASSERT_TRUE(d.decode(good).ok());
    for (size_t n = 0; n < good.size(); ++n)
        EXPECT_FALSE(d.decode(std::span<const uint8_t>(good.data(), n)).ok()) << n << " bytes accepted";

    auto bad = head(VIGIL_TRACE_OPEN);
    bad.kind = 0;
    EXPECT_FALSE(d.decode(record(bad)).ok());
    bad.kind = VIGIL_TRACE_KIND_MAX + 1;
    EXPECT_FALSE(d.decode(record(bad)).ok());
    bad = head(VIGIL_TRACE_OPEN);
    bad.flags = 0x100;
    EXPECT_FALSE(d.decode(record(bad)).ok());
    // strings claiming more than the record holds
    auto lying = record(head(VIGIL_TRACE_OPEN), {"", "/x"});
    vigil_trace_record r;
    std::memcpy(&r, lying.data(), sizeof r);
    r.str_len[1] = 200;
    std::memcpy(lying.data(), &r, sizeof r);
    auto refused = d.decode(lying);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().primary.find("malformed kernel trace record"), std::string::npos);
    // size not a multiple of 8, and a size larger than the bytes given
    r.str_len[1] = 2;
    r.size = 108;
    std::memcpy(lying.data(), &r, sizeof r);
    EXPECT_FALSE(d.decode(lying).ok());
    r.size = 112;
    std::memcpy(lying.data(), &r, sizeof r);
    EXPECT_TRUE(d.decode(lying).ok());
    lying.resize(120, 0);
    EXPECT_FALSE(d.decode(lying).ok()) << "trailing bytes beyond the record's size";
}

TEST(KernelDecoder, RandomBytesNeverCrashTheDecoder) {
    std::mt19937 rng(11);
    KernelDecoder d("install", 0);
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        std::vector<uint8_t> bytes(rng() % 400);
        for (auto& b : bytes)
            b = static_cast<uint8_t>(rng());
        if (bytes.size() >= sizeof(vigil_trace_record) && (i & 1)) {
            // plausible header so the per-kind code runs on garbage fields
            vigil_trace_record r;
            std::memcpy(&r, bytes.data(), sizeof r);
            r.kind = static_cast<uint16_t>(1 + rng() % VIGIL_TRACE_KIND_MAX);
            r.flags = 0;
            r.size = static_cast<uint32_t>(bytes.size() & ~size_t{7});
            for (auto& l : r.str_len)
                l = static_cast<uint16_t>(rng() % 64);
            bytes.resize(r.size);
            std::memcpy(bytes.data(), &r, sizeof r);
        }
        if (d.decode(bytes).ok())
            ++accepted;
    }
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 20000);
}

}  // namespace
}  // namespace vigil::test
