// Category inference: a vote of the name, the npm keywords and the description over a term table.
#include "engine/analysis/category.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fnmatch.h>
#include <map>
#include <set>

#include <fmt/format.h>

namespace vigil::engine::analysis {

namespace {

/// One category's vocabulary. Terms are in normalised form (lower case, words separated by one
/// space: "command line" matches "command-line", "Command Line" and "command_line"). A trailing
/// '~' marks a weak term that also means other things ("http" in a web framework's keywords).
struct Vocabulary {
    CategoryInfo info;
    std::vector<const char*> names;    ///< fnmatch patterns on the full name: "@types/*", "eslint-plugin-*"
    std::vector<const char*> terms;    ///< matched against keywords, name words and description words
    std::vector<const char*> phrases;  ///< matched inside the description: what the package says it is
};

// Weights: a name pattern is the package's own declaration of kind (an @types/ package cannot be
// anything else); a description phrase is what the authors say the package is; a keyword or a word
// of the name is a tag; a description word only hints. Weak terms count half.
constexpr double kNamePattern = 8;
constexpr double kPhrase = 4;
constexpr double kNameWord = 3;
constexpr double kKeyword = 2;
constexpr double kKeywordWord = 1;
constexpr double kDescriptionWord = 1;

const std::vector<Vocabulary>& vocabulary() {
    static const std::vector<Vocabulary> kVocabulary = {
        {{"types", "Type definitions", "TypeScript declarations only (@types/*)"},
         {"@types/*"},
         {"typings", "type definitions", "typescript definitions", "dts"},
         {"typescript definitions", "type definitions"}},
        {{"polyfill", "Polyfill / runtime helpers", "standard-library polyfills, shims and compiler runtime helpers"},
         {"*-polyfill", "*-shim", "es-shim-*", "@babel/runtime*"},
         {"polyfill", "polyfills", "ponyfill", "shim", "shims", "runtime~"},
         {"polyfill", "ponyfill", "standard library", "runtime library", "runtime helpers", "shim for"}},
        {{"string", "String", "string manipulation, formatting and generation (case, padding, slugs, ids)"},
         {},
         {"string", "strings", "text~", "pad", "padding", "left pad", "leftpad", "trim", "slug", "slugify", "camelcase",
          "camel case", "kebab case", "snake case", "case~", "truncate", "uuid", "uuids", "guid", "rfc4122", "nanoid",
          "unique id", "pluralize", "inflection", "word wrap", "escape~"},
         {"string manipulation", "left pad", "uuid", "uuids", "unique id", "camelcase", "case conversion"}},
        {{"math", "Math", "numbers, arithmetic, arbitrary precision, statistics, matrices"},
         {},
         {"math", "mathematics", "arithmetic", "numeric~", "bignumber", "big number", "bignum", "decimal", "matrix",
          "algebra", "statistics", "fraction", "calculator", "complex~", "float~", "integer~"},
         {"math library", "mathematics", "arbitrary precision", "big number", "statistics", "matrices"}},
        {{"date", "Date / time", "parsing, formatting and arithmetic of dates, times and time zones"},
         {},
         {"date", "dates", "time", "datetime", "date time", "timezone", "time zone", "tz", "calendar", "duration~",
          "iso8601", "strftime", "moment"},
         {"date", "dates", "date time", "datetime", "time zone", "timezone", "immutable date"}},
        {{"validation", "Validation", "schema validation, type checks (is-*), sanitisation"},
         {"is-*"},
         {"validation", "validate", "validator", "validators", "schema~", "json schema", "jsonschema", "sanitize",
          "sanitization", "sanitise", "istype", "typeof", "type check", "type guard", "check~", "is~"},
         {"validation", "validator", "schema validation", "type check", "returns true if"}},
        {{"color-terminal", "Colour / terminal", "terminal colours and styling, spinners, progress bars, tables"},
         {},
         {"color", "colors", "colour", "colours", "ansi", "terminal", "tty", "xterm", "256", "rgb", "truecolor",
          "spinner", "spinners", "progress bar", "progress~", "styles~", "style~", "styling", "console~", "loading~",
          "indicator~", "emoji~"},
         {"terminal", "ansi colors", "ansi", "colors", "colours", "spinner", "progress bar", "terminal string styling"}},
        {{"logging", "Logging", "loggers, log formatting and transport, debug output"},
         {},
         {"log", "logs", "logger", "logging", "debug~", "loglevel", "log level", "syslog", "tracing~"},
         {"logger", "logging", "log", "debugging utility", "json logger"}},
        {{"cli", "CLI", "command-line argument parsing, prompts, command frameworks"},
         {},
         {"cli", "command line", "commandline", "command", "commands~", "argv", "args", "argument", "arguments",
          "option~", "options~", "getopt", "flags~", "prompt", "prompts", "interactive", "stdin", "menu~", "optimist"},
         {"command line", "cli", "argument parser", "argument options", "parse argument", "interactive", "prompt"}},
        {{"http-client", "HTTP client", "making HTTP requests: fetch, request libraries"},
         {},
         {"http~", "https~", "http2~", "request", "requests", "fetch", "ajax", "xhr", "http client", "http request",
          "curl", "wget", "get~", "post~", "agent~", "axios", "superagent", "got"},
         {"http client", "http request", "http requests", "fetch api", "request library", "browser node http",
          "http with"}},
        {{"networking", "Networking", "sockets, WebSockets, proxies, DNS, mail and other protocols"},
         {},
         {"websocket", "websockets", "web socket", "socket", "sockets", "tcp", "udp", "realtime", "real time",
          "rfc 6455", "hybi", "net~", "network~", "proxy", "dns", "email", "e mail", "smtp", "mail", "mailer", "ssh",
          "ftp", "webrtc", "p2p"},
         {"websocket", "websockets", "socket", "realtime", "real time", "tcp", "proxy", "e mail", "email", "smtp"}},
        {{"web-framework", "Web framework", "HTTP servers, routers and their middleware"},
         {"koa-*", "@koa/*", "@fastify/*", "@hapi/*", "@nestjs/*"},
         {"framework~", "web", "middleware", "router", "routing", "server~", "web framework", "app~", "application~",
          "rest~", "restful", "sinatra", "rack", "mvc", "http server", "express", "koa", "fastify", "hapi"},
         {"web framework", "app framework", "application framework", "middleware", "http server", "web server",
          "server framework"}},
        {{"build-tool", "Build tool", "task runners, build systems, native build drivers, monorepo tools"},
         {},
         {"build", "build tool", "build system", "make", "task", "task runner", "gulp", "grunt", "gyp", "cmake",
          "monorepo", "dev server", "hmr~", "tool~", "pipeline~"},
         {"build tool", "build system", "task runner", "monorepo", "dev server"}},
        {{"bundler-transpiler", "Bundler / transpiler", "bundlers, compilers, transpilers, minifiers and their plugins"},
         {"@babel/*", "babel-plugin-*", "babel-preset-*", "*-loader", "webpack-*", "rollup-plugin-*", "@rollup/*",
          "vite-plugin-*", "@esbuild/*", "@swc/*", "postcss-*"},
         {"bundler", "bundle", "bundling", "bundles", "webpack", "rollup", "esbuild", "babel", "transpile",
          "transpiler", "compiler", "compile~", "minify", "minifier", "uglify", "terser", "loader~", "source map",
          "sourcemap", "es6~", "es2015~", "6to5", "jsx~", "typescript~", "swc", "postcss", "optimizer~"},
         {"bundler", "bundles", "compiler", "transpiler", "minifier", "loaders", "module bundler"}},
        {{"native-addon", "Native addon",
          "bindings to C/C++ libraries, incl. image and media processing that usually wraps one (libvips, cairo)"},
         {},
         {"native", "addon", "addons", "native addon", "bindings", "binding", "napi", "n api", "node addon api", "ffi",
          "libvips", "vips", "cairo", "opencv", "prebuild", "prebuilt", "image~", "images~", "resize~", "thumbnail~",
          "graphics~"},
         {"native bindings", "bindings", "native module", "n api", "libvips", "cairo", "image processing",
          "bindings for"}},
        {{"testing", "Testing", "test runners, assertion and mocking libraries, coverage"},
         {"jest-*", "@jest/*", "@testing-library/*", "karma-*", "mocha-*", "@vitest/*", "vitest"},
         {"test", "testing", "tests", "test runner", "tdd", "bdd", "assert", "assertion", "assertions", "expect",
          "mock", "mocking", "mocks", "stub", "spy", "spies", "coverage", "snapshot", "jest", "mocha", "jasmine",
          "chai", "tap", "tape", "ava", "karma", "qunit", "e2e", "sinon", "istanbul", "runner~"},
         {"testing", "test framework", "test runner", "assertion library", "unit testing", "mocking", "end to end"}},
        {{"lint-format", "Linting / formatting", "linters, formatters and their plugins and configs"},
         {"eslint-plugin-*", "eslint-config-*", "@typescript-eslint/*", "@eslint/*", "prettier-plugin-*",
          "stylelint-*", "@commitlint/*"},
         {"lint", "linter", "linting", "eslint", "eslintplugin", "eslintconfig", "prettier", "formatter",
          "code style", "style guide", "stylelint", "jshint", "jslint", "tslint", "beautify", "beautifier"},
         {"linter", "lint", "code formatter", "formatter", "pattern checker", "style guide", "code style"}},
        {{"database", "Database client", "database drivers, ORMs/ODMs and query builders"},
         {},
         {"database", "databases", "db", "sql", "mysql", "postgres", "postgresql", "postgre", "pg", "sqlite",
          "mongodb", "mongo", "redis", "orm", "odm", "nosql", "query builder", "rdbms", "libpq", "mariadb", "mssql",
          "oracle", "datastore", "data store", "elasticsearch", "cassandra", "knex", "sequelize"},
         {"database", "postgresql", "postgres", "mysql", "mongodb", "redis", "sqlite", "orm", "odm", "sql",
          "query builder", "driver"}},
        {{"cloud-sdk", "Cloud / SaaS SDK", "clients of cloud and SaaS APIs (AWS, GCP, Azure, Firebase, Stripe, ...)"},
         {"@aws-sdk/*", "@google-cloud/*", "@azure/*", "@smithy/*", "@firebase/*", "firebase-*", "@octokit/*"},
         {"aws", "amazon", "amazon web services", "s3", "ec2", "sqs", "sns", "lambda~", "gcp", "google cloud",
          "azure", "firebase", "stripe", "twilio", "sdk", "cloud", "api wrapper", "api client", "cloudformation",
          "cloudwatch", "payment processing", "payments", "octokit"},
         {"sdk", "aws", "google cloud", "azure", "cloud", "api wrapper", "api client", "firebase"}},
        {{"crypto", "Cryptography", "hashing, encryption, signatures, password hashing, JWT"},
         {},
         {"crypto", "cryptography", "encryption", "encrypt", "decrypt", "hash~", "hashing", "password", "passwords",
          "bcrypt", "scrypt", "argon2", "pbkdf2", "hmac", "aes", "sha1", "sha256", "sha 256", "md5", "rsa", "jwt",
          "json web token", "jose", "signature", "cipher", "crypt", "x509", "pki", "security~"},
         {"crypto", "cryptography", "cryptographic", "encryption", "bcrypt", "password hashing", "json web token",
          "jwt"}},
        {{"parsing", "Parsing / serialization",
          "parsers and serialisers of formats and encodings: YAML, XML, CSV, markdown, semver, base64, zlib"},
         {},
         {"parser", "parse~", "parsing~", "serializer", "serialize", "serialization", "yaml", "xml", "json~", "json5",
          "csv", "ini", "toml", "markdown", "markup~", "querystring", "query string", "protobuf", "msgpack", "ast~",
          "semver", "semantic version", "semantic versioning", "base64", "encoding", "decode", "encode", "gzip",
          "zlib", "deflate", "tokenizer", "lexer", "grammar"},
         {"parser", "serializer", "serialization", "converter", "markdown", "yaml", "xml", "csv", "semantic version",
          "query string", "encoding", "decoder", "encoder"}},
        {{"templating", "Templating", "template engines (often compile templates with new Function)"},
         {},
         {"template", "templates", "templating", "template engine", "engine~", "mustache", "handlebars", "ejs", "pug",
          "jade", "nunjucks", "liquid", "view~", "views~", "html~"},
         {"template", "templates", "templating", "template engine"}},
        {{"config", "Configuration", "loading configuration files and environment variables"},
         {},
         {"config", "configuration", "configure", "settings", "env", "dotenv", "environment", "environment variables",
          "rc", "rc file", "conf", "cosmiconfig"},
         {"configuration", "config", "environment variables", "env file", "settings", "rc file"}},
        {{"filesystem", "File system", "file and directory operations, globbing, watching, archives, temp files"},
         {},
         {"fs", "file", "files", "file system", "filesystem", "directory", "dir", "folder", "glob", "globbing", "mkdir",
          "mkdirp", "mkdirs", "rm", "rimraf", "rmdir", "rm rf", "rmrf", "copy~", "move~", "remove~", "delete~",
          "watch", "watcher", "chokidar", "graceful fs", "tar", "archive", "zip", "unzip", "tmp", "temp", "symlink"},
         {"file system", "filesystem", "files", "directory", "directories", "deletion", "rm rf", "glob", "mkdir",
          "file watcher", "archive"}},
        {{"process", "Process execution", "running child processes and shell commands"},
         {},
         {"process~", "child process", "childprocess", "spawn", "spawnsync", "exec", "execute", "execfile", "fork~",
          "subprocess", "shell~", "cmd~", "shebang", "which~", "kill~"},
         {"child process", "process execution", "spawn", "subprocess", "shell commands"}},
        {{"ui", "UI / components", "UI frameworks and component libraries (React, Vue, Angular, ...)"},
         {"@angular/*", "@mui/*", "@vue/*", "@chakra-ui/*", "@radix-ui/*", "@emotion/*", "react-dom"},
         {"react", "reactjs", "react component", "vue", "vuejs", "angular", "svelte", "preact", "ui", "user interface",
          "component", "components", "dom~", "frontend~", "css~", "css in js", "styled~", "design system", "material~",
          "bootstrap", "widget", "widgets", "virtual dom", "hooks~"},
         {"user interfaces", "user interface", "ui", "web ui", "components", "component", "react", "design system"}},
        {{"utility", "Utility", "general helpers: collections, functional tools, promises/async, events"},
         {},
         {"util", "utils", "utility", "utilities", "helper", "helpers", "stdlib", "functional", "fp", "lodash",
          "underscore", "array~", "object~", "collection", "collections", "promise~", "promises", "async~",
          "flow control", "deferred", "future~", "debounce", "throttle", "clone", "deep clone", "merge~", "deep merge",
          "event emitter", "emitter", "observable", "reactive", "modules~"},
         {"utility", "utilities", "utility library", "helper library", "functional programming", "promises",
          "promise", "helper", "helpers", "event emitter", "reactive"}},
    };
    return kVocabulary;
}

/// Lower case, every run of non-alphanumerics one space, no leading/trailing space.
std::string normalise(std::string_view text) {
    std::string out;
    bool space = false;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0) {
            if (space && !out.empty())
                out += ' ';
            space = false;
            out += static_cast<char>(std::tolower(c));
        } else {
            space = true;
        }
    }
    return out;
}

std::vector<std::string> words(const std::string& normalised) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < normalised.size()) {
        size_t end = normalised.find(' ', start);
        if (end == std::string::npos)
            end = normalised.size();
        out.push_back(normalised.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

/// Tally of one category: score and the signals behind it, each term counted once per source.
struct Tally {
    double score = 0;
    std::vector<std::pair<double, std::string>> signals;
    std::set<std::string> seen;
    void add(double weight, const std::string& source, const std::string& term, const std::string& signal) {
        if (!seen.insert(source + "\t" + term).second)
            return;
        score += weight;
        signals.emplace_back(weight, signal);
    }
};

struct Term {
    std::string text;
    double factor = 1;
};

Term termOf(const char* raw) {
    std::string_view s(raw);
    if (!s.empty() && s.back() == '~')
        return {normalise(s.substr(0, s.size() - 1)), 0.5};
    return {normalise(s), 1};
}

std::string inQuotes(std::string_view text) { return fmt::format("\"{}\"", text); }

}  // namespace

const std::vector<CategoryInfo>& categoryTaxonomy() {
    static const std::vector<CategoryInfo> kTaxonomy = [] {
        std::vector<CategoryInfo> out;
        for (const Vocabulary& v : vocabulary())
            out.push_back(v.info);
        return out;
    }();
    return kTaxonomy;
}

bool isKnownCategory(std::string_view id) {
    const auto& t = categoryTaxonomy();
    return std::any_of(t.begin(), t.end(), [&](const CategoryInfo& c) { return c.id == id; });
}

CategoryGuess inferCategory(const PackageMetadata& meta, const CategoryOverrides* overrides) {
    if (overrides != nullptr)
        if (const CategoryGuess* o = overrides->find(meta.name))
            return *o;

    // A declarations-only package is that whatever its description names ("TypeScript
    // definitions for express" is not a web framework): the scope decides alone.
    if (meta.name.rfind("@types/", 0) == 0)
        return {"types", 0.95, "name \"@types/*\"", {"name \"@types/*\""}};

    // The name's words: "@aws-sdk/client-s3" -> "aws sdk client s3", each word also without
    // trailing digits ("mysql2" -> "mysql"), plus the whole unscoped name as one term.
    const std::string bareName = meta.name.substr(meta.name.rfind('/') == std::string::npos ? 0 : meta.name.rfind('/') + 1);
    std::set<std::string> nameTerms;
    for (std::string w : words(normalise(meta.name))) {
        nameTerms.insert(w);
        while (!w.empty() && std::isdigit(static_cast<unsigned char>(w.back())) != 0)
            w.pop_back();
        if (!w.empty())
            nameTerms.insert(w);
    }
    nameTerms.insert(normalise(bareName));
    std::set<std::string> keywords, keywordWords;
    for (const std::string& k : meta.keywords) {
        const std::string n = normalise(k);
        keywords.insert(n);
        for (const std::string& w : words(n))
            keywordWords.insert(w);
    }
    const std::string description = " " + normalise(meta.description) + " ";
    std::set<std::string> descriptionWords;
    for (const std::string& w : words(normalise(meta.description)))
        descriptionWords.insert(w);

    std::map<std::string, Tally> tallies;
    for (const Vocabulary& v : vocabulary()) {
        Tally& t = tallies[v.info.id];
        for (const char* pattern : v.names)
            if (fnmatch(pattern, meta.name.c_str(), 0) == 0)
                t.add(kNamePattern, "pattern", pattern, "name " + inQuotes(pattern));
        for (const char* raw : v.terms) {
            const Term term = termOf(raw);
            if (nameTerms.count(term.text) != 0)
                t.add(kNameWord * term.factor, "name", term.text, "name word " + inQuotes(term.text));
            if (keywords.count(term.text) != 0)
                t.add(kKeyword * term.factor, "keyword", term.text, "keyword " + inQuotes(term.text));
            else if (keywordWords.count(term.text) != 0)
                t.add(kKeywordWord * term.factor, "keyword", term.text, "keyword word " + inQuotes(term.text));
            if (descriptionWords.count(term.text) != 0)
                t.add(kDescriptionWord * term.factor, "description-word", term.text,
                      "description word " + inQuotes(term.text));
        }
        for (const char* raw : v.phrases) {
            const Term phrase = termOf(raw);
            if (description.find(" " + phrase.text + " ") != std::string::npos)
                t.add(kPhrase * phrase.factor, "phrase", phrase.text, "description " + inQuotes(phrase.text));
        }
    }

    // The winner; ties go to the category listed first (more specific categories come first).
    const Vocabulary* best = nullptr;
    double top = 0, second = 0;
    for (const Vocabulary& v : vocabulary()) {
        const double s = tallies[v.info.id].score;
        if (s > top) {
            second = top;
            top = s;
            best = &v;
        } else if (s > second) {
            second = s;
        }
    }
    CategoryGuess guess;
    if (best == nullptr)
        return guess;  // nothing matched: unknown, and norms will not compare it with anything
    Tally& t = tallies[best->info.id];
    std::stable_sort(t.signals.begin(), t.signals.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    guess.category = best->info.id;
    for (const auto& [weight, text] : t.signals)
        guess.votes.push_back(text);
    guess.signal = guess.votes.front();
    // Strength: how much evidence (two strong signals saturate it); margin: how clearly it beats
    // the runner-up. Both must be there: one weak keyword is unsure even with no rival, and a
    // near tie is unsure however many signals voted. Only an override is certain.
    const double strength = std::min(1.0, top / kNamePattern);
    const double margin = (top - second) / top;
    guess.confidence = std::min(0.95, std::round(std::sqrt(strength) * (0.5 + 0.5 * margin) * 100) / 100);
    return guess;
}

nlohmann::json toJson(const CategoryGuess& guess) {
    return {{"category", guess.category},
            {"confidence", guess.confidence},
            {"signal", guess.signal},
            {"signals", guess.votes}};
}

}  // namespace vigil::engine::analysis
