// VIGIL runtime hook: preloaded into every Node process and worker thread of a sandbox run by the
// launcher vigil-sandbox binds over /usr/bin/node (app/sandbox/node_launcher.c), which runs
// `/opt/nodejs/bin/node --require <this file> ARGS...`.
//
// Before any package code runs it removes its own traces (execArgv, execPath, require.cache,
// the module path cache), installs the captures (hook_capture.cjs, hook_modules.cjs, hook_time.cjs) and reports
// them as JSON lines on the run's channel (hook_core.cjs). Outside a VIGIL sandbox (no channel)
// it only removes its traces.
'use strict';

/// /proc/self/cmdline is the process's own argv memory, which the launcher filled with
/// `--require <hook>`: rewritten here, through /proc/self/mem (a process may always write its own
/// memory), to the command line without them. The kernel keeps the region's length
/// (/proc/self/stat arg_start..arg_end), so the freed bytes stay NUL at its end. Node copied argv
/// at startup (process.argv, process.title are not affected).
function scrubCommandLine(hook) {
  const fs = require('fs');
  let fd = -1;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // fields[0] is field 3 (state)
    const start = Number(fields[48 - 3]);
    const end = Number(fields[49 - 3]);
    if (!(start > 0 && end > start && end - start < 1 << 20))
      return;
    fd = fs.openSync('/proc/self/mem', 'r+');
    const region = Buffer.alloc(end - start);
    if (fs.readSync(fd, region, 0, region.length, start) !== region.length)
      return;
    const args = region.toString('latin1').split('\0');
    args.pop();  // after the last NUL
    const at = args.findIndex((a, i) => (a === '--require' || a === '-r') && args[i + 1] === hook);
    if (at < 1)
      return;
    args.splice(at, 2);
    const clean = Buffer.alloc(region.length);  // zero-filled: the freed tail
    clean.write(args.join('\0') + '\0', 0, 'latin1');
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
  scrubCommandLine(self);
  if (process.execPath !== '/usr/bin/node' && process.execPath === '/opt/nodejs/bin/node') {
    process.execPath = '/usr/bin/node';
    if (process.argv[0] === '/opt/nodejs/bin/node')
      process.argv[0] = '/usr/bin/node';
  }

  const core = require('./hook_core.cjs');
  if (core.active()) {
    core.installDisguise();
    require('./hook_capture.cjs').install();
    require('./hook_modules.cjs').install();
    const time = require('./hook_time.cjs');
    time.install();
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
