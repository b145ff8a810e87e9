// Canonical forms and the event -> observation mapping (one switch over the closed kind list).
#include "engine/analysis/normalizer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "engine/analysis/normalizer_shell.h"

namespace vigil::engine::analysis {

namespace kind = collect::kind;

namespace {

constexpr std::array<std::pair<Section, std::string_view>, 17> kSectionNames = {{
    {Section::NetConnections, "network.connections"},
    {Section::NetDns, "network.dns"},
    {Section::NetHttp, "network.http"},
    {Section::NetListens, "network.listens"},
    {Section::FileReads, "file.reads"},
    {Section::FileWrites, "file.writes"},
    {Section::FileDeletes, "file.deletes"},
    {Section::EnvReads, "env.reads"},
    {Section::EnvEnumerations, "env.enumerations"},
    {Section::ProcessCommands, "process.commands"},
    {Section::ProcessPrograms, "process.programs"},
    {Section::ShellCommands, "process.shell_commands"},
    {Section::CodeDynamic, "code.dynamic"},
    {Section::CodeGlobalOverrides, "code.global_overrides"},
    {Section::SandboxDenied, "sandbox.denied"},
    {Section::NetEmulations, "network.emulations"},
    {Section::FileToolReads, "file.tool_reads"},
}};

/// Commands nesting deeper than this are not unwrapped further: `sh -c "sh -c \"…\""` loops are
/// possible in hostile input and each level is already recorded.
constexpr int kMaxUnwrapDepth = 8;

std::string str(const nlohmann::json& attrs, const char* name) {
    const auto it = attrs.find(name);
    if (it == attrs.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_number())
        return it->dump();
    return {};
}

int num(const nlohmann::json& attrs, const char* name) {
    const auto it = attrs.find(name);
    if (it == attrs.end())
        return 0;
    if (it->is_number_integer())
        return it->get<int>();
    if (it->is_string()) {
        try {
            return std::stoi(it->get<std::string>());
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

bool flag(const nlohmann::json& attrs, const char* name) {
    const auto it = attrs.find(name);
    if (it == attrs.end())
        return false;
    if (it->is_boolean())
        return it->get<bool>();
    if (it->is_string())  // node's spawn({shell: "/bin/bash"})
        return !it->get<std::string>().empty();
    return it->is_number() && it->get<double>() != 0;
}

/// A kernel file event whose syscall failed (result is a negative errno): nothing changed.
bool failed(const nlohmann::json& attrs) {
    const auto it = attrs.find("result");
    return it != attrs.end() && it->is_number() && it->get<double>() < 0;
}

std::vector<std::string> strList(const nlohmann::json& attrs, const char* name) {
    std::vector<std::string> out;
    const auto it = attrs.find(name);
    if (it == attrs.end() || !it->is_array())
        return out;
    for (const auto& v : *it)
        out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

/// Whether an env.enumerate event read the variables' values or only listed their names. The hook
/// says so (`values`); events recorded before it did are judged by how: Object.keys,
/// getOwnPropertyNames and Reflect.ownKeys list names only.
bool enumerationReadsValues(const nlohmann::json& attrs) {
    if (const auto it = attrs.find("values"); it != attrs.end() && it->is_boolean())
        return it->get<bool>();
    const std::string how = str(attrs, "how");
    return how != "keys" && how != "getOwnPropertyNames" && how != "Reflect.ownKeys";
}

/// Programs that run code they are given (a script, `-c`, `-e`): what they read is what the
/// package told them to read, whatever their arguments say.
bool isInterpreter(std::string_view prog) {
    static constexpr std::array<std::string_view, 18> kExact = {
        "node", "nodejs", "deno", "bun", "sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "fish", "busybox",
        "awk", "gawk", "mawk", "osascript", "tclsh"};
    static constexpr std::array<std::string_view, 5> kPrefixes = {"python", "perl", "ruby", "php", "lua"};
    if (std::find(kExact.begin(), kExact.end(), prog) != kExact.end())
        return true;
    return std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) { return prog.starts_with(p); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view basename(std::string_view p) {
    const size_t slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

/// The rest of `p` below `dir` ("" for dir itself), or nothing when p is not inside dir.
std::optional<std::string> under(const std::string& p, const std::string& dir) {
    if (dir.empty())
        return std::nullopt;
    if (p == dir)
        return std::string();
    if (p.size() > dir.size() && p.compare(0, dir.size(), dir) == 0 && p[dir.size()] == '/')
        return p.substr(dir.size() + 1);
    return std::nullopt;
}

/// "dep/x/y" or "@scope/dep/x" -> "$NODE_MODULES/dep/x/y".
std::string nodeModules(const std::string& rest) {
    return rest.empty() ? std::string("$NODE_MODULES") : "$NODE_MODULES/" + rest;
}

std::string join(std::string_view prefix, const std::string& rest) {
    return rest.empty() ? std::string(prefix) : std::string(prefix) + "/" + rest;
}

bool needsQuoting(const std::string& w) {
    if (w.empty())
        return true;
    return !std::all_of(w.begin(), w.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("_@%+=:,./$-").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

std::string shellQuote(const std::string& w) {
    if (!needsQuoting(w))
        return w;
    std::string out = "'";
    for (char c : w) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

bool isShell(std::string_view prog) {
    static constexpr std::array<std::string_view, 7> kShells = {"sh", "bash", "dash", "zsh", "ash", "ksh", "mksh"};
    return std::find(kShells.begin(), kShells.end(), prog) != kShells.end();
}

/// Skips a wrapper's options: those in `withArg` consume the next word too.
size_t skipOptions(const std::vector<std::string>& argv, size_t i, std::initializer_list<std::string_view> withArg) {
    while (i < argv.size() && argv[i].size() > 1 && argv[i][0] == '-') {
        if (argv[i] == "--")
            return i + 1;
        const bool takesArg = std::find(withArg.begin(), withArg.end(), argv[i]) != withArg.end();
        i += takesArg ? 2 : 1;
    }
    return i;
}

std::vector<std::string> tail(const std::vector<std::string>& argv, size_t i) {
    if (i >= argv.size())
        return {};
    return {argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end()};
}

}  // namespace

const char* sectionName(Section section) {
    for (const auto& [s, name] : kSectionNames)
        if (s == section)
            return name.data();
    return "unknown";
}

Result<Section> parseSection(std::string_view name) {
    for (const auto& [s, n] : kSectionNames)
        if (n == name)
            return s;
    return makeError(ErrorCode::Input, fmt::format("unknown fingerprint section \"{}\"", name));
}

Normalizer::Normalizer(PackageIdentity identity) : id_(std::move(identity)) {}

std::string Normalizer::path(std::string_view raw) const {
    if (raw.empty() || raw[0] != '/')
        return std::string(raw);
    std::string p = std::filesystem::path(raw).lexically_normal().generic_string();
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    if (auto rest = under(p, id_.dir)) {
        if (auto dep = under(*rest, "node_modules"))
            return nodeModules(*dep);
        return join("$PKG", *rest);
    }
    if (auto dep = under(p, id_.projectDir + "/node_modules"))
        return nodeModules(*dep);
    if (auto rest = under(p, id_.stimulus))
        return join("$STIMULUS", *rest);
    if (auto rest = under(p, id_.home))
        return join("$HOME", *rest);
    if (auto rest = under(p, id_.tmp))
        return join("$TMP", *rest);
    return p;
}

std::string Normalizer::pathsInText(std::string_view text) const {
    // Longest directory first so the package dir wins over the home that contains it.
    std::vector<std::pair<std::string, std::string>> dirs = {{id_.dir, "$PKG"},
                                                             {id_.projectDir + "/node_modules", "$NODE_MODULES"},
                                                             {id_.stimulus, "$STIMULUS"},
                                                             {id_.home, "$HOME"},
                                                             {id_.tmp, "$TMP"}};
    std::erase_if(dirs, [](const auto& d) { return d.first.empty() || d.first == "/node_modules"; });
    std::stable_sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        bool replaced = false;
        for (const auto& [dir, name] : dirs) {
            if (text.substr(i, dir.size()) != dir)
                continue;
            const size_t end = i + dir.size();
            // Only whole path components: "/tmpfoo" is not under /tmp.
            if (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' ||
                                      text[end] == '-' || text[end] == '.'))
                continue;
            out += name;
            i = end;
            replaced = true;
            break;
        }
        if (!replaced)
            out += text[i++];
    }
    return out;
}

std::string Normalizer::host(std::string_view raw) {
    std::string h = lower(raw);
    if (h.size() > 2 && h.front() == '[' && h.back() == ']')
        h = h.substr(1, h.size() - 2);
    while (!h.empty() && h.back() == '.')
        h.pop_back();
    return h;
}

std::string Normalizer::connection(std::string_view hostName, int port, std::string_view protocol) {
    const std::string h = host(hostName);
    const std::string proto = protocol.empty() ? std::string("tcp") : lower(protocol);
    if (h.find(':') != std::string::npos)
        return fmt::format("[{}]:{}/{}", h, port, proto);
    return fmt::format("{}:{}/{}", h, port, proto);
}

std::string Normalizer::httpRequest(std::string_view method, std::string_view hostName, std::string_view rawPath) {
    std::string m(method.empty() ? std::string_view("GET") : method);
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::string_view p = rawPath.substr(0, rawPath.find('#'));
    std::string path(p.substr(0, p.find('?')));
    if (path.empty())
        path = "/";
    if (const size_t q = p.find('?'); q != std::string_view::npos) {
        // Query values are where exfiltrated data and cache-busters go: keep only the names.
        std::set<std::string> names;
        std::string_view query = p.substr(q + 1);
        while (!query.empty()) {
            const size_t amp = query.find('&');
            const std::string_view pair = query.substr(0, amp);
            if (!pair.empty())
                names.emplace(pair.substr(0, pair.find('=')));
            query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        }
        path += '?';
        bool first = true;
        for (const std::string& n : names) {
            path += (first ? "" : "&") + n;
            first = false;
        }
    }
    return fmt::format("{} {} {}", m, host(hostName), path);
}

std::string Normalizer::emulation(const nlohmann::json& a) {
    const std::string name = str(a, "emulation");
    if (name.empty())
        return {};
    const auto it = a.find("emulated");
    const nlohmann::json& d = it != a.end() && it->is_object() ? *it : nlohmann::json::object();
    // What the package chose (a package name, a pushed path, a service), never what the run
    // answered (the user name, the country): the key must compare across runs.
    std::string what;
    if (name == "npm.publish")
        what = str(d, "package") + "@" + str(d, "version");
    else if (name == "npm.metadata")
        what = str(d, "package");
    else if (name == "npm.tarball")
        what = str(d, "package") + "@" + str(d, "version");
    else if (name == "github.repo_create")
        what = str(d, "name");
    else if (name == "github.contents_put")
        what = str(d, "path");
    else if (name == "geoip")
        what = host(str(d, "service"));
    else if (name == "download")
        what = str(d, "name");
    return what.empty() || what == "@" ? name : name + " " + what;
}

std::string Normalizer::program(std::string_view argv0) const {
    const std::string canonical = path(argv0);
    if (!canonical.empty() && canonical[0] == '$')
        return canonical;  // a program the package brought or downloaded: its place matters
    return std::string(basename(argv0));
}

std::string Normalizer::commandText(const std::vector<std::string>& argv) const {
    std::string out;
    for (size_t i = 0; i < argv.size(); ++i) {
        std::string w;
        if (i == 0) {
            w = program(argv[0]);
        } else if (!argv[i].empty() && argv[i][0] == '/') {
            w = path(argv[i]);
        } else if (const size_t eq = argv[i].find("=/"); eq != std::string::npos) {
            w = argv[i].substr(0, eq + 1) + path(std::string_view(argv[i]).substr(eq + 1));  // --prefix=/home/dev/x
        } else {
            w = argv[i];
        }
        if (i > 0)
            out += ' ';
        out += shellQuote(w);
    }
    return out;
}

std::string Normalizer::shellScript(const std::vector<std::string>& argv) {
    if (argv.empty())
        return {};
    const std::string_view prog = basename(argv[0]);
    if (prog == "busybox")
        return shellScript(tail(argv, 1));
    if (!isShell(prog))
        return {};
    bool hasC = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "--")
            return hasC && i + 1 < argv.size() ? argv[i + 1] : std::string();
        if (a.size() > 1 && (a[0] == '-' || a[0] == '+')) {
            if (a == "-o" || a == "+o" || a == "-O" || a == "+O")
                ++i;  // set -o option: its name is the next word
            else if (a[1] != '-' && a.find('c') != std::string::npos)
                hasC = true;
            continue;
        }
        return hasC ? a : std::string();
    }
    return {};
}

std::vector<std::string> Normalizer::unwrapWrapper(const std::vector<std::string>& argv) {
    if (argv.empty())
        return {};
    const std::string_view prog = basename(argv[0]);
    if (prog == "env") {
        size_t i = 1;
        while (i < argv.size()) {
            const std::string& a = argv[i];
            if (a == "--") {
                ++i;
                break;
            }
            if (a == "-S" || a == "--split-string") {
                // env -S "node --flag" script.js: the string is split into words like sh would
                if (i + 1 >= argv.size())
                    return {};
                ShellParse split = splitShell(argv[i + 1]);
                std::vector<std::string> out = split.commands.empty() ? std::vector<std::string>() : split.commands[0].argv;
                const auto rest = tail(argv, i + 2);
                out.insert(out.end(), rest.begin(), rest.end());
                return out;
            }
            if (a == "-u" || a == "--unset" || a == "-C" || a == "--chdir")
                i += 2;
            else if ((a.size() > 1 && a[0] == '-') || isShellAssignment(a))
                ++i;
            else
                break;
        }
        return tail(argv, i);
    }
    if (prog == "nohup" || prog == "setsid" || prog == "time" || prog == "exec" || prog == "command" ||
        prog == "builtin" || prog == "nice" || prog == "ionice" || prog == "chrt")
        return tail(argv, skipOptions(argv, 1, {"-n", "-c", "-p", "-a"}));
    if (prog == "timeout") {
        const size_t i = skipOptions(argv, 1, {"-s", "--signal", "-k", "--kill-after"});
        return tail(argv, i + 1);  // the duration
    }
    if (prog == "sudo" || prog == "doas") {
        size_t i = skipOptions(argv, 1, {"-u", "-g", "-C", "-D", "-p", "-r", "-t", "-U", "-h"});
        while (i < argv.size() && isShellAssignment(argv[i]))
            ++i;
        return tail(argv, i);
    }
    if (prog == "stdbuf")
        return tail(argv, skipOptions(argv, 1, {"-i", "-o", "-e"}));
    if (prog == "xargs")
        return tail(argv, skipOptions(argv, 1, {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a"}));
    if (prog == "busybox")
        return tail(argv, 1);
    return {};
}

void Normalizer::addCommand(const std::vector<std::string>& argv, const collect::Event& e, int depth,
                            std::vector<Observation>& out) const {
    if (argv.empty() || argv[0].empty() || depth > kMaxUnwrapDepth)
        return;
    out.push_back({Section::ProcessCommands, commandText(argv), e.seq, e.tsNs});
    out.push_back({Section::ProcessPrograms, program(argv[0]), e.seq, e.tsNs});
    if (const std::string script = shellScript(argv); !script.empty())
        addScript(script, e, depth + 1, out);
    else if (const auto inner = unwrapWrapper(argv); !inner.empty())
        addCommand(inner, e, depth + 1, out);
}

void Normalizer::addScript(std::string_view script, const collect::Event& e, int depth,
                           std::vector<Observation>& out) const {
    const size_t first = script.find_first_not_of(" \t\n");
    if (first == std::string_view::npos)
        return;
    const size_t last = script.find_last_not_of(" \t\n");
    out.push_back({Section::ShellCommands, pathsInText(script.substr(first, last - first + 1)), e.seq, e.tsNs});
    for (const ShellCommand& c : splitShell(script).commands)
        addCommand(c.argv, e, depth, out);
}

std::vector<Observation> Normalizer::observe(const collect::Event& e) const {
    std::vector<Observation> out;
    const nlohmann::json& a = e.attrs;
    auto add = [&](Section s, std::string key) {
        if (!key.empty())
            out.push_back({s, std::move(key), e.seq, e.tsNs});
    };
    const std::string_view k = e.kind;
    if (k == kind::ProcessExec) {
        std::vector<std::string> argv = strList(a, "argv");
        const std::string exe = str(a, "path");
        if (argv.empty())
            argv.push_back(exe);
        else if (!exe.empty() && argv[0].find('/') != 0 && path(exe).starts_with('$'))
            // `./jsextension` after a download (ua-parser-js, 2021): argv[0] is relative, but the
            // kernel's absolute path says the program lives in the package, home or /tmp.
            argv[0] = exe;
        addCommand(argv, e, 0, out);
    } else if (k == kind::ProcessSpawn) {
        std::vector<std::string> args = strList(a, "args");
        if (flag(a, "shell")) {
            // child_process.exec / spawn(..., {shell}) joins command and args into one sh -c script.
            std::string script = str(a, "command");
            for (const std::string& arg : args)
                script += " " + arg;
            addScript(script, e, 1, out);
        } else {
            args.insert(args.begin(), str(a, "command"));
            addCommand(args, e, 0, out);
        }
    } else if (k == kind::FileOpen) {
        const std::string access = str(a, "access");
        const std::string p = path(str(a, "path"));
        const bool writes = access == "write" || access == "readwrite" || flag(a, "create") || flag(a, "truncate");
        if (access == "read" || access == "readwrite" || access.empty())
            add(Section::FileReads, p);  // trying to read a secret is telling even when it is missing
        if (writes && !failed(a))
            add(Section::FileWrites, p);
    } else if (k == kind::FileUnlink) {
        if (!failed(a))
            add(Section::FileDeletes, path(str(a, "path")));
    } else if (k == kind::FileRename) {
        if (!failed(a)) {
            add(Section::FileDeletes, path(str(a, "from")));
            add(Section::FileWrites, path(str(a, "to")));
        }
    } else if (k == kind::FileChmod || k == kind::FileChown || k == kind::FileMkdir || k == kind::FileSymlink ||
               k == kind::FileLink) {
        if (!failed(a))
            add(Section::FileWrites, path(str(a, "path")));
    } else if (k == kind::FileChange) {
        const std::string p = path(str(a, "path"));
        if (flag(a, "deleted"))
            add(Section::FileDeletes, p);
        if (flag(a, "created") || flag(a, "modified") || flag(a, "mode_changed"))
            add(Section::FileWrites, p);
        // A download is known by its bytes: the file holds what the honeypot served (a stub or
        // its page; never the registry's tarballs, which npm caches as they are), whatever the
        // URL was called. Executable: an x bit, or an ELF / "#!" start.
        if (flag(a, "downloaded") && !flag(a, "deleted")) {
            add(Section::NetEmulations, "download.saved " + p);
            if (flag(a, "executable"))
                add(Section::NetEmulations, "download.executable " + p);
        }
    } else if (k == kind::FileAccess) {
        const std::string api = lower(str(a, "api"));
        const std::string p = path(str(a, "path"));
        auto has = [&](std::string_view w) { return api.find(w) != std::string::npos; };
        if (has("unlink") || api.rfind("rm", 0) == 0 || has(".rm"))
            add(Section::FileDeletes, p);
        else if (has("write") || has("append") || has("mkdir") || has("mkdtemp") || has("chmod") || has("chown") ||
                 has("symlink") || has("link") || has("copy") || has("rename") || has("truncate") || has("utimes") ||
                 has("createwritestream"))
            add(Section::FileWrites, p);
        else
            add(Section::FileReads, p);
    } else if (k == kind::NetConnect || k == kind::NetSend || k == kind::NetTcpSyn || k == kind::NetTcpData ||
               k == kind::NetUdpData) {
        const std::string family = str(a, "family");
        if (a.value("dns_traffic", false)) {
            // a DNS query's own packets: the name it asked for is in NetDns
        } else if (family == "unix" || family == "local") {
            add(Section::NetConnections, "unix:" + path(str(a, "address")));
        } else {
            std::string h = str(a, "host");
            if (h.empty())
                h = str(a, "address");
            std::string proto = str(a, "protocol");
            if (proto.empty())
                proto = (k == kind::NetSend || k == kind::NetUdpData) ? "udp" : "tcp";
            if (!h.empty())
                add(Section::NetConnections, connection(h, num(a, "port"), proto));
        }
    } else if (k == kind::NetBind || k == kind::NetListen) {
        if (const std::string addr = str(a, "address"); !addr.empty())
            add(Section::NetListens, fmt::format("{}:{}", host(addr), num(a, "port")));
    } else if (k == kind::NetCall) {
        const std::string h = str(a, "host");
        const std::string proto = str(a, "protocol");
        if (!h.empty())
            add(Section::NetConnections, connection(h, num(a, "port"), proto.empty() ? "tcp" : proto));
        if (const std::string method = str(a, "method"); !method.empty() && !h.empty())
            add(Section::NetHttp, httpRequest(method, h, str(a, "path")));
    } else if (k == kind::NetDns) {
        add(Section::NetDns, host(str(a, "name")));
    } else if (k == kind::NetHttp) {
        add(Section::NetHttp, httpRequest(str(a, "method"), str(a, "host"), str(a, "path")));
        if (const std::string e = emulation(a); !e.empty())
            add(Section::NetEmulations, e);
    } else if (k == kind::NetTlsSni) {
        const int port = num(a, "port");
        if (const std::string name = str(a, "server_name"); !name.empty())
            add(Section::NetConnections, connection(name, port == 0 ? 443 : port, "tls"));
    } else if (k == kind::EnvRead) {
        add(Section::EnvReads, str(a, "name"));
    } else if (k == kind::EnvEnumerate) {
        const std::string how = str(a, "how");
        add(Section::EnvEnumerations, fmt::format("{}:{}", enumerationReadsValues(a) ? "values" : "names",
                                                  how.empty() ? std::string("unknown") : how));
    } else if (k == kind::CodeEval || k == kind::CodeFunction || k == kind::CodeVm || k == kind::CodeWasm ||
               k == kind::CodeDynamicRequire || k == kind::CodeBinding) {
        add(Section::CodeDynamic, std::string(k.substr(k.find('.') + 1)));
    } else if (k == kind::CodeGlobalOverride) {
        add(Section::CodeGlobalOverrides, str(a, "target"));
    } else if (k == kind::SandboxDenied) {
        add(Section::SandboxDenied, str(a, "syscall"));
    }
    return out;
}

bool Normalizer::namedInArgv(const std::string& absolute, const std::vector<std::string>& argv) {
    const std::string wrapped = absolute + "/";
    for (size_t i = 1; i < argv.size(); ++i) {
        std::string_view w = argv[i];
        if (const size_t eq = w.find('='); eq != std::string_view::npos)
            w = w.substr(eq + 1);  // --config=/home/dev/.docker/config.json
        if (w.empty() || w[0] == '-')
            continue;
        std::string word = std::filesystem::path(w).lexically_normal().generic_string();
        while (word.size() > 1 && word.back() == '/')
            word.pop_back();
        if (word == "." || word == ".." || word == "/")
            return true;  // the working directory or the root: names anything below (`tar czf x.tgz .`)
        if (word.starts_with("./"))
            word = word.substr(2);
        if (word.empty())
            continue;
        // The file itself or a directory above it (`tar czf x.tgz ~/.ssh`, `grep -r token ~`); a
        // relative word names the path's tail, whatever the cwd was (`cat .ssh/id_rsa` from $HOME).
        if (word[0] == '/' ? absolute == word || under(absolute, word).has_value()
                           : wrapped.find("/" + word + "/") != std::string::npos)
            return true;
    }
    return false;
}

std::vector<Observation> Normalizer::observe(const std::vector<collect::Event>& events) const {
    std::vector<Observation> out;
    std::map<int32_t, std::vector<std::string>> argvOf;  // pid -> argv of its last exec
    std::set<int32_t> enumerating;  // Node processes between an env enumeration and their next other event
    for (const collect::Event& e : events) {
        if (e.kind == kind::ProcessExec && e.pid != 0)
            argvOf[e.pid] = strList(e.attrs, "argv");
        if (e.pid != 0 && enumerating.contains(e.pid)) {
            if (e.kind == kind::EnvRead && e.source == collect::Source::Kernel)
                continue;  // V8 asking the environment for each enumerated key's descriptor
            enumerating.erase(e.pid);
        }
        if (e.kind == kind::EnvEnumerate && e.source == collect::Source::Runtime && e.pid != 0)
            enumerating.insert(e.pid);
        std::vector<Observation> one = observe(e);
        if (e.kind == kind::FileOpen && e.source == collect::Source::Kernel && !e.exe.empty()) {
            const std::string prog(basename(e.exe));
            const std::string raw = std::filesystem::path(str(e.attrs, "path")).lexically_normal().generic_string();
            const auto argv = argvOf.find(e.pid);
            const bool hostTool = path(e.exe) == std::filesystem::path(e.exe).lexically_normal().generic_string() &&
                                  !isInterpreter(prog);
            if (hostTool && under(raw, id_.home) &&
                !namedInArgv(raw, argv == argvOf.end() ? std::vector<std::string>() : argv->second))
                for (Observation& o : one)
                    if (o.section == Section::FileReads) {
                        o.section = Section::FileToolReads;
                        o.key = prog + " " + o.key;
                    }
        }
        out.insert(out.end(), std::make_move_iterator(one.begin()), std::make_move_iterator(one.end()));
    }
    return out;
}

}  // namespace vigil::engine::analysis
