#include "app/sandbox/channel.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/uio.h>

#include "app/sandbox/bait_home.h"
#include "app/sandbox/upper_changes.h"

namespace vigil::sandbox {

bool sendMessage(int fd, uint16_t type, const void* a, size_t aLen, const void* b, size_t bLen) {
    vigil_msg_header header{};
    header.magic = VIGIL_SANDBOX_MAGIC;
    header.version = VIGIL_SANDBOX_PROTOCOL_VERSION;
    header.type = type;
    header.length = static_cast<uint32_t>(aLen + bLen);
    if (sizeof header + aLen + bLen > VIGIL_SANDBOX_MAX_MESSAGE)
        return false;
    iovec iov[3] = {{&header, sizeof header}, {const_cast<void*>(a), aLen}, {const_cast<void*>(b), bLen}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 3;
    for (;;) {
        // MSG_NOSIGNAL: an engine that went away is EPIPE here, not a SIGPIPE death mid-cleanup.
        ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (n >= 0)
            return true;
        if (errno != EINTR)
            return false;
    }
}

bool sendError(int fd, uint32_t code, const std::string& primary, const std::string& secondary) {
    std::string p = primary.substr(0, 4096);
    std::string s = secondary.substr(0, 4096);
    vigil_error e{};
    e.code = code;
    e.primary_len = static_cast<uint32_t>(p.size());
    e.secondary_len = static_cast<uint32_t>(s.size());
    std::string text = p + s;
    return sendMessage(fd, VIGIL_MSG_ERROR, &e, sizeof e, text.data(), text.size());
}

bool sendReady(int fd, const vigil_ready& ready) {
    return sendMessage(fd, VIGIL_MSG_READY, &ready, sizeof ready);
}

bool sendOutput(int fd, uint32_t stream, const char* data, size_t len) {
    vigil_output o{};
    o.stream = stream;
    return sendMessage(fd, VIGIL_MSG_OUTPUT, &o, sizeof o, data, len);
}

bool sendResult(int fd, const vigil_result& result) {
    return sendMessage(fd, VIGIL_MSG_RESULT, &result, sizeof result);
}

bool sendChanges(int fd, const std::vector<FileChange>& changes) {
    constexpr size_t kBudget = VIGIL_SANDBOX_MAX_MESSAGE - sizeof(vigil_msg_header) - sizeof(vigil_changes);
    size_t i = 0;
    while (i < changes.size()) {
        std::vector<uint8_t> body;
        vigil_changes head{};
        while (i < changes.size()) {
            const FileChange& c = changes[i];
            const size_t entry = vigil_change_entry_size(static_cast<uint32_t>(c.path.size()));
            if (body.size() + entry > kBudget)
                break;
            vigil_change e{c.flags, static_cast<uint32_t>(c.path.size())};
            const size_t at = body.size();
            body.resize(at + entry, 0);
            std::memcpy(body.data() + at, &e, sizeof e);
            std::memcpy(body.data() + at + sizeof e, c.path.data(), c.path.size());
            ++head.count;
            ++i;
        }
        if (head.count == 0)
            return false;  // a single path larger than a packet: upper_changes never makes one
        if (!sendMessage(fd, VIGIL_MSG_CHANGES, &head, sizeof head, body.data(), body.size()))
            return false;
    }
    return true;
}

bool sendBait(int fd, const std::vector<BaitToken>& tokens) {
    constexpr size_t kBudget = VIGIL_SANDBOX_MAX_MESSAGE - sizeof(vigil_msg_header) - sizeof(vigil_bait);
    size_t i = 0;
    while (i < tokens.size()) {
        std::vector<uint8_t> body;
        vigil_bait head{};
        while (i < tokens.size()) {
            const BaitToken& t = tokens[i];
            vigil_bait_token e{t.place, static_cast<uint32_t>(t.name.size()), static_cast<uint32_t>(t.location.size()),
                               static_cast<uint32_t>(t.value.size())};
            const size_t entry = vigil_bait_entry_size(&e);
            if (body.size() + entry > kBudget)
                break;
            size_t at = body.size();
            body.resize(at + entry, 0);
            std::memcpy(body.data() + at, &e, sizeof e);
            at += sizeof e;
            for (const std::string* s : {&t.name, &t.location, &t.value}) {
                std::memcpy(body.data() + at, s->data(), s->size());
                at += s->size();
            }
            ++head.count;
            ++i;
        }
        if (head.count == 0)
            return false;  // one entry larger than a packet: the bait values are all small
        if (!sendMessage(fd, VIGIL_MSG_BAIT, &head, sizeof head, body.data(), body.size()))
            return false;
    }
    return true;
}

bool receivePacket(int fd, std::vector<uint8_t>& out, bool& truncated) {
    out.assign(VIGIL_SANDBOX_MAX_MESSAGE, 0);
    for (;;) {
        // MSG_TRUNC makes recv return the real packet size, so oversized packets are detected.
        ssize_t n = recv(fd, out.data(), out.size(), MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        truncated = static_cast<size_t>(n) > out.size();
        out.resize(truncated ? out.size() : static_cast<size_t>(n));
        return true;
    }
}

}  // namespace vigil::sandbox
