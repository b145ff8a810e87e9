#include "tests/sandbox/sandbox_fixture.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil::test {

namespace fs = std::filesystem;

std::string readFile(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const fs::path& p, const std::string& content) {
    std::ofstream out(p);
    out << content;
}

size_t mountCount() {
    const std::string info = readFile("/proc/self/mountinfo");
    return static_cast<size_t>(std::count(info.begin(), info.end(), '\n'));
}

void SandboxTest::SetUp() {
    if (geteuid() != 0) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true")
            FAIL() << "the privileged sandbox tests must run as root in CI";
        GTEST_SKIP() << "not root and CI != true: the sandbox tests need root (run them with sudo)";
    }
    auto client = sbx::SandboxClient::withHelper(VIGIL_SANDBOX_HELPER);
    ASSERT_TRUE(client.ok()) << client.error().describe();
    client_.emplace(std::move(*client));
    char tmpl[] = "/tmp/vigil-sandbox-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    cache_ = tmpl;
}

void SandboxTest::TearDown() {
    if (!cache_.empty()) {
        std::error_code ec;
        fs::remove_all(cache_, ec);
    }
}

engine::Result<sbx::RunResult> SandboxTest::tryRun(std::vector<std::string> argv,
                                                   const std::function<void(sbx::RunRequest&)>& tweak,
                                                   const sbx::RunObserver& observer) {
    sbx::RunRequest request;
    request.argv = std::move(argv);
    request.phase = "test";
    request.limits.wall = std::chrono::milliseconds(20000);
    request.limits.memoryBytes = 512ull << 20;
    request.limits.tmpfsBytes = 64ull << 20;
    if (!pkg_.empty()) {
        request.packageDir = pkg_;
        request.cacheRoot = cache_;
    }
    if (tweak)
        tweak(request);
    return client_->run(request, observer);
}

sbx::RunResult SandboxTest::run(std::vector<std::string> argv, const std::function<void(sbx::RunRequest&)>& tweak,
                                const sbx::RunObserver& observer) {
    const size_t mountsBefore = mountCount();
    auto r = tryRun(std::move(argv), tweak, observer);
    // The sandbox's mounts live in its own namespace: none may appear in (or stay in) the host's.
    EXPECT_EQ(mountCount(), mountsBefore) << "the host's mount table changed during the run";
    EXPECT_TRUE(r.ok()) << r.error().describe();
    if (!r.ok())
        return {};
    expectCleanedUp(r->ready);
    return std::move(*r);
}

fs::path SandboxTest::makePackage() {
    pkg_ = cache_ / "pkg";
    fs::create_directories(pkg_ / "lib");
    writeFile(pkg_ / "package.json", "{\"name\":\"probe-pkg\",\"version\":\"1.0.0\"}\n");
    writeFile(pkg_ / "lib" / "index.js", "module.exports = 42;\n");
    writeFile(pkg_ / "README.md", "readme\n");
    return pkg_;
}

void SandboxTest::addProbe(const fs::path& pkg) {
    fs::copy_file(VIGIL_SANDBOX_PROBE, pkg / "probe", fs::copy_options::overwrite_existing);
    fs::permissions(pkg / "probe", fs::perms(0755));
}

void SandboxTest::expectCleanedUp(const sbx::ReadyInfo& ready) {
    ASSERT_FALSE(ready.runName.empty());
    // Pid 1 of the run: gone (the helper reaped it before it reported).
    if (ready.initPid > 0) {
        const bool alive = kill(ready.initPid, 0) == 0;
        std::string state;
        if (alive) {
            std::ifstream stat("/proc/" + std::to_string(ready.initPid) + "/stat");
            std::string pid, comm;
            stat >> pid >> comm >> state;
        }
        EXPECT_TRUE(!alive || state == "Z") << "sandbox pid 1 (" << ready.initPid << ") still running";
    }
    // No honeypot of the run (it names itself after the run in its cmdline): its network
    // namespace and the veth pair die with it.
    std::error_code pec;
    for (const auto& proc : fs::directory_iterator("/proc", pec)) {
        const std::string name = proc.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::string cmdline = readFile(proc.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find("vigil-honeypot " + ready.runName) == std::string::npos)
            continue;
        const std::string stat = readFile(proc.path() / "stat");
        const size_t close = stat.rfind(')');
        const bool zombie = close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z';
        EXPECT_TRUE(zombie) << "honeypot of " << ready.runName << " still running as pid " << name;
    }
    // No cgroup directory of the run in any hierarchy.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator("/sys/fs/cgroup", fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        if (!it->is_directory(ec) || it->is_symlink(ec)) {
            if (it->is_symlink(ec))
                it.disable_recursion_pending();
            continue;
        }
        EXPECT_NE(it->path().filename().string(), ready.runName) << "leftover cgroup " << it->path();
        if (it->path().filename().string() == ready.runName)
            it.disable_recursion_pending();
    }
}

}  // namespace vigil::test
