#include "tests/support/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace vigil::test {
namespace {

const char* reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

void sendAll(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return;  // the client went away (e.g. it refused a too-large body): fine
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

TestHttpServer::TestHttpServer() {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listenFd_ < 0)
        throw std::runtime_error("test server: socket failed");
    int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0)
        throw std::runtime_error("test server: bind/listen on 127.0.0.1 failed");
    socklen_t len = sizeof addr;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
}

TestHttpServer::~TestHttpServer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stopped_.notify_all();
    acceptor_.join();
    std::vector<std::thread> workers;
    {
        std::lock_guard lock(mutex_);
        workers.swap(workers_);
    }
    for (auto& w : workers)
        w.join();
    ::close(listenFd_);
}

std::string TestHttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void TestHttpServer::on(const std::string& target, std::vector<ScriptedResponse> responses) {
    std::lock_guard lock(mutex_);
    scripts_[target] = std::move(responses);
    served_[target] = 0;
}

void TestHttpServer::on(const std::string& target, std::function<ScriptedResponse(const RecordedRequest&)> handler) {
    std::lock_guard lock(mutex_);
    handlers_[target] = std::move(handler);
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::vector<RecordedRequest> TestHttpServer::requestsFor(const std::string& target) const {
    std::lock_guard lock(mutex_);
    std::vector<RecordedRequest> out;
    std::copy_if(requests_.begin(), requests_.end(), std::back_inserter(out),
                 [&](const RecordedRequest& r) { return r.target == target; });
    return out;
}

void TestHttpServer::acceptLoop() {
    while (!stopping_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0)
            continue;
        int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        std::lock_guard lock(mutex_);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

ScriptedResponse TestHttpServer::respond(const RecordedRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (auto h = handlers_.find(request.target); h != handlers_.end())
        return h->second(request);
    auto it = scripts_.find(request.target);
    if (it == scripts_.end() || it->second.empty())
        return ScriptedResponse{.status = 404, .body = "{\"error\":\"not found\"}"};
    std::size_t& n = served_[request.target];
    const auto& script = it->second;
    return script[std::min(n++, script.size() - 1)];
}

void TestHttpServer::serve(int fd) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string data;
    char buf[4096];
    while (data.find("\r\n\r\n") == std::string::npos && data.size() < 65536) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            ::close(fd);
            return;
        }
        data.append(buf, static_cast<std::size_t>(n));
    }
    RecordedRequest request;
    std::size_t lineEnd = data.find("\r\n");
    std::string first = data.substr(0, lineEnd);
    auto sp1 = first.find(' ');
    auto sp2 = first.find(' ', sp1 + 1);
    request.method = first.substr(0, sp1);
    request.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = lineEnd + 2;
    while (pos < data.size()) {
        auto end = data.find("\r\n", pos);
        if (end == std::string::npos || end == pos)
            break;
        std::string line = data.substr(pos, end - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            request.headers[name] = trim(line.substr(colon + 1));
        }
        pos = end + 2;
    }

    int now = ++concurrent_;
    int seen = maxConcurrent_.load();
    while (now > seen && !maxConcurrent_.compare_exchange_weak(seen, now)) {
    }
    ScriptedResponse response = respond(request);
    if (response.delay.count() > 0) {
        std::unique_lock lock(mutex_);
        stopped_.wait_for(lock, response.delay, [this] { return stopping_.load(); });
    }
    if (!response.dropConnection) {
        std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
        for (const auto& [name, value] : response.headers)
            out += name + ": " + value + "\r\n";
        if (!response.omitContentLength)
            out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
        out += "Connection: close\r\n\r\n";
        if (request.method != "HEAD")
            out += response.body;
        sendAll(fd, out);
    }
    --concurrent_;
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

}  // namespace vigil::test
