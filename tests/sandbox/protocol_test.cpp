// The wire protocol: layout pinned, requests round-trip, and random, truncated, oversized or
// corrupted packets are rejected by both sides without crashing (run under ASan in CI).
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "app/sandbox/bait_home.h"
#include "app/sandbox/channel.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/run_plan.h"
#include "app/sandbox/runtime_channel.h"
#include "engine/sandbox/protocol_codec.h"

namespace vigil::test {
namespace {

namespace sbx = vigil::engine::sandbox;

sbx::RunRequest sampleRequest() {
    sbx::RunRequest r;
    r.argv = {"sh", "-c", "echo hi"};
    r.cwd = "/home/dev/project";
    r.packageDir = "/var/cache/vigil/pkg";
    r.cacheRoot = "/var/cache/vigil";
    r.hostname = "alex-thinkpad";
    r.phase = "install";
    r.env = {"npm_lifecycle_event=install", "EMPTY="};
    return r;
}

std::vector<uint8_t> packet(uint16_t type, const void* body, size_t n) {
    std::vector<uint8_t> p(sizeof(vigil_msg_header) + n);
    vigil_msg_header h{VIGIL_SANDBOX_MAGIC, VIGIL_SANDBOX_PROTOCOL_VERSION, type, static_cast<uint32_t>(n), 0};
    std::memcpy(p.data(), &h, sizeof h);
    if (n > 0)
        std::memcpy(p.data() + sizeof h, body, n);
    return p;
}

TEST(SandboxProtocol, RunRequestRoundTripsThroughTheHelpersDecoder) {
    auto encoded = sbx::encodeRunRequest(sampleRequest());
    ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
    sandbox::RunPlan plan;
    ASSERT_EQ(sandbox::decodeRunRequest(encoded->data(), encoded->size(), plan), nullptr);
    EXPECT_EQ(plan.argv, (std::vector<std::string>{"sh", "-c", "echo hi"}));
    EXPECT_EQ(plan.env, (std::vector<std::string>{"npm_lifecycle_event=install", "EMPTY="}));
    EXPECT_EQ(plan.cwd, "/home/dev/project");
    EXPECT_EQ(plan.packageDir, "/var/cache/vigil/pkg");
    EXPECT_EQ(plan.cacheRoot, "/var/cache/vigil");
    EXPECT_EQ(plan.hostname, "alex-thinkpad");
    EXPECT_EQ(plan.phase, "install");
    EXPECT_EQ(plan.limits.wall_ms, 60000u);
    EXPECT_EQ(plan.limits.pids_max, 512u);
}

TEST(SandboxProtocol, EngineRefusesRequestsTheHelperWouldRefuse) {
    auto r = sampleRequest();
    r.argv.clear();
    EXPECT_FALSE(sbx::encodeRunRequest(r).ok());
    r = sampleRequest();
    r.hostname = std::string(64, 'a');
    EXPECT_FALSE(sbx::encodeRunRequest(r).ok());
    r = sampleRequest();
    r.limits.memoryBytes = 1 << 20;
    EXPECT_FALSE(sbx::encodeRunRequest(r).ok());
    r = sampleRequest();
    r.argv.push_back(std::string("a\0b", 3));
    EXPECT_FALSE(sbx::encodeRunRequest(r).ok());
}

TEST(SandboxProtocol, EveryTruncationOfAValidRequestIsRejected) {
    auto encoded = sbx::encodeRunRequest(sampleRequest());
    ASSERT_TRUE(encoded.ok());
    for (size_t n = 0; n < encoded->size(); ++n) {
        sandbox::RunPlan plan;
        EXPECT_NE(sandbox::decodeRunRequest(encoded->data(), n, plan), nullptr) << "accepted " << n << " bytes";
    }
}

TEST(SandboxProtocol, CorruptedLengthsAndFieldsAreRejected) {
    auto encoded = sbx::encodeRunRequest(sampleRequest());
    ASSERT_TRUE(encoded.ok());
    // Flip every byte of the header and the fixed part to a few values: either still valid
    // (a field whose every value is allowed) or rejected — never a crash or an overread.
    std::mt19937 rng(7);
    const size_t fixedEnd = sizeof(vigil_msg_header) + sizeof(vigil_run_request);
    for (size_t i = 0; i < fixedEnd; ++i) {
        for (uint8_t v : {uint8_t{0}, uint8_t{0xff}, static_cast<uint8_t>(rng())}) {
            std::vector<uint8_t> p = *encoded;
            p[i] = v;
            sandbox::RunPlan plan;
            (void)sandbox::decodeRunRequest(p.data(), p.size(), plan);
        }
    }
    // Specific lies are caught.
    std::vector<uint8_t> p = *encoded;
    vigil_run_request r;
    std::memcpy(&r, p.data() + sizeof(vigil_msg_header), sizeof r);
    r.argc += 1;
    std::memcpy(p.data() + sizeof(vigil_msg_header), &r, sizeof r);
    sandbox::RunPlan plan;
    EXPECT_STREQ(sandbox::decodeRunRequest(p.data(), p.size(), plan), "argv area does not hold argc NUL-terminated strings");
    r.argc -= 1;
    r.test_mode = 2;
    std::memcpy(p.data() + sizeof(vigil_msg_header), &r, sizeof r);
    EXPECT_STREQ(sandbox::decodeRunRequest(p.data(), p.size(), plan), "unknown test mode");
    r.test_mode = 0;
    r.cwd_len = 0xffffffffu;
    std::memcpy(p.data() + sizeof(vigil_msg_header), &r, sizeof r);
    EXPECT_NE(sandbox::decodeRunRequest(p.data(), p.size(), plan), nullptr);
}

TEST(SandboxProtocol, RandomPacketsNeverCrashEitherDecoder) {
    std::mt19937 rng(42);
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        const size_t n = rng() % 512;
        std::vector<uint8_t> p(n);
        for (auto& b : p)
            b = static_cast<uint8_t>(rng());
        // Half of them get a plausible header, so the body checks are exercised too.
        if (n >= sizeof(vigil_msg_header) && (i & 1)) {
            const uint16_t types[] = {1, 2, 3, 4, 5, 6, 7, 8, VIGIL_MSG_TRACE, VIGIL_MSG_STATS, VIGIL_MSG_RUNTIME};
            vigil_msg_header h{VIGIL_SANDBOX_MAGIC, VIGIL_SANDBOX_PROTOCOL_VERSION,
                               types[rng() % std::size(types)], static_cast<uint32_t>(n - sizeof h), 0};
            std::memcpy(p.data(), &h, sizeof h);
        }
        sandbox::RunPlan plan;
        if (sandbox::decodeRunRequest(p.data(), p.size(), plan) == nullptr)
            ++accepted;
        auto m = sbx::decodeHelperMessage(p);
        if (m.ok())
            ++accepted;
    }
    // Random bodies almost never satisfy every length check; a few OUTPUT packets can.
    EXPECT_LT(accepted, 20000);
}

TEST(SandboxProtocol, OversizedAndMislabelledPacketsAreRejected) {
    std::vector<uint8_t> big(VIGIL_SANDBOX_MAX_MESSAGE + 1, 0);
    EXPECT_STREQ(vigil_msg_check(big.data(), big.size()), "message larger than the protocol maximum");
    vigil_output o{VIGIL_STREAM_STDOUT, 0};
    auto p = packet(VIGIL_MSG_OUTPUT, &o, sizeof o);
    EXPECT_STREQ(vigil_msg_check(p.data(), p.size()), "output without data");
    p = packet(99, nullptr, 0);
    EXPECT_STREQ(vigil_msg_check(p.data(), p.size()), "unknown message type");
    p = packet(VIGIL_MSG_RESULT, nullptr, 0);
    EXPECT_STREQ(vigil_msg_check(p.data(), p.size()), "result has the wrong size");
    // The engine refuses a RUN_REQUEST coming from the helper.
    auto encoded = sbx::encodeRunRequest(sampleRequest());
    ASSERT_TRUE(encoded.ok());
    EXPECT_FALSE(sbx::decodeHelperMessage(*encoded).ok());
}

TEST(SandboxProtocol, ChangesAndErrorsDecode) {
    std::vector<uint8_t> body(sizeof(vigil_changes));
    vigil_changes c{2, 0};
    std::memcpy(body.data(), &c, sizeof c);
    for (const std::string path : {"/home/dev/project/a", "/home/dev/project/bb/c.txt"}) {
        vigil_change e{VIGIL_CHANGE_CREATED, static_cast<uint32_t>(path.size())};
        const size_t at = body.size();
        body.resize(at + vigil_change_entry_size(e.path_len), 0);
        std::memcpy(body.data() + at, &e, sizeof e);
        std::memcpy(body.data() + at + sizeof e, path.data(), path.size());
    }
    auto m = sbx::decodeHelperMessage(packet(VIGIL_MSG_CHANGES, body.data(), body.size()));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    const auto& batch = std::get<sbx::ChangesBatch>(*m);
    ASSERT_EQ(batch.changes.size(), 2u);
    EXPECT_EQ(batch.changes[1].path, "/home/dev/project/bb/c.txt");
    // One byte short: the last path runs past the body.
    EXPECT_FALSE(sbx::decodeHelperMessage(packet(VIGIL_MSG_CHANGES, body.data(), body.size() - 1)).ok());

    const std::string text = "mount /usrpermission";
    std::vector<uint8_t> err(sizeof(vigil_error) + text.size());
    vigil_error e{VIGIL_ERR_SETUP, 10, static_cast<uint32_t>(text.size() - 10), 0};
    std::memcpy(err.data(), &e, sizeof e);
    std::memcpy(err.data() + sizeof e, text.data(), text.size());
    m = sbx::decodeHelperMessage(packet(VIGIL_MSG_ERROR, err.data(), err.size()));
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<sbx::HelperError>(*m).primary, "mount /usr");
    EXPECT_EQ(std::get<sbx::HelperError>(*m).secondary, "permission");
}

TEST(SandboxProtocol, BaitTokensTravelFromTheHelperToTheEngine) {
    std::vector<sandbox::BaitToken> tokens = {
        {"npm_token", VIGIL_BAIT_ENV, "NPM_TOKEN", "npm_abc"},
        {"npm_token", VIGIL_BAIT_FILE, "/home/dev/.npmrc", "npm_abc"},
        {"ssh_private_key", VIGIL_BAIT_FILE, "/home/dev/.ssh/id_ed25519", std::string(3000, 'k')},
    };
    // Enough entries to need several packets: each batch must still be one valid message.
    for (int i = 0; i < 40; ++i)
        tokens.push_back({"wallet", VIGIL_BAIT_FILE, "/home/dev/w" + std::to_string(i), std::string(2000, 'w')});
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    int sendBufSize = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sendBufSize, sizeof sendBufSize);
    ASSERT_TRUE(sandbox::sendBait(sv[0], tokens));
    close(sv[0]);
    std::vector<sbx::BaitToken> received;
    int packets = 0;
    std::vector<uint8_t> buf(VIGIL_SANDBOX_MAX_MESSAGE);
    for (;;) {
        const ssize_t n = recv(sv[1], buf.data(), buf.size(), 0);
        if (n <= 0)
            break;
        ++packets;
        auto m = sbx::decodeHelperMessage(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
        ASSERT_TRUE(m.ok()) << m.error().describe();
        for (auto& t : std::get<sbx::BaitBatch>(*m).tokens)
            received.push_back(t);
    }
    close(sv[1]);
    EXPECT_GT(packets, 1);
    ASSERT_EQ(received.size(), tokens.size());
    EXPECT_EQ(received[0].place, sbx::BaitToken::Place::Env);
    EXPECT_EQ(received[0].location, "NPM_TOKEN");
    EXPECT_EQ(received[1].place, sbx::BaitToken::Place::File);
    EXPECT_EQ(received[1].location, "/home/dev/.npmrc");
    EXPECT_EQ(received[1].value, "npm_abc");
    EXPECT_EQ(received[2].value, std::string(3000, 'k'));
    EXPECT_EQ(received.back().location, "/home/dev/w39");
}

TEST(SandboxProtocol, MalformedBaitIsRejected) {
    const std::string bytes = "npm_tokenNPM_TOKENnpm_abc";
    std::vector<uint8_t> body(sizeof(vigil_bait));
    vigil_bait b{1, 0};
    std::memcpy(body.data(), &b, sizeof b);
    vigil_bait_token t{VIGIL_BAIT_ENV, 9, 9, 7};
    body.resize(body.size() + vigil_bait_entry_size(&t), 0);
    std::memcpy(body.data() + sizeof b, &t, sizeof t);
    std::memcpy(body.data() + sizeof b + sizeof t, bytes.data(), bytes.size());
    auto ok = sbx::decodeHelperMessage(packet(VIGIL_MSG_BAIT, body.data(), body.size()));
    ASSERT_TRUE(ok.ok()) << ok.error().describe();
    EXPECT_EQ(std::get<sbx::BaitBatch>(*ok).tokens.at(0).value, "npm_abc");

    auto corrupt = [&](auto mutate) {
        std::vector<uint8_t> copy = body;
        mutate(copy);
        return sbx::decodeHelperMessage(packet(VIGIL_MSG_BAIT, copy.data(), copy.size())).ok();
    };
    const size_t entry = sizeof(vigil_bait);
    EXPECT_FALSE(corrupt([&](auto& c) { c[entry] = 3; }));                        // unknown place
    EXPECT_FALSE(corrupt([&](auto& c) { c[entry + 12] = 200; }));                 // value past the body
    EXPECT_FALSE(corrupt([&](auto& c) { c[entry + 4] = 0; }));                    // empty name
    EXPECT_FALSE(corrupt([&](auto& c) { c[entry + sizeof t + 2] = 0; }));         // NUL in the name
    EXPECT_FALSE(corrupt([&](auto& c) { c[0] = 2; }));                            // count beyond the entries
    EXPECT_FALSE(corrupt([&](auto& c) { c.resize(c.size() + 8, 0); }));           // trailing bytes
}


// ---- Tracer messages (protocol 3) --------------------------------------------------------------

std::vector<uint8_t> traceRecord(uint16_t kind, const std::string& strings, uint16_t len0) {
    vigil_trace_record r{};
    r.kind = kind;
    r.pid = 2;
    r.str_len[0] = len0;
    r.size = static_cast<uint32_t>((sizeof r + strings.size() + 7) & ~size_t{7});
    std::vector<uint8_t> bytes(r.size, 0);
    std::memcpy(bytes.data(), &r, sizeof r);
    std::memcpy(bytes.data() + sizeof r, strings.data(), strings.size());
    return bytes;
}

std::vector<uint8_t> traceBody(const std::vector<std::vector<uint8_t>>& records) {
    vigil_trace_batch b{static_cast<uint32_t>(records.size()), VIGIL_TRACE_ABI_VERSION};
    std::vector<uint8_t> body(sizeof b);
    std::memcpy(body.data(), &b, sizeof b);
    for (const auto& r : records)
        body.insert(body.end(), r.begin(), r.end());
    return body;
}

TEST(SandboxProtocol, TraceBatchesAndStatsTravelToTheEngine) {
    const auto a = traceRecord(VIGIL_TRACE_GETENV, "HOME", 4);
    const auto b = traceRecord(VIGIL_TRACE_FORK, "", 0);
    const auto body = traceBody({a, b});
    auto m = sbx::decodeHelperMessage(packet(VIGIL_MSG_TRACE, body.data(), body.size()));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    const auto& batch = std::get<sbx::TraceBatch>(*m);
    ASSERT_EQ(batch.records.size(), 2u);
    EXPECT_EQ(batch.records[0].bytes, a);
    EXPECT_EQ(batch.records[1].bytes, b);

    vigil_trace_stats st{};
    st.events = 2;
    st.drops = 5;
    st.lost = 1;
    st.exec_ns = 123;
    st.state = VIGIL_TRACE_STATE_ACTIVE;
    st.families = VIGIL_TRACE_FAMILY_FILE | VIGIL_TRACE_FAMILY_ENV;
    const std::string warning = "network events unavailable: attaching vigil_net_exit failed\n";
    st.warnings_len = static_cast<uint32_t>(warning.size());
    std::vector<uint8_t> sb(sizeof st);
    std::memcpy(sb.data(), &st, sizeof st);
    sb.insert(sb.end(), warning.begin(), warning.end());
    auto s = sbx::decodeHelperMessage(packet(VIGIL_MSG_STATS, sb.data(), sb.size()));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    const auto& stats = std::get<sbx::TraceStats>(*s);
    EXPECT_TRUE(stats.received);
    EXPECT_TRUE(stats.active);
    EXPECT_FALSE(stats.untraced);
    EXPECT_EQ(stats.drops, 5u);
    EXPECT_EQ(stats.lost, 1u);
    EXPECT_EQ(stats.execNs, 123u);
    EXPECT_EQ(stats.families, VIGIL_TRACE_FAMILY_FILE | VIGIL_TRACE_FAMILY_ENV);
    EXPECT_EQ(stats.warnings, warning);

    // A request for the benchmark's untraced mode carries the named bit and nothing else.
    auto req = sampleRequest();
    req.untracedForBenchmark = true;
    auto encoded = sbx::encodeRunRequest(req);
    ASSERT_TRUE(encoded.ok());
    sandbox::RunPlan plan;
    ASSERT_EQ(sandbox::decodeRunRequest(encoded->data(), encoded->size(), plan), nullptr);
    EXPECT_EQ(plan.limits.test_mode, VIGIL_TEST_MODE_UNTRACED);
}

TEST(SandboxProtocol, MalformedTraceAndStatsAreRejected) {
    const auto good = traceBody({traceRecord(VIGIL_TRACE_GETENV, "HOME", 4)});
    auto accepted = [](uint16_t type, const std::vector<uint8_t>& body) {
        return vigil_msg_check(packet(type, body.data(), body.size()).data(), sizeof(vigil_msg_header) + body.size()) ==
               nullptr;
    };
    ASSERT_TRUE(accepted(VIGIL_MSG_TRACE, good));
    for (size_t n = 0; n < good.size(); ++n)
        EXPECT_FALSE(accepted(VIGIL_MSG_TRACE, std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(n))))
            << n;
    auto corrupt = [&](auto mutate) {
        std::vector<uint8_t> copy = good;
        mutate(copy);
        return accepted(VIGIL_MSG_TRACE, copy);
    };
    const size_t rec = sizeof(vigil_trace_batch);
    EXPECT_FALSE(corrupt([&](auto& c) { c[0] = 2; }));                         // count beyond the records
    EXPECT_FALSE(corrupt([&](auto& c) { c[0] = 0; }));                         // empty batch
    EXPECT_FALSE(corrupt([&](auto& c) { c[4] = 9; }));                         // other record ABI
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec] = 0; }));                       // kind 0
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec] = VIGIL_TRACE_KIND_MAX + 1; })); // unknown kind
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec + 2] = 0x80; }));                // unknown flags
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec + 4] = 100; }));                 // size below the header
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec + 4] += 1; }));                  // size not a multiple of 8
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec + 4] += 8; }));                  // size past the body
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec + 80] = 9; }));                  // string past the record
    EXPECT_FALSE(corrupt([&](auto& c) { c[rec + 81] = 0x20; }));               // string over its bound
    EXPECT_FALSE(corrupt([&](auto& c) { c.resize(c.size() + 8, 0); }));        // trailing bytes

    vigil_trace_stats st{};
    std::vector<uint8_t> sb(sizeof st);
    EXPECT_TRUE(accepted(VIGIL_MSG_STATS, sb));
    EXPECT_FALSE(accepted(VIGIL_MSG_STATS, std::vector<uint8_t>(sb.begin(), sb.end() - 1)));
    st.state = 8;
    std::memcpy(sb.data(), &st, sizeof st);
    EXPECT_FALSE(accepted(VIGIL_MSG_STATS, sb));
    st.state = 0;
    st.warnings_len = 3;
    std::memcpy(sb.data(), &st, sizeof st);
    EXPECT_FALSE(accepted(VIGIL_MSG_STATS, sb));  // text missing
    sb.insert(sb.end(), {'a', '\0', 'b'});
    EXPECT_FALSE(accepted(VIGIL_MSG_STATS, sb));  // NUL inside
}

std::vector<uint8_t> runtimeBody(const std::string& text, uint32_t lines, uint32_t dropped = 0, uint32_t reserved = 0) {
    vigil_runtime r{lines, static_cast<uint32_t>(text.size()), dropped, reserved};
    std::vector<uint8_t> body(sizeof r + text.size());
    std::memcpy(body.data(), &r, sizeof r);
    std::memcpy(body.data() + sizeof r, text.data(), text.size());
    return body;
}

TEST(SandboxProtocol, RuntimeBatchesDecodeAndMalformedOnesAreRejected) {
    const std::string two = std::string("{\"a\":1}\0{\"b\":2}\0", 16);
    auto body = runtimeBody(two, 2, 3);
    auto m = sbx::decodeHelperMessage(packet(VIGIL_MSG_RUNTIME, body.data(), body.size()));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    const auto& batch = std::get<sbx::RuntimeBatch>(*m);
    ASSERT_EQ(batch.lines.size(), 2u);
    EXPECT_EQ(batch.lines[1], "{\"b\":2}");
    EXPECT_EQ(batch.dropped, 3u);

    auto rejects = [](const std::vector<uint8_t>& b) {
        const auto p = packet(VIGIL_MSG_RUNTIME, b.data(), b.size());
        return vigil_msg_check(p.data(), p.size()) != nullptr && !sbx::decodeHelperMessage(p).ok();
    };
    EXPECT_TRUE(rejects(runtimeBody(two, 3)));                                   // count beyond the lines
    EXPECT_TRUE(rejects(runtimeBody(two, 1)));                                   // count short of them
    EXPECT_TRUE(rejects(runtimeBody(two.substr(0, 15), 2)));                     // last line unterminated
    EXPECT_TRUE(rejects(runtimeBody(std::string("\0x\0", 3), 2)));               // empty line
    EXPECT_TRUE(rejects(runtimeBody(std::string(VIGIL_RUNTIME_MAX_LINE + 1, 'x') + '\0', 1)));  // too long
    EXPECT_TRUE(rejects(runtimeBody(two, 2, 0, 1)));                             // reserved set
    auto shortBody = runtimeBody(two, 2);
    shortBody.resize(10);
    EXPECT_TRUE(rejects(shortBody));                                             // shorter than the fixed part
    EXPECT_FALSE(rejects(runtimeBody(std::string(VIGIL_RUNTIME_MAX_LINE, 'x') + '\0', 1)));  // exactly the maximum
}

TEST(SandboxProtocol, RuntimeLinesTravelFromTheFifoToTheEngineInBoundedBatches) {
    char tmpl[] = "/tmp/vigil-runtime-channel-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const int dir = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dir, 0);
    sandbox::RuntimeChannel channel = sandbox::createRuntimeChannel(dir);
    const std::string fifo = std::string(tmpl) + "/" + sandbox::kRuntimeChannelScratchDir + "/" + sandbox::kRuntimeChannelName;
    const int writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(writer, 0);
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    int bufSize = 4 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &bufSize, sizeof bufSize);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &bufSize, sizeof bufSize);

    std::vector<std::string> sent;
    auto put = [&](const std::string& bytes) {
        ASSERT_EQ(write(writer, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
        ASSERT_TRUE(sandbox::forwardRuntimeLines(channel, sv[0]));
    };
    // 300 lines of ~1 KB: more than one packet and more than a pipe buffer, forwarded as written.
    for (int i = 0; i < 300; ++i) {
        sent.push_back("{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string(1000, 'p') + "\"}");
        put(sent.back() + "\n");
    }
    put(std::string(VIGIL_RUNTIME_MAX_LINE + 10, 'L') + "\n");  // longer than the hook writes: dropped
    put(std::string("{\"nul\":\0}\n", 10));                      // a NUL cannot be framed: dropped
    put("\n\n");                                                 // empty lines: skipped silently
    // A line split across writes is forwarded whole; an unterminated last line on the drain.
    put("{\"split\":");
    put("true}\n{\"last\":1}");
    sent.push_back("{\"split\":true}");
    sent.push_back("{\"last\":1}");
    close(writer);
    ASSERT_TRUE(sandbox::drainRuntimeChannel(channel, sv[0]));
    close(sv[0]);

    std::vector<std::string> received;
    uint64_t dropped = 0;
    int packets = 0;
    std::vector<uint8_t> buf(VIGIL_SANDBOX_MAX_MESSAGE);
    for (;;) {
        const ssize_t n = recv(sv[1], buf.data(), buf.size(), 0);
        if (n <= 0)
            break;
        ++packets;
        auto m = sbx::decodeHelperMessage(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
        ASSERT_TRUE(m.ok()) << m.error().describe();
        const auto& batch = std::get<sbx::RuntimeBatch>(*m);
        dropped += batch.dropped;
        received.insert(received.end(), batch.lines.begin(), batch.lines.end());
    }
    close(sv[1]);
    close(dir);
    std::filesystem::remove_all(tmpl);
    EXPECT_GT(packets, 1);
    EXPECT_EQ(dropped, 2u);
    ASSERT_EQ(received.size(), sent.size());
    EXPECT_EQ(received, sent);
}

}  // namespace
}  // namespace vigil::test
