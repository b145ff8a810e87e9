// @brief TestHttpServer: a scripted HTTP/1.1 server on 127.0.0.1 that records what clients send (tests only).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace vigil::test {

/// A request as the server saw it. Header names are lower-cased.
struct RecordedRequest {
    std::string method;
    std::string target;  ///< path and query exactly as sent ("/@scope%2fname")
    std::map<std::string, std::string> headers;

    [[nodiscard]] std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    [[nodiscard]] bool has(const std::string& name) const { return headers.count(name) != 0; }
};

/// One scripted answer.
struct ScriptedResponse {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds delay{0};  ///< wait before answering (interrupted when the server stops)
    bool omitContentLength = false;      ///< end the body by closing the connection instead
    bool dropConnection = false;         ///< close without answering at all
};

/// Serves each connection on its own thread, one request per connection (Connection: close).
/// Unknown paths get 404.
class TestHttpServer {
public:
    TestHttpServer();
    ~TestHttpServer();
    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    /// "http://127.0.0.1:PORT" + path.
    [[nodiscard]] std::string url(const std::string& path = "/") const;

    /// Answers requests for `target` with `responses` in order; the last one repeats.
    void on(const std::string& target, std::vector<ScriptedResponse> responses);
    /// Answers every request for `target` by calling `handler`.
    void on(const std::string& target, std::function<ScriptedResponse(const RecordedRequest&)> handler);

    [[nodiscard]] std::vector<RecordedRequest> requests() const;
    [[nodiscard]] std::vector<RecordedRequest> requestsFor(const std::string& target) const;
    /// The most requests this server was answering at the same time.
    [[nodiscard]] int maxConcurrent() const { return maxConcurrent_.load(); }

private:
    void acceptLoop();
    void serve(int fd);
    ScriptedResponse respond(const RecordedRequest& request);

    int listenFd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> concurrent_{0};
    std::atomic<int> maxConcurrent_{0};
    mutable std::mutex mutex_;
    std::condition_variable stopped_;
    std::map<std::string, std::vector<ScriptedResponse>> scripts_;
    std::map<std::string, std::size_t> served_;
    std::map<std::string, std::function<ScriptedResponse(const RecordedRequest&)>> handlers_;
    std::vector<RecordedRequest> requests_;
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

}  // namespace vigil::test
