// VIGIL runtime hook, core: the channel out, JS stacks resolved to package@version:file:line, and
// the disguise every patched built-in wears (toString, name, length, stack frames, isProxy).
//
// Everything a capture needs from the platform is taken here, before any package code runs, so a
// package that later replaces fs.writeSync, JSON.stringify or Error.captureStackTrace cannot blind
// or misdirect the hook.
'use strict';

const fs = require('fs');
const util = require('util');

const RUNTIME_DIR = __dirname + '/';
// The helper binds a FIFO here (app/sandbox/runtime_channel.cpp). Writes of at most PIPE_BUF
// bytes are atomic, so lines from every process and thread of the run never interleave.
const CHANNEL_PATH = '/run/user/1000/systemd/notify';
const MAX_LINE = 4000;  // < PIPE_BUF (4096)
const PREVIEW = 200;

const saved = {
  writeSync: fs.writeSync,
  openSync: fs.openSync,
  readFileSync: fs.readFileSync,
  statSync: fs.statSync,
  stringify: JSON.stringify,
  captureStackTrace: Error.captureStackTrace,
  hrtime: process.hrtime.bigint,
  fnToString: Function.prototype.toString,
  apply: Reflect.apply,
  construct: Reflect.construct,
  defineProperty: Object.defineProperty,
  getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
  isProxy: util.types.isProxy,
};

let channelFd = -1;
try {
  // Blocking on purpose: the helper drains the FIFO continuously, and a dropped line is a blind
  // spot. O_CLOEXEC comes from libuv: children open their own.
  channelFd = saved.openSync(CHANNEL_PATH, fs.constants.O_WRONLY);
} catch {
  channelFd = -1;  // outside a VIGIL sandbox: capture nothing, change nothing visible
}

// Re-entrancy guard: the hook's own work (reading package.json, writing the line) must never
// produce events or recurse into the captures.
let busy = 0;

function truncate(s, n) {
  s = String(s);
  return s.length > n ? s.slice(0, n) : s;
}

// --- Stacks and attribution ---------------------------------------------------------------

function callSites(limit) {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_, sites) => sites;
    Error.stackTraceLimit = limit || 40;
    const holder = {};
    saved.captureStackTrace(holder, callSites);
    return Array.isArray(holder.stack) ? holder.stack : [];
  } catch {
    return parsedSites();  // a package made Error's properties read-only
  } finally {
    try {
      Error.prepareStackTrace = prevPrepare;
      Error.stackTraceLimit = prevLimit;
    } catch {}
  }
}

/// Call sites read from the printed stack, for when Error.prepareStackTrace cannot be swapped.
/// Built-in frames print as "(<anonymous>)" / "(native)": they keep a null file name.
function parsedSites() {
  // A package's own frozen prepareStackTrace would be called with the hook's frames: stay blind.
  if (typeof Error.prepareStackTrace === 'function')
    return [];
  const holder = {};
  try {
    saved.captureStackTrace(holder, parsedSites);
  } catch {
    return [];
  }
  const text = typeof holder.stack === 'string' ? holder.stack : '';
  const sites = [];
  for (const l of text.split('\n').slice(1)) {
    const m = /^\s*at (?:(.*?) \()?(.*?)(?::(\d+):(\d+))?\)?$/.exec(l);
    if (!m)
      continue;
    const file = m[3] === undefined ? null : m[2];
    const name = m[1] || '';
    sites.push({getFileName: () => file, getLineNumber: () => Number(m[3] || 0), getColumnNumber: () => Number(m[4] || 0),
                getFunctionName: () => name.replace(/^.*\./, ''), getEvalOrigin: () => null, isEval: () => false});
  }
  return sites;
}

function fileOf(site) {
  let f = site.getFileName ? site.getFileName() : null;
  if (!f) {
    // eval'd code: the script name V8 reports for its origin, if any.
    f = site.getEvalOrigin ? site.getEvalOrigin() : null;
    if (!f && site.isEval && site.isEval())
      return '[eval]';
  }
  if (!f)
    return null;
  if (f.startsWith('file://')) {
    try {
      f = decodeURIComponent(new URL(f).pathname);
    } catch {}
  }
  return f;
}

/// 'hook' (our frames), 'builtin' (V8 built-ins like JSON.stringify: transparent), 'internal'
/// (node:*), 'user' (everything else: packages, [eval], the phase driver).
function frameClass(file) {
  if (file === null)
    return 'builtin';
  if (file.startsWith(RUNTIME_DIR))
    return 'hook';
  if (file.startsWith('node:') || file.startsWith('internal/'))
    return 'internal';
  return 'user';
}

const packageCache = new Map();  // dir -> {name, version, root} | null

function packageOfDir(dir) {
  const chain = [];
  let found = null;
  for (let d = dir; ; ) {
    if (packageCache.has(d)) {
      found = packageCache.get(d);
      break;
    }
    chain.push(d);
    let manifest = null;
    try {
      manifest = JSON.parse(saved.readFileSync(d + '/package.json', 'utf8'));
    } catch {}
    // A package.json without a name ({"type":"module"} in dist/) is not a package root.
    if (manifest && typeof manifest.name === 'string' && manifest.name) {
      found = {id: manifest.name + '@' + (typeof manifest.version === 'string' ? manifest.version : '0.0.0'), root: d};
      break;
    }
    const up = d.slice(0, d.lastIndexOf('/'));
    if (up === d || d === '' || d === '/')
      break;
    d = up === '' ? '/' : up;
  }
  for (const d of chain)
    packageCache.set(d, found);
  return found;
}

function attributionOf(file, line) {
  if (!file)
    return {package: '', file: '', line: 0};
  if (!file.startsWith('/'))
    return {package: '', file, line};
  const pkg = packageOfDir(file.slice(0, file.lastIndexOf('/')) || '/');
  if (!pkg)
    return {package: '', file, line};
  return {package: pkg.id, file: file.slice(pkg.root.length + 1), line};
}

/// The code that caused the current capture. `direct`: only when package code called the patched
/// function itself (not Node's own internals on its behalf: the CJS loader's fs reads, http's
/// socket connect). Returns null when the event should not be recorded.
function caller(direct = true, skipInternal = null) {
  const sites = callSites(40);
  let first = null;
  let firstUser = null;
  for (const s of sites) {
    const file = fileOf(s);
    const cls = frameClass(file);
    if (cls === 'hook' || cls === 'builtin')
      continue;
    if (first === null) {
      first = {cls, file};
      if (cls === 'internal' && skipInternal && skipInternal.test(file))
        return null;
    }
    if (cls === 'user') {
      firstUser = attributionOf(file, s.getLineNumber() || 0);
      break;
    }
  }
  if (firstUser === null || (direct && first.cls !== 'user'))
    return null;
  return firstUser;
}

/// Attribution from an Error's printed stack (uncaught errors: the frames are gone).
function attributionOfStack(stack) {
  const lines = String(stack || '').split('\n');
  for (const l of lines) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(l);
    if (!m)
      continue;
    let file = m[1];
    if (file.startsWith('file://'))
      file = file.slice(7);
    if (frameClass(file) === 'user')
      return attributionOf(file, Number(m[2]));
  }
  return {package: '', file: '', line: 0};
}

// --- The channel --------------------------------------------------------------------------

let threadId = 0;
try {
  threadId = require('worker_threads').threadId;
} catch {}

function write(kind, attrs, who) {
  if (channelFd < 0)
    return;
  const head = '{"ts_ns":' + saved.hrtime().toString() + ',';
  const body = {pid: process.pid, ppid: process.ppid, tid: threadId, exe: '/usr/bin/node', kind, attrs,
                package: who.package, file: who.file, line: who.line};
  let text = saved.stringify(body);
  if (text === undefined)
    return;
  let line = head + text.slice(1) + '\n';
  if (Buffer.byteLength(line) > MAX_LINE) {
    // Oversized attrs (huge argv, paths): keep the event, say it was cut.
    body.attrs = {truncated: true, api: attrs && attrs.api ? truncate(attrs.api, 64) : undefined};
    line = head + saved.stringify(body).slice(1) + '\n';
  }
  try {
    saved.writeSync(channelFd, line);
  } catch {}
}

/// Records one event when `who` is a package (or other user code); `who` from caller().
function emit(kind, attrs, who) {
  if (!who || busy)
    return;
  busy++;
  try {
    write(kind, attrs, who);
  } finally {
    busy--;
  }
}

/// For captures: runs fn(who) with the guard held, after resolving the caller. Any exception in
/// the hook is swallowed: the package's call must behave exactly as without the hook.
function capture(direct, fn, skipInternal) {
  if (busy || channelFd < 0)
    return;
  busy++;
  try {
    const who = caller(direct, skipInternal);
    if (who) {
      const r = fn(who);
      if (r)
        write(r[0], r[1], who);
    }
  } catch {
  } finally {
    busy--;
  }
}

/// The package code calling right now (as caller(direct)), or null — for captures that change
/// behaviour (timer acceleration) only when a package, not Node or VIGIL's drivers, asked.
function packageCaller(direct = true) {
  if (busy || channelFd < 0)
    return null;
  busy++;
  try {
    return caller(direct);
  } catch {
    return null;
  } finally {
    busy--;
  }
}

// --- Disguise -----------------------------------------------------------------------------

// wrapper -> original: Function.prototype.toString answers with the original's text, which is
// "function x() { [native code] }" for V8 built-ins and Node's own source for lib functions —
// exactly what an unhooked Node prints.
const originals = new WeakMap();
const ourProxies = new WeakSet();

function scrubStack(err) {
  try {
    if (err && typeof err === 'object') {
      const d = saved.getOwnPropertyDescriptor(err, 'stack');
      if (d && typeof d.value === 'string' && d.value.includes(RUNTIME_DIR)) {
        const kept = d.value.split('\n').filter((l) => !l.includes(RUNTIME_DIR)).join('\n');
        saved.defineProperty(err, 'stack', {value: kept, writable: d.writable, enumerable: d.enumerable,
                                             configurable: d.configurable});
      }
    }
  } catch {}
  return err;
}

/// Calls the original with room for two more stack frames (the Proxy trap and this function, scrubbed from
/// any error), so an error thrown by a patched built-in has exactly the frames it has unhooked.
function callScrubbed(target, thisArg, args, newTarget) {
  const limit = Error.stackTraceLimit;
  let raise = typeof limit === 'number' && limit < Infinity;
  if (raise) {
    try {
      Error.stackTraceLimit = limit + 2;
    } catch {
      raise = false;  // a package froze it: leave it alone
    }
  }
  try {
    return newTarget === undefined ? saved.apply(target, thisArg, args) : saved.construct(target, args, newTarget);
  } catch (e) {
    throw scrubStack(e);
  } finally {
    if (raise && Error.stackTraceLimit === limit + 2)
      try { Error.stackTraceLimit = limit; } catch {}
  }
}

/// Replaces obj[key] by a Proxy of the original whose calls first run `before(args, thisArg,
/// newTarget)`. Name, length, prototype and own properties are the original's (forwarded by the
/// Proxy). Errors thrown by the original leave without the hook's frames.
function wrap(obj, key, before, after) {
  const d = saved.getOwnPropertyDescriptor(obj, key);
  if (!d || typeof d.value !== 'function' || originals.has(d.value))
    return null;
  const original = d.value;
  const proxy = new Proxy(original, {
    apply(target, thisArg, args) {
      if (!busy)
        try { before(args, thisArg, undefined); } catch {}
      const result = callScrubbed(target, thisArg, args);
      return after ? after(result, args) : result;
    },
    construct(target, args, newTarget) {
      if (!busy)
        try { before(args, undefined, newTarget); } catch {}
      return callScrubbed(target, undefined, args, newTarget === proxy ? target : newTarget);
    },
  });
  originals.set(proxy, original);
  ourProxies.add(proxy);
  saved.defineProperty(obj, key, {value: proxy, writable: d.writable, enumerable: d.enumerable,
                                  configurable: d.configurable});
  return proxy;
}

/// Registers a replacement made elsewhere (process.env, Date) so toString and isProxy lie for it.
function disguise(replacement, original) {
  originals.set(replacement, original);
  ourProxies.add(replacement);
}

function installDisguise() {
  const fnToString = saved.fnToString;
  const toStringProxy = new Proxy(fnToString, {
    apply(target, thisArg, args) {
      const original = originals.get(thisArg);
      return callScrubbed(target, original === undefined ? thisArg : original, args);
    },
  });
  originals.set(toStringProxy, fnToString);
  ourProxies.add(toStringProxy);
  saved.defineProperty(Function.prototype, 'toString', {value: toStringProxy, writable: true, enumerable: false,
                                                        configurable: true});
  // util.types.isProxy would name every patched built-in; it stays truthful for package proxies.
  wrap(util.types, 'isProxy', () => {}, (result, args) => (ourProxies.has(args[0]) ? false : result));
}

module.exports = {
  saved, RUNTIME_DIR, PREVIEW, truncate, caller, packageCaller, capture, emit, write, wrap, disguise, installDisguise,
  attributionOf, attributionOfStack, scrubStack, callScrubbed, callSites, active: () => channelFd >= 0,
  guard: (fn) => { busy++; try { return fn(); } finally { busy--; } },
};
