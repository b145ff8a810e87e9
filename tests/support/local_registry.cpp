#include "tests/support/local_registry.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

extern char** environ;

namespace vigil::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// start-registry.sh's exit status for "Verdaccio, node or npm is not installed".
constexpr int kNotInstalledStatus = 3;
// Generous: a first start publishes every fixture with npm (~10 s, more on a loaded 2-core machine).
constexpr auto kStartTimeout = std::chrono::seconds(180);
constexpr auto kStopTimeout = std::chrono::seconds(20);

fs::path registryScript(const char* name) { return fs::path(VIGIL_SOURCE_DIR) / "tests" / "registry" / name; }

std::string tailOf(const fs::path& file, std::size_t lines) {
    std::ifstream in(file);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        last.push_back(line);
        if (last.size() > lines) last.pop_front();
    }
    std::string text;
    for (const auto& line : last) text += "\n  " + line;
    return text;
}

struct ExitStatus {
    bool ran = false;     // the script could be started and ended within the timeout
    int code = -1;        // its exit code when it exited normally
    std::string problem;  // why ran is false, or how it ended abnormally
};

// Runs `argv` with stdout and stderr in `log`, waiting at most `timeout`. posix_spawn rather than system():
// no shell re-parses the paths, and on timeout we know exactly which pid to kill.
ExitStatus runScript(const std::vector<std::string>& argv, const fs::path& log, std::chrono::seconds timeout) {
    ExitStatus status;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        status.problem = argv[0] + ": cannot run: " + std::strerror(rc);
        return status;
    }
    const auto deadline = Clock::now() + timeout;
    int wstatus = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &wstatus, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            status.problem = argv[0] + ": waitpid failed: " + std::strerror(errno);
            return status;
        }
        if (Clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &wstatus, 0);
            status.problem = argv[0] + ": still running after " + std::to_string(timeout.count()) + " s, killed";
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (WIFEXITED(wstatus)) {
        status.ran = true;
        status.code = WEXITSTATUS(wstatus);
    } else {
        status.problem = argv[0] + ": killed by signal " + std::to_string(WTERMSIG(wstatus));
    }
    return status;
}

std::map<std::string, std::string> readEnvFile(const fs::path& file) {
    std::map<std::string, std::string> values;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return values;
}

// A fresh directory per process under the build tree (so `rm -rf build` cleans everything), /tmp if the
// build tree is not writable.
fs::path makeWorkdir(std::string& problem) {
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path(ec);
    for (const fs::path& root : {fs::path(VIGIL_BINARY_DIR) / "test-registry", ec ? fs::path("/tmp") : tmp}) {
        fs::create_directories(root, ec);
        std::string pattern = (root / "run-XXXXXX").string();
        if (!ec && ::mkdtemp(pattern.data()) != nullptr) return pattern;
        problem += root.string() + ": cannot create a directory: " + (ec ? ec.message() : std::strerror(errno)) + "; ";
    }
    return {};
}

}  // namespace

LocalRegistry& LocalRegistry::shared() {
    // A function-local static: started once, on first use, and destroyed (registry stopped) at exit.
    static LocalRegistry registry;
    return registry;
}

bool LocalRegistry::missingIsFailure() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

LocalRegistry::LocalRegistry() : ownerPid_(static_cast<int>(::getpid())) { start(); }

LocalRegistry::~LocalRegistry() {
    // A fork of the test process (death tests) inherits this object but does not own the registry.
    if (static_cast<int>(::getpid()) == ownerPid_) stop();
}

void LocalRegistry::start() {
    std::string problem;
    workdir_ = makeWorkdir(problem);
    if (workdir_.empty()) {
        reason_ = "local npm registry: " + problem;
        return;
    }
    const fs::path log = workdir_ / "start.log";
    const auto started = Clock::now();
    const ExitStatus status = runScript(
        {registryScript("start-registry.sh").string(), "--cache",
         (fs::path(VIGIL_BINARY_DIR) / "test-registry" / "cache").string(), workdir_.string(),
         std::to_string(ownerPid_)},
        log, kStartTimeout);
    startDuration_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);

    if (status.ran && status.code == kNotInstalledStatus) {
        notInstalled_ = true;
        reason_ = "local npm registry (Verdaccio) is not installed, so this test cannot run: run "
                  "tests/registry/install.sh or packaging/bootstrap.sh --test" +
                  tailOf(log, 3);
        return;
    }
    if (!status.ran || status.code != 0) {
        reason_ = "local npm registry did not start (" +
                  (status.ran ? "start-registry.sh exited " + std::to_string(status.code) : status.problem) +
                  "); files in " + workdir_.string() + ":" + tailOf(log, 25);
        return;
    }
    auto values = readEnvFile(workdir_ / "registry.env");
    url_ = values["VIGIL_TEST_REGISTRY"];
    token_ = values["VIGIL_TEST_REGISTRY_TOKEN"];
    if (url_.empty() || token_.empty()) {
        reason_ = (workdir_ / "registry.env").string() + ": no VIGIL_TEST_REGISTRY or VIGIL_TEST_REGISTRY_TOKEN";
        return;
    }
    available_ = true;
}

void LocalRegistry::stop() {
    if (workdir_.empty()) return;
    const ExitStatus status =
        runScript({registryScript("stop-registry.sh").string(), workdir_.string()}, workdir_ / "stop.log", kStopTimeout);
    // Keep the directory of a registry that failed to start: its logs are what the failure message points to.
    if ((available_ || notInstalled_) && status.ran && status.code == 0) {
        std::error_code ignored;
        fs::remove_all(workdir_, ignored);
    }
    workdir_.clear();
    available_ = false;
}

}  // namespace vigil::test
