#include "engine/sandbox/protocol_codec.h"

#include <arpa/inet.h>
#include <cstring>

#include "app/sandbox/protocol.h"

namespace vigil::engine::sandbox {
namespace {

Error protocolError(const std::string& what) {
    return makeError(ErrorCode::Internal, "vigil-sandbox sent a malformed message: " + what,
                     "the helper and the engine are from different builds, or the helper is broken");
}

template <typename T>
T readStruct(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// "104.18.32.7" or "2606:4700::6812:2007" (RFC 5952 form, as inet_ntop writes it).
std::string addressText(uint8_t family, const uint8_t (&addr)[16]) {
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(family == VIGIL_NET_INET6 ? AF_INET6 : AF_INET, addr, text, sizeof text) == nullptr)
        return {};
    return text;
}

}  // namespace

const char* netEventKindName(NetEvent::Kind kind) {
    switch (kind) {
    case NetEvent::Kind::Dns: return "dns";
    case NetEvent::Kind::Http: return "http";
    case NetEvent::Kind::Tcp: return "tcp";
    case NetEvent::Kind::TlsSni: return "tls-sni";
    case NetEvent::Kind::TcpSyn: return "tcp-syn";
    case NetEvent::Kind::Udp: return "udp";
    case NetEvent::Kind::Dropped: return "dropped";
    }
    return "unknown";
}

Result<std::vector<uint8_t>> encodeRunRequest(const RunRequest& request) {
    vigil_run_request r{};
    r.wall_ms = static_cast<uint64_t>(request.limits.wall.count());
    r.memory_bytes = request.limits.memoryBytes;
    r.tmpfs_bytes = request.limits.tmpfsBytes;
    r.output_bytes = request.limits.outputBytes;
    r.pids_max = request.limits.pids;
    r.cpu_percent = request.limits.cpuPercent;
    r.test_mode = request.untracedForBenchmark ? VIGIL_TEST_MODE_UNTRACED : VIGIL_TEST_MODE_NONE;
    if (!request.geoCountry.empty()) {
        const std::string& c = request.geoCountry;
        if (c.size() != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
            return makeError(ErrorCode::Usage, "geo country '" + c.substr(0, 16) + "' is not a two-letter ISO 3166-1 code",
                             "use upper case, e.g. RU, DE, US");
        r.geo_country[0] = c[0];
        r.geo_country[1] = c[1];
    }
    std::string argv, env;
    for (const std::string& a : request.argv) {
        if (a.find('\0') != std::string::npos)
            return makeError(ErrorCode::Usage, "sandbox command argument contains a NUL byte");
        argv += a;
        argv.push_back('\0');
    }
    for (const std::string& e : request.env) {
        if (e.find('\0') != std::string::npos)
            return makeError(ErrorCode::Usage, "sandbox environment entry contains a NUL byte");
        env += e;
        env.push_back('\0');
    }
    const std::string fixed[] = {request.cwd, request.packageDir.string(), request.cacheRoot.string(), request.hostname,
                                 request.phase};
    r.argc = static_cast<uint32_t>(request.argv.size());
    r.envc = static_cast<uint32_t>(request.env.size());
    r.argv_bytes = static_cast<uint32_t>(argv.size());
    r.env_bytes = static_cast<uint32_t>(env.size());
    r.cwd_len = static_cast<uint32_t>(fixed[0].size());
    r.package_dir_len = static_cast<uint32_t>(fixed[1].size());
    r.cache_root_len = static_cast<uint32_t>(fixed[2].size());
    r.hostname_len = static_cast<uint32_t>(fixed[3].size());
    r.phase_len = static_cast<uint32_t>(fixed[4].size());

    std::vector<uint8_t> packet(sizeof(vigil_msg_header) + sizeof r);
    auto append = [&packet](const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        packet.insert(packet.end(), b, b + n);
    };
    std::memcpy(packet.data() + sizeof(vigil_msg_header), &r, sizeof r);
    for (const std::string& s : fixed)
        append(s.data(), s.size());
    append(argv.data(), argv.size());
    append(env.data(), env.size());
    vigil_msg_header h{VIGIL_SANDBOX_MAGIC, VIGIL_SANDBOX_PROTOCOL_VERSION, VIGIL_MSG_RUN_REQUEST,
                       static_cast<uint32_t>(packet.size() - sizeof(vigil_msg_header)), 0};
    std::memcpy(packet.data(), &h, sizeof h);
    // The same check the helper makes: a request it would refuse never leaves the engine.
    if (const char* reason = vigil_msg_check(packet.data(), packet.size()))
        return makeError(ErrorCode::Usage, std::string("sandbox request refused: ") + reason);
    return packet;
}

Result<HelperMessage> decodeHelperMessage(std::span<const uint8_t> packet) {
    if (const char* reason = vigil_msg_check(packet.data(), packet.size()))
        return protocolError(reason);
    const auto h = readStruct<vigil_msg_header>(packet.data());
    const uint8_t* body = packet.data() + sizeof h;
    switch (h.type) {
    case VIGIL_MSG_READY: {
        const auto r = readStruct<vigil_ready>(body);
        return HelperMessage{ReadyInfo{r.init_pid, r.cgroup_v2_id, std::string(r.run_name)}};
    }
    case VIGIL_MSG_OUTPUT: {
        const auto o = readStruct<vigil_output>(body);
        OutputChunk chunk;
        chunk.stream = o.stream == VIGIL_STREAM_STDOUT ? OutputStream::Stdout : OutputStream::Stderr;
        chunk.data.assign(reinterpret_cast<const char*>(body + sizeof o), h.length - sizeof o);
        return HelperMessage{std::move(chunk)};
    }
    case VIGIL_MSG_CHANGES: {
        const auto c = readStruct<vigil_changes>(body);
        ChangesBatch batch;
        size_t off = sizeof c;
        for (uint32_t i = 0; i < c.count; ++i) {
            const auto e = readStruct<vigil_change>(body + off);
            batch.changes.push_back({e.flags, std::string(reinterpret_cast<const char*>(body + off + sizeof e), e.path_len)});
            off += vigil_change_entry_size(e.path_len);
        }
        return HelperMessage{std::move(batch)};
    }
    case VIGIL_MSG_BAIT: {
        const auto b = readStruct<vigil_bait>(body);
        BaitBatch batch;
        size_t off = sizeof b;
        for (uint32_t i = 0; i < b.count; ++i) {
            const auto t = readStruct<vigil_bait_token>(body + off);
            const char* s = reinterpret_cast<const char*>(body + off + sizeof t);
            BaitToken token;
            token.name.assign(s, t.name_len);
            token.place = t.place == VIGIL_BAIT_ENV ? BaitToken::Place::Env : BaitToken::Place::File;
            token.location.assign(s + t.name_len, t.location_len);
            token.value.assign(s + t.name_len + t.location_len, t.value_len);
            batch.tokens.push_back(std::move(token));
            off += vigil_bait_entry_size(&t);
        }
        return HelperMessage{std::move(batch)};
    }
    case VIGIL_MSG_RESULT: {
        const auto r = readStruct<vigil_result>(body);
        ResultSummary s;
        s.result.exitCode = r.exit_code;
        s.result.signal = r.signal;
        s.result.wallLimitHit = (r.limits_hit & VIGIL_LIMIT_WALL) != 0;
        s.result.memoryLimitHit = (r.limits_hit & VIGIL_LIMIT_MEMORY) != 0;
        s.result.pidsLimitHit = (r.limits_hit & VIGIL_LIMIT_PIDS) != 0;
        s.result.outputLimitHit = (r.limits_hit & VIGIL_LIMIT_OUTPUT) != 0;
        s.result.setup = std::chrono::nanoseconds(r.setup_ns);
        s.result.run = std::chrono::nanoseconds(r.run_ns);
        s.result.stdoutBytes = r.stdout_bytes;
        s.result.stderrBytes = r.stderr_bytes;
        s.result.memoryPeakBytes = r.memory_peak_bytes;
        s.result.cpu = std::chrono::nanoseconds(r.cpu_ns);
        s.result.changesTruncated = r.changes_truncated != 0;
        s.changesCount = r.changes_count;
        return HelperMessage{std::move(s)};
    }
    case VIGIL_MSG_ERROR: {
        const auto e = readStruct<vigil_error>(body);
        const char* text = reinterpret_cast<const char*>(body + sizeof e);
        return HelperMessage{HelperError{e.code, std::string(text, e.primary_len),
                                         std::string(text + e.primary_len, e.secondary_len)}};
    }
    case VIGIL_MSG_NET_EVENT: {
        const auto e = readStruct<vigil_net_event>(body);
        NetEvent ev;
        ev.kind = static_cast<NetEvent::Kind>(e.kind);  // vigil_msg_check bounded it to the known kinds
        ev.time = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(e.time_ns)));
        ev.srcIp = addressText(e.family, e.src_addr);
        ev.dstIp = addressText(e.family, e.dst_addr);
        ev.srcPort = e.src_port;
        ev.dstPort = e.dst_port;
        const char* text = reinterpret_cast<const char*>(body + sizeof e);
        for (uint32_t i = 0, off = 0; i < e.text_count; ++i) {
            ev.texts.emplace_back(text + off);  // NUL-terminated inside the area: checked
            off += static_cast<uint32_t>(ev.texts.back().size()) + 1;
        }
        ev.data.assign(text + e.text_bytes, e.data_len);
        ev.dataTruncated = e.data_truncated != 0;
        return HelperMessage{std::move(ev)};
    }
    case VIGIL_MSG_TRACE: {
        const auto b = readStruct<vigil_trace_batch>(body);
        TraceBatch batch;
        batch.records.reserve(b.count);
        size_t off = sizeof b;
        for (uint32_t i = 0; i < b.count; ++i) {
            const auto r = readStruct<vigil_trace_record>(body + off);  // sizes checked by vigil_msg_check
            batch.records.push_back(TraceRecord{std::vector<uint8_t>(body + off, body + off + r.size)});
            off += r.size;
        }
        return HelperMessage{std::move(batch)};
    }
    case VIGIL_MSG_STATS: {
        const auto st = readStruct<vigil_trace_stats>(body);
        TraceStats stats;
        stats.received = true;
        stats.active = (st.state & VIGIL_TRACE_STATE_ACTIVE) != 0;
        stats.untraced = (st.state & VIGIL_TRACE_STATE_UNTRACED) != 0;
        stats.families = st.families;
        stats.events = st.events;
        stats.drops = st.drops;
        stats.lost = st.lost;
        stats.execNs = st.exec_ns;
        stats.warnings.assign(reinterpret_cast<const char*>(body + sizeof st), st.warnings_len);
        return HelperMessage{std::move(stats)};
    }
    case VIGIL_MSG_RUNTIME: {
        const auto r = readStruct<vigil_runtime>(body);
        RuntimeBatch batch;
        batch.dropped = r.dropped;
        const char* text = reinterpret_cast<const char*>(body + sizeof r);
        for (uint32_t i = 0, off = 0; i < r.line_count; ++i) {
            batch.lines.emplace_back(text + off);  // NUL-terminated inside the area: checked
            off += static_cast<uint32_t>(batch.lines.back().size()) + 1;
        }
        return HelperMessage{std::move(batch)};
    }
    default:
        return protocolError("unexpected message type " + std::to_string(h.type));
    }
}

}  // namespace vigil::engine::sandbox
