// VIGIL runtime hook: preloaded into every Node process and worker thread of a sandbox run by the
// launcher vigil-sandbox binds over /usr/bin/node (app/sandbox/node_launcher.c), which runs
// `/opt/nodejs/bin/node ARGS...` with `NODE_OPTIONS=--require <this file>` first in its environment.
//
// Before any package code runs it removes its own traces (NODE_OPTIONS, execPath, require.cache,
// the module path cache), installs the captures (hook_capture.cjs, hook_modules.cjs, hook_time.cjs) and reports
// them as JSON lines on the run's channel (hook_core.cjs). Outside a VIGIL sandbox (no channel)
// it only removes its traces.
'use strict';

/// /proc/self/environ is the process's own environment memory, where the launcher put the hook's
/// NODE_OPTIONS entry and, with libfaketime, its monotonic switch, last. Rewritten here through
/// /proc/self/mem (a process may always write its own memory): both removed, and the caller's own
/// NODE_OPTIONS entry, which the launcher took out of its place, put back at the end. Only the
/// tail changes: libc's environ still points at every other string of the region. The kernel
/// keeps the region's length (/proc/self/stat env_start..env_end), so the freed bytes stay NUL at
/// its end. /proc/self/cmdline needs nothing: the launcher leaves argv as the caller gave it.
function scrubProcSelf(optionsEntry, callerEntry, lastEntry) {
  const fs = require('fs');
  let fd = -1;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // fields[0] is field 3 (state)
    const start = Number(fields[50 - 3]);  // env_start, env_end
    const end = Number(fields[51 - 3]);
    if (!(start > 0 && end > start && end - start < 1 << 20))
      return;
    fd = fs.openSync('/proc/self/mem', 'r+');
    const bytes = Buffer.alloc(end - start);
    if (fs.readSync(fd, bytes, 0, bytes.length, start) !== bytes.length)
      return;
    const list = bytes.toString('latin1').split('\0');
    list.pop();  // after the last NUL
    if (lastEntry && list[list.length - 1] === lastEntry)
      list.pop();
    if (!optionsEntry || list[list.length - 1] !== optionsEntry)
      return;  // not the launcher's layout: leave it alone
    list.pop();
    if (callerEntry)
      list.push(callerEntry);
    const clean = Buffer.alloc(bytes.length);  // zero-filled: the freed tail
    clean.write(list.length ? list.join('\0') + '\0' : '', 0, 'latin1');
    fs.writeSync(fd, clean, 0, clean.length, start);
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

  // What an unhooked `node` shows: no NODE_OPTIONS of the launcher's (node_launcher.c), only
  // the caller's own, if it had one.
  const preload = '--require ' + self;
  const options = process.env.NODE_OPTIONS;
  let optionsEntry = null;
  let callerEntry = null;
  if (typeof options === 'string' && (options === preload || options.startsWith(preload + ' '))) {
    optionsEntry = 'NODE_OPTIONS=' + options;
    delete process.env.NODE_OPTIONS;
    if (options !== preload) {
      process.env.NODE_OPTIONS = options.slice(preload.length + 1);
      callerEntry = 'NODE_OPTIONS=' + process.env.NODE_OPTIONS;
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
  if (optionsEntry)
    scrubProcSelf(optionsEntry, callerEntry, envEntry);
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
