// VIGIL runtime hook, modules: `require(x)` and `import(x)` with a computed specifier
// (code.dynamic_require, api require|import), attributed to the line that wrote the call.
//
// import() cannot be wrapped as a function: V8 hands every import() expression to Node's host
// callback, which calls the ESM loader's import() method synchronously, while the package's frame
// is still on the stack (lib/internal/modules/esm/utils.js, both for CommonJS scripts and for ES
// modules). That loader is internal; it is reached once, before any package code runs, through
// the closure of the public module.register (a function of the same internal module), read via
// the inspector's [[Scopes]] of that function — no flag (--expose-internals would change what
// packages can require and would show in execArgv), no loader thread, no customization hook a
// package could list.
'use strict';

const core = require('./hook_core.cjs');

const {capture, wrap, truncate, saved} = core;

const sourceLines = new Map();

/// True when the call at file:line:column is `<keyword>(<string literal>)`.
function isLiteralCall(keyword, file, line, column) {
  let lines = sourceLines.get(file);
  if (lines === undefined) {
    try {
      lines = saved.readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    sourceLines.set(file, lines);
  }
  if (!lines || !lines[line - 1])
    return true;  // unknown: do not claim it was computed
  // V8 places an awaited import() at its `await`.
  const text = lines[line - 1].slice(Math.max(0, column - 1)).replace(/^await\s+/, '');
  if (!text.startsWith(keyword))
    return true;
  // `x('a')` / `x("a")` / x(`a`) without interpolation.
  return /^\s*\(\s*(?:'[^'\\]*'|"[^"\\]*"|`[^`$\\]*`)\s*[,)]/.test(text.slice(keyword.length));
}

function pathOf(file) {
  if (file && file.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(file).pathname);
    } catch {
      return null;
    }
  }
  return file;
}

/// The event for a module call whose specifier is args[0], or null when the frame that wrote the
/// call is the hook's or a driver's, Node's own, [eval] code (no file to read) or a literal call.
function dynamicCall(keyword, specifier) {
  return capture(false, () => {
    const sites = core.callSites(40);
    let top = true;
    for (const s of sites) {
      const file = pathOf(s.getFileName && s.getFileName());
      if (file && file.startsWith(core.RUNTIME_DIR)) {
        if (!top)
          return null;  // the hook's own or a phase driver's
        continue;
      }
      top = false;
      if (!file || file.startsWith('node:'))
        continue;
      if (!file.startsWith('/') || isLiteralCall(keyword, file, s.getLineNumber(), s.getColumnNumber()))
        return null;
      return ['code.dynamic_require', {api: keyword, specifier: truncate(specifier, 512)}];
    }
    return null;
  });
}

function hookRequire() {
  const Module = require('module');
  wrap(Module.prototype, 'require', (args) => {
    if (typeof args[0] === 'string')
      dynamicCall('require', args[0]);
  });
}

/// getOrInitializeCascadedLoader of lib/internal/modules/esm/loader.js, or null.
function cascadedLoaderGetter() {
  let inspector;
  try {
    inspector = require('inspector');
  } catch {
    return null;
  }
  const register = require('module').register;
  if (typeof register !== 'function')
    return null;
  const session = new inspector.Session();
  try {
    session.connect();
  } catch {
    return null;  // another debugger owns this thread
  }
  // A transient global, gone before this function returns (no package code has run yet): the
  // inspector reaches objects only through what it can evaluate.
  const key = '_' + saved.hrtime().toString(36);
  let getter = null;
  const post = (method, params) => {
    let result = null;
    session.post(method, params, (err, r) => {
      if (!err)
        result = r;
    });
    return result;  // same-thread sessions answer synchronously
  };
  try {
    globalThis[key] = {register, put: (f) => { getter = f; }};
    const holder = post('Runtime.evaluate', {expression: key, silent: true});
    if (!holder || !holder.result.objectId)
      return null;
    const ids = {};
    for (const p of post('Runtime.getProperties', {objectId: holder.result.objectId, ownProperties: true}).result)
      if (p.value)
        ids[p.name] = p.value.objectId;
    const fn = post('Runtime.getProperties', {objectId: ids.register, ownProperties: true});
    const scopes = fn && (fn.internalProperties || []).find((p) => p.name === '[[Scopes]]');
    if (!scopes)
      return null;
    for (const scope of post('Runtime.getProperties', {objectId: scopes.value.objectId, ownProperties: true}).result) {
      if (!scope.value || !scope.value.objectId)
        continue;
      const vars = post('Runtime.getProperties', {objectId: scope.value.objectId, ownProperties: true});
      const v = vars && vars.result.find((p) => p.name === 'getOrInitializeCascadedLoader');
      if (v && v.value && v.value.objectId) {
        post('Runtime.callFunctionOn', {objectId: ids.put, functionDeclaration: 'function(f) { this(f); }',
                                        arguments: [{objectId: v.value.objectId}], silent: true});
        break;
      }
    }
  } catch {
  } finally {
    delete globalThis[key];
    try { session.post('Runtime.releaseObjectGroup', {objectGroup: ''}); } catch {}
    session.disconnect();
  }
  return typeof getter === 'function' ? getter : null;
}

function hookImport() {
  const getLoader = cascadedLoaderGetter();
  if (!getLoader)
    return false;
  let loader;
  try {
    loader = getLoader();
  } catch {
    return false;
  }
  const proto = loader && Object.getPrototypeOf(loader);
  if (!proto || typeof proto.import !== 'function')
    return false;
  // On the class, so a loader Node creates later (module.register's customizations) is covered.
  return wrap(proto, 'import', (args) => {
    if (typeof args[0] === 'string')
      dynamicCall('import', args[0]);
  }) !== null;
}

function install() {
  hookRequire();
  return {dynamicImport: hookImport()};
}

module.exports = {install};
