// Stage 6: the baited fake home. The identity and every token are new per run, drawn from the
// kernel CSPRNG, and the files are laid out as the tools that own them write them (modes, YAML
// indentation, tab-indented Docker JSON), so "does this home look lived in" checks pass and a
// leaked value names the run and the place it came from.
#include "app/sandbox/bait_home.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/sandbox/die.h"
#include "app/sandbox/honeytokens.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

constexpr int64_t kDay = 86400;

template <size_t N>
std::string pick(const char* const (&list)[N]) {
    return list[secureUniform(static_cast<uint32_t>(N))];
}

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

struct Identity {
    std::string fullName;
    std::string login;  ///< GitHub / Docker Hub user name
    std::string email;
};

Identity makeIdentity() {
    static const char* const kFirst[] = {"Alex",  "Maria", "Daniel", "Priya",  "Jonas", "Emily", "Lucas", "Sofia",
                                         "Kevin", "Hannah", "Marco", "Aisha",  "Tomás", "Julia", "Ryan",  "Mei"};
    static const char* const kLast[] = {"Miller", "Kowalski", "Nguyen", "Patel",   "Schmidt", "Rossi", "Garcia", "Chen",
                                        "Brown",  "Novak",    "Larsen", "Okafor",  "Dubois",  "Silva", "Fischer", "Walsh"};
    static const char* const kMail[] = {"gmail.com", "outlook.com", "proton.me", "fastmail.com", "gmail.com"};
    Identity id;
    const std::string first = pick(kFirst), last = pick(kLast);
    id.fullName = first + " " + last;
    // Logins and mailboxes are ASCII; "Tomás" becomes "tomas".
    std::string f = lower(first), l = lower(last);
    if (const size_t a = f.find("á"); a != std::string::npos)
        f.replace(a, std::string("á").size(), "a");
    const std::string digits = std::to_string(secureUniform(90) + 10);
    switch (secureUniform(4)) {
    case 0: id.login = f + l; break;
    case 1: id.login = f + "-" + l; break;
    case 2: id.login = f.substr(0, 1) + l + digits; break;
    default: id.login = f + l.substr(0, 1) + digits; break;
    }
    id.email = (secureUniform(2) == 0 ? f + "." + l : id.login) + "@" + pick(kMail);
    return id;
}

/// "2023-11-04T18-22-31.482913000Z": the timestamp in geth's keystore file names.
std::string gethTimestamp(time_t t) {
    tm utc{};
    gmtime_r(&t, &utc);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H-%M-%S", &utc);
    return std::string(buf) + "." + std::to_string(100000000 + secureUniform(899999999)) + "Z";
}

std::string uuid4() {
    std::string b(16, '\0');
    secureRandom(b.data(), b.size());
    b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
    const std::string h = hex(b);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string randomBytes(size_t n) {
    std::string b(n, '\0');
    secureRandom(b.data(), n);
    return b;
}

const char* const kBashrc =
    "# ~/.bashrc: executed by bash(1) for non-login shells.\n\n"
    "# If not running interactively, don't do anything\n"
    "case $- in\n    *i*) ;;\n      *) return;;\nesac\n\n"
    "HISTCONTROL=ignoreboth\nshopt -s histappend\nHISTSIZE=1000\nHISTFILESIZE=2000\nshopt -s checkwinsize\n\n"
    "if [ -x /usr/bin/dircolors ]; then\n"
    "    test -r ~/.dircolors && eval \"$(dircolors -b ~/.dircolors)\" || eval \"$(dircolors -b)\"\n"
    "    alias ls='ls --color=auto'\n    alias grep='grep --color=auto'\nfi\n\n"
    "alias ll='ls -alF'\nalias la='ls -A'\nalias l='ls -CF'\n\n"
    "if ! shopt -oq posix; then\n  if [ -f /usr/share/bash-completion/bash_completion ]; then\n"
    "    . /usr/share/bash-completion/bash_completion\n  elif [ -f /etc/bash_completion ]; then\n"
    "    . /etc/bash_completion\n  fi\nfi\n\n"
    "export PATH=\"$HOME/.local/bin:$PATH\"\nalias gs='git status'\nalias gp='git push'\n";

const char* const kProfile =
    "# ~/.profile: executed by the command interpreter for login shells.\n"
    "# This file is not read by bash(1), if ~/.bash_profile or ~/.bash_login\n# exists.\n\n"
    "# if running bash\nif [ -n \"$BASH_VERSION\" ]; then\n    # include .bashrc if it exists\n"
    "    if [ -f \"$HOME/.bashrc\" ]; then\n\t. \"$HOME/.bashrc\"\n    fi\nfi\n\n"
    "# set PATH so it includes user's private bin if it exists\nif [ -d \"$HOME/bin\" ] ; then\n"
    "    PATH=\"$HOME/bin:$PATH\"\nfi\n\n"
    "# set PATH so it includes user's private bin if it exists\nif [ -d \"$HOME/.local/bin\" ] ; then\n"
    "    PATH=\"$HOME/.local/bin:$PATH\"\nfi\n";

class Builder {
public:
    Builder(BaitHome& home, std::string homeDir) : home_(home), homeDir_(std::move(homeDir)) {}

    void dir(const std::string& path, mode_t mode) { home_.dirs.push_back({path, mode}); }
    void file(const std::string& path, std::string content, mode_t mode, int64_t maxAgeDays) {
        const int64_t age = kDay * static_cast<int64_t>(1 + secureUniform(static_cast<uint32_t>(maxAgeDays))) +
                            static_cast<int64_t>(secureUniform(kDay));
        home_.files.push_back({path, std::move(content), mode, age});
    }
    void inFile(const std::string& name, const std::string& path, const std::string& value) {
        home_.tokens.push_back({name, VIGIL_BAIT_FILE, homeDir_ + "/" + path, value});
    }
    void inEnv(const std::string& name, const std::string& var, const std::string& value) {
        home_.env.push_back(var + "=" + value);
        home_.tokens.push_back({name, VIGIL_BAIT_ENV, var, value});
    }

private:
    BaitHome& home_;
    std::string homeDir_;
};

}  // namespace

BaitHome makeBaitHome(const std::string& homeDir, const std::string& hostname) {
    static const char* const kRegions[] = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"};
    BaitHome home;
    Builder b(home, homeDir);
    const Identity id = makeIdentity();
    home.login = id.login;
    home.fullName = id.fullName;
    home.email = id.email;
    const std::string awsId = awsAccessKeyId(), awsSecret = awsSecretAccessKey();
    const std::string npm = checksummedBase62Token("npm_");
    const std::string ghp = checksummedBase62Token("ghp_"), gho = checksummedBase62Token("gho_");
    const std::string docker = dockerHubToken();
    const std::string region = pick(kRegions);

    // The environment a developer exports from their shell rc: the first place harvesters look.
    b.inEnv("aws_access_key_id", "AWS_ACCESS_KEY_ID", awsId);
    b.inEnv("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", awsSecret);
    home.env.push_back("AWS_DEFAULT_REGION=" + region);
    b.inEnv("npm_token", "NPM_TOKEN", npm);
    b.inEnv("github_token", "GITHUB_TOKEN", ghp);

    for (const char* d : {"Desktop", "Documents", "Downloads", ".local", ".local/bin", ".cache"})
        b.dir(d, 0755);
    b.dir(".ssh", 0700);
    b.dir(".aws", 0755);
    b.dir(".config", 0700);
    b.dir(".config/gh", 0755);
    b.dir(".docker", 0700);
    b.dir(".ethereum", 0700);
    b.dir(".ethereum/keystore", 0700);

    b.file(".bashrc", std::string(kBashrc) + "export NPM_TOKEN=" + npm + "\nexport GITHUB_TOKEN=" + ghp + "\n", 0644, 400);
    b.inFile("npm_token", ".bashrc", npm);
    b.inFile("github_token", ".bashrc", ghp);
    b.file(".profile", kProfile, 0644, 600);
    b.file(".bash_logout", "# ~/.bash_logout: executed by bash(1) when login shell exits.\n\n"
                           "if [ \"$SHLVL\" = 1 ]; then\n    [ -x /usr/bin/clear_console ] && /usr/bin/clear_console -q\nfi\n",
           0644, 600);
    b.file(".bash_history", "cd project\nnpm install\nnpm test\ngit status\ngit push origin main\n"
                            "aws s3 ls\nnpm publish\ndocker login\nssh-add ~/.ssh/id_ed25519\nnpm run build\n",
           0600, 3);
    b.file(".gitconfig", "[user]\n\tname = " + id.fullName + "\n\temail = " + id.email +
                             "\n[init]\n\tdefaultBranch = main\n[pull]\n\trebase = false\n[credential]\n\thelper = store\n",
           0644, 300);

    b.file(".npmrc", "//registry.npmjs.org/:_authToken=" + npm + "\n", 0600, 60);
    b.inFile("npm_token", ".npmrc", npm);
    b.file(".git-credentials", "https://" + id.login + ":" + ghp + "@github.com\n", 0600, 90);
    b.inFile("github_token", ".git-credentials", ghp);
    b.file(".config/gh/hosts.yml", "github.com:\n    users:\n        " + id.login + ":\n            oauth_token: " + gho +
                                       "\n    git_protocol: https\n    oauth_token: " + gho + "\n    user: " + id.login + "\n",
           0600, 120);
    b.inFile("github_oauth_token", ".config/gh/hosts.yml", gho);

    b.file(".aws/credentials", "[default]\naws_access_key_id = " + awsId + "\naws_secret_access_key = " + awsSecret + "\n",
           0600, 200);
    b.inFile("aws_access_key_id", ".aws/credentials", awsId);
    b.inFile("aws_secret_access_key", ".aws/credentials", awsSecret);
    b.file(".aws/config", "[default]\nregion = " + region + "\noutput = json\n", 0644, 200);

    const std::string dockerAuth = base64(id.login + ":" + docker);
    b.file(".docker/config.json", "{\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {\n\t\t\t\"auth\": \"" + dockerAuth +
                                      "\"\n\t\t}\n\t}\n}",
           0600, 150);
    b.inFile("docker_hub_token", ".docker/config.json", docker);
    b.inFile("docker_hub_auth", ".docker/config.json", dockerAuth);

    const SshKeyPair key = ed25519KeyPair(id.email);
    b.file(".ssh/id_ed25519", key.privateKeyFile, 0600, 500);
    b.inFile("ssh_private_key", ".ssh/id_ed25519", key.privateKeyFile);
    b.file(".ssh/id_ed25519.pub", key.publicKeyLine, 0644, 500);
    // GitHub's published host key: what a first `git clone git@github.com:...` leaves behind.
    b.file(".ssh/known_hosts",
           "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n", 0644, 400);

    // A geth v3 keystore: scrypt + aes-128-ctr, the shape wallet stealers match on. Without the
    // password nobody can check the MAC, so random bytes are indistinguishable from a real key.
    const std::string address = hex(randomBytes(20)), ciphertext = hex(randomBytes(32));
    const time_t created = time(nullptr) - static_cast<time_t>(kDay * (30 + secureUniform(400)));
    const std::string keystore = ".ethereum/keystore/UTC--" + gethTimestamp(created) + "--" + address;
    b.file(keystore,
           "{\"address\":\"" + address + "\",\"crypto\":{\"cipher\":\"aes-128-ctr\",\"ciphertext\":\"" + ciphertext +
               "\",\"cipherparams\":{\"iv\":\"" + hex(randomBytes(16)) +
               "\"},\"kdf\":\"scrypt\",\"kdfparams\":{\"dklen\":32,\"n\":262144,\"p\":1,\"r\":8,\"salt\":\"" +
               hex(randomBytes(32)) + "\"},\"mac\":\"" + hex(randomBytes(32)) + "\"},\"id\":\"" + uuid4() +
               "\",\"version\":3}",
           0600, 30);
    b.inFile("ethereum_keystore", keystore, ciphertext);

    b.file("Desktop/todo.txt", "- renew passport\n- review PR for the billing service\n- book dentist\n- call mum sunday\n",
           0644, 10);
    b.file("Documents/notes.md", "# Standup notes\n\n- deploy is blocked on the staging db migration\n"
                                 "- ask ops about rotating the CI tokens\n- " + hostname + " needs a new battery\n",
           0644, 40);
    b.file("Documents/budget-2024.csv", "month,rent,groceries,utilities\nJan,1250,410,96\nFeb,1250,388,104\nMar,1250,402,88\n",
           0644, 200);
    return home;
}

void yieldEnvToEngine(BaitHome& bait, const std::vector<std::string>& engineEnv) {
    for (const std::string& entry : engineEnv) {
        const std::string var = entry.substr(0, entry.find('='));
        std::erase_if(bait.env, [&](const std::string& e) { return e.compare(0, var.size() + 1, var + "=") == 0; });
        std::erase_if(bait.tokens, [&](const BaitToken& t) { return t.place == VIGIL_BAIT_ENV && t.location == var; });
    }
}

void plantBaitHome(const BaitHome& bait, const std::string& hostHomePath, uid_t uid, gid_t gid) {
    const time_t now = time(nullptr);
    for (const BaitDir& d : bait.dirs) {
        const std::string path = hostHomePath + "/" + d.path;
        if (mkdir(path.c_str(), d.mode) != 0 && errno != EEXIST)
            die("mkdir", path);
        if (chmod(path.c_str(), d.mode) != 0 || lchown(path.c_str(), uid, gid) != 0)
            die("chown", path);
    }
    for (const BaitFile& f : bait.files) {
        const std::string path = hostHomePath + "/" + f.path;
        const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f.mode);
        if (fd < 0)
            die("open", path);
        if (write(fd, f.content.data(), f.content.size()) != static_cast<ssize_t>(f.content.size()))
            die("write", path);
        const timespec times[2] = {{now - f.ageSeconds / 2, 0}, {now - f.ageSeconds, 0}};
        if (fchmod(fd, f.mode) != 0 || fchown(fd, uid, gid) != 0 || futimens(fd, times) != 0)
            die("fchown", path);
        close(fd);
    }
}

}  // namespace vigil::sandbox
