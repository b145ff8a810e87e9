// VIGIL runtime hook: preloaded into every Node process and worker thread of a sandbox run by the
// launcher vigil-sandbox binds over /usr/bin/node (app/sandbox/node_launcher.c), which runs
// `/opt/nodejs/bin/node --require <this file> ARGS...`.
//
// Before any package code runs it removes its own traces (execArgv, execPath, require.cache,
// the module path cache), installs the captures (hook_capture.cjs, hook_time.cjs) and reports
// them as JSON lines on the run's channel (hook_core.cjs). Outside a VIGIL sandbox (no channel)
// it only removes its traces.
'use strict';

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
  if (process.execPath !== '/usr/bin/node' && process.execPath === '/opt/nodejs/bin/node') {
    process.execPath = '/usr/bin/node';
    if (process.argv[0] === '/opt/nodejs/bin/node')
      process.argv[0] = '/usr/bin/node';
  }

  const core = require('./hook_core.cjs');
  if (core.active()) {
    core.installDisguise();
    require('./hook_capture.cjs').install();
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
