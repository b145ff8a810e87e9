// VIGIL runtime hook: preloaded into every Node process and worker thread of a sandbox run by the
// launcher vigil-sandbox binds over /usr/bin/node (app/sandbox/node_launcher.c), which runs
// `/opt/nodejs/bin/node --require <this file> ARGS...`.
//
// Before any package code runs it removes its own traces (execArgv, execPath, require.cache,
// the module path cache), installs the captures (hook_capture.cjs, hook_modules.cjs, hook_time.cjs) and reports
// them as JSON lines on the run's channel (hook_core.cjs). Outside a VIGIL sandbox (no channel)
// it only removes its traces.
'use strict';

/// /proc/self/cmdline and /proc/self/environ are the process's own argv and environment memory,
/// where the launcher put `--require <hook>` and, with libfaketime, its monotonic switch (last).
/// Rewritten here through /proc/self/mem (a process may always write its own memory). The kernel
/// keeps each region's length (/proc/self/stat arg_start..env_end), so freed bytes stay NUL at its
/// end. Node copied argv at startup (process.argv, process.title are unaffected); the environment
/// string is already unset (libc's environ no longer points at it).
function scrubProcSelf(hook, envEntry) {
  const fs = require('fs');
  let fd = -1;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // fields[0] is field 3 (state)
    const region = (first) => {
      const start = Number(fields[first - 3]);
      const end = Number(fields[first + 1 - 3]);
      if (!(start > 0 && end > start && end - start < 1 << 20))
        return null;
      const bytes = Buffer.alloc(end - start);
      return fs.readSync(fd, bytes, 0, bytes.length, start) === bytes.length ? {start, bytes} : null;
    };
    const rewrite = (r, strings) => {
      const clean = Buffer.alloc(r.bytes.length);  // zero-filled: the freed tail
      clean.write(strings.length ? strings.join('\0') + '\0' : '', 0, 'latin1');
      fs.writeSync(fd, clean, 0, clean.length, r.start);
    };
    fd = fs.openSync('/proc/self/mem', 'r+');
    const args = region(48);  // arg_start, arg_end
    if (args) {
      const list = args.bytes.toString('latin1').split('\0');
      list.pop();  // after the last NUL
      const at = list.findIndex((a, i) => (a === '--require' || a === '-r') && list[i + 1] === hook);
      if (at >= 1) {
        list.splice(at, 2);
        rewrite(args, list);
      }
    }
    const env = envEntry ? region(50) : null;  // env_start, env_end
    if (env) {
      const list = env.bytes.toString('latin1').split('\0');
      list.pop();
      if (list[list.length - 1] === envEntry) {
        list.pop();
        rewrite(env, list);
      }
    }
  } catch {
    // No /proc or no access to it: nothing to scrub with.
  } finally {
    if (fd >= 0)
      try { fs.closeSync(fd); } catch {}
  }
}

(function vigilHook() {
  const Module = require('module');
  const self = __filename;
  const dir = __dirname + '/';

  // What an unhooked `node` shows: no preload flag, /usr/bin/node as its binary.
  const execArgv = process.execArgv;
  for (let i = 0; i < execArgv.length; ++i) {
    if ((execArgv[i] === '--require' || execArgv[i] === '-r') && execArgv[i + 1] === self) {
      execArgv.splice(i, 2);
      break;
    }
    if (execArgv[i] === '--require=' + self) {
      execArgv.splice(i, 1);
      break;
    }
  }
  // The launcher's switch for libfaketime (node_launcher.c): read once by the library at start.
  let envEntry = null;
  if (process.env.FAKETIME_DONT_FAKE_MONOTONIC === '1') {
    delete process.env.FAKETIME_DONT_FAKE_MONOTONIC;
    envEntry = 'FAKETIME_DONT_FAKE_MONOTONIC=1';
    // Exported by libfaketime's start in this process (the launcher dropped the inherited one).
    delete process.env.FAKETIME_SHARED;
  }
  scrubProcSelf(self, envEntry);
  if (process.execPath !== '/usr/bin/node' && process.execPath === '/opt/nodejs/bin/node') {
    process.execPath = '/usr/bin/node';
    if (process.argv[0] === '/opt/nodejs/bin/node')
      process.argv[0] = '/usr/bin/node';
  }

  const core = require('./hook_core.cjs');
  if (core.active()) {
    core.installDisguise();
    require('./hook_capture.cjs').install();
    const modules = require('./hook_modules.cjs').install();
    const time = require('./hook_time.cjs');
    time.install(modules);
    time.startWatching();
  }

  for (const key of Object.keys(Module._cache))
    if (key.startsWith(dir))
      delete Module._cache[key];
  if (Module._pathCache)
    for (const key of Object.keys(Module._pathCache))
      if (key.includes(dir) || String(Module._pathCache[key]).startsWith(dir))
        delete Module._pathCache[key];
})();
