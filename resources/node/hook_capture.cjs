// VIGIL runtime hook, captures: environment, dynamic code, processes, bindings, network and
// sensitive files (computed require/import(): hook_modules.cjs). Each capture records, then calls
// the original unchanged.
'use strict';

const core = require('./hook_core.cjs');
const path = require('path');

const {capture, wrap, disguise, truncate, PREVIEW, saved} = core;

function str(v) {
  try {
    return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  } catch {
    return '';
  }
}

// --- process.env ----------------------------------------------------------------------------

// Enumeration recorded once, saying whether it read the values or only listed the names:
// JSON.stringify, entries, values, assign, spread and for-in read every value, and those reads
// (right after, in the same tick) belong to the enumeration rather than being separate env.read
// events. Object.keys, getOwnPropertyNames and Reflect.ownKeys list names only (debug looking for
// DEBUG_* variables); values read afterwards are ordinary env.read events, until the package has
// read most of them — then it is serialising the environment by hand, recorded once as such.
const NAMES_ONLY = new Set(['keys', 'getOwnPropertyNames', 'Reflect.ownKeys']);
let pending = null;  // {keys, how, count, values, read, reported}

function enumerationHow() {
  const sites = core.callSites(12);
  for (const s of sites) {
    if (s.getFileName && s.getFileName())
      continue;
    const name = (s.getFunctionName && s.getFunctionName()) || '';
    const known = {keys: 'keys', entries: 'entries', values: 'values', stringify: 'stringify', assign: 'assign',
                   getOwnPropertyNames: 'getOwnPropertyNames', ownKeys: 'Reflect.ownKeys'};
    if (known[name])
      return known[name];
  }
  return 'spread|for-in';
}

/// A read of `key` right after an enumeration: true when it is part of that enumeration.
function readOfEnumerated(key) {
  if (!pending || !pending.keys.delete(key))
    return false;
  if (pending.values || pending.reported)
    return true;
  pending.read++;
  // Most of the listed values read by hand: serialising. (At least 3, so a lone HOME is a read.)
  if (pending.read < Math.max(3, Math.ceil(pending.count / 2)))
    return false;
  pending.reported = true;
  const {how, count, read} = pending;
  capture(true, () => ['env.enumerate', {how: how + '+get', count, values: true, values_read: read}]);
  return true;
}

function hookEnv() {
  const d = saved.getOwnPropertyDescriptor(process, 'env');
  if (!d || !('value' in d))
    return;
  const env = d.value;
  const proxy = new Proxy(env, {
    get(target, key, receiver) {
      // JSON.stringify and await probe these; they are not environment variables being read.
      if (typeof key === 'string' && key !== 'toJSON' && key !== 'then' && !readOfEnumerated(key))
        capture(true, () => ['env.read', {name: key, via: 'process.env'}]);
      return Reflect.get(target, key);
    },
    has(target, key) {
      if (typeof key === 'string')
        capture(true, () => ['env.read', {name: key, via: 'process.env', how: 'in'}]);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      const how = enumerationHow();
      const values = !NAMES_ONLY.has(how);
      // Node copying the env for a child or a worker is not the package enumerating it; the
      // spawn/worker itself is recorded.
      capture(false, () => ['env.enumerate', {how, count: keys.length, values}],
              /^node:(child_process|internal\/child_process|internal\/worker|worker_threads)/);
      const names = keys.filter((k) => typeof k === 'string');
      pending = {keys: new Set(names), how, count: names.length, values, read: 0, reported: false};
      const mine = pending;
      queueMicrotask(() => { if (pending === mine) pending = null; });
      return keys;
    },
    getOwnPropertyDescriptor(target, key) {
      const desc = Reflect.getOwnPropertyDescriptor(target, key);
      // Proxy invariants: the env object's properties are configurable, so this is allowed.
      return desc;
    },
    set(target, key, value) { return Reflect.set(target, key, value); },
    deleteProperty(target, key) { return Reflect.deleteProperty(target, key); },
    defineProperty(target, key, desc) { return Reflect.defineProperty(target, key, desc); },
  });
  disguise(proxy, env);
  saved.defineProperty(process, 'env', {value: proxy, writable: d.writable, enumerable: d.enumerable,
                                        configurable: d.configurable});
}

// --- Dynamic code -----------------------------------------------------------------------------

function preview(code) {
  return {length: str(code).length, preview: truncate(str(code), PREVIEW)};
}

/// eval and new Function through V8's own debugger: wrapping eval would turn every direct eval
/// into an indirect one (a visible change of scope), so instead every script compiled from a
/// string is reported as it is parsed, synchronously, with the stack that compiled it.
function hookCompiledStrings() {
  let inspector;
  try {
    inspector = require('inspector');
  } catch {
    return;
  }
  const session = new inspector.Session();
  try {
    session.connect();
  } catch {
    return;  // another debugger owns this thread
  }
  session.on('Debugger.scriptParsed', (m) => {
    const p = m.params;
    // Modules, Node's internals and vm scripts have a URL; code made from strings has none.
    if (p.url || !p.stackTrace || !p.stackTrace.callFrames.length)
      return;
    const frames = p.stackTrace.callFrames;
    let who = null;
    for (const f of frames) {
      let file = f.url;
      if (file.startsWith('file://'))
        file = decodeURIComponent(file.slice(7));
      if (!file || file.startsWith('node:') || file.startsWith(core.RUNTIME_DIR))
        continue;
      who = core.attributionOf(file, f.lineNumber + 1);
      break;
    }
    if (!who)
      return;
    let source = '';
    core.guard(() => session.post('Debugger.getScriptSource', {scriptId: p.scriptId}, (err, r) => {
      if (!err && r)
        source = r.scriptSource;
    }));
    const isFunction = /^\((async )?function\*? anonymous\(/.test(source);
    core.emit(isFunction ? 'code.function' : 'code.eval', preview(source), who);
  });
  core.guard(() => {
    session.post('Debugger.enable');
    // A `debugger` statement or an exception must never pause the thread on our session.
    session.post('Debugger.setSkipAllPauses', {skip: true});
    session.post('Debugger.setBreakpointsActive', {active: false});
    session.post('Debugger.setAsyncCallStackDepth', {maxDepth: 1});
  });
}

function hookVm() {
  const vm = require('vm');
  for (const api of ['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction'])
    wrap(vm, api, (args) => capture(true, () => ['code.vm', {api: 'vm.' + api, ...preview(args[0])}]));
  wrap(vm, 'Script', (args) => capture(true, () => ['code.vm', {api: 'vm.Script', ...preview(args[0])}]));
}

function hookWasm() {
  if (typeof WebAssembly !== 'object')
    return;
  const bytes = (b) => {
    if (b && typeof b.byteLength === 'number')
      return b.byteLength;
    return 0;
  };
  for (const api of ['instantiate', 'compile', 'validate'])
    wrap(WebAssembly, api, (args) => capture(true, () => ['code.wasm', {api: 'WebAssembly.' + api, bytes: bytes(args[0])}]));
  wrap(WebAssembly, 'Module', (args) => capture(true, () => ['code.wasm', {api: 'WebAssembly.Module', bytes: bytes(args[0])}]));
}

// --- Processes ----------------------------------------------------------------------------------

function spawnAttrs(api, args) {
  const file = str(args[0]);
  let argv = Array.isArray(args[1]) ? args[1].map(str) : [];
  const opts = Array.isArray(args[1]) ? args[2] : args[1];
  let shell = false;
  if (api === 'exec' || api === 'execSync')
    shell = true;
  else if (opts && typeof opts === 'object' && opts.shell)
    shell = true;
  if (api === 'fork')
    argv = [file, ...argv];
  return {api: 'child_process.' + api, command: api === 'fork' ? '/usr/bin/node' : file, args: argv, shell};
}

function hookChildProcess() {
  const cp = require('child_process');
  for (const api of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'])
    wrap(cp, api, (args) => capture(true, () => ['process.spawn', spawnAttrs(api, args)]));
}

/// process.binding: recorded by name; 'spawn_sync' and 'process_wrap' hand out a view whose spawn
/// is recorded too (a native-free way to start processes past child_process).
function hookBinding() {
  const views = new Map();
  wrap(process, 'binding', (args) => capture(true, () => ['code.binding', {api: 'process.binding', name: str(args[0])}]),
       (result, args) => {
         const name = str(args[0]);
         if (name !== 'spawn_sync' || !result || typeof result.spawn !== 'function')
           return result;
         if (!views.has(name)) {
           const view = Object.create(Object.getPrototypeOf(result), Object.getOwnPropertyDescriptors(result));
           wrap(view, 'spawn', (a) => capture(true, () => {
             const o = a[0] || {};
             return ['process.spawn', {api: "process.binding('spawn_sync').spawn", command: str(o.file),
                                       args: Array.isArray(o.args) ? o.args.map(str) : [], shell: false}];
           }));
           views.set(name, view);
         }
         return views.get(name);
       });
}

// --- Network ------------------------------------------------------------------------------------

function hostPort(args, defaultPort) {
  const a = args[0];
  if (a && typeof a === 'object' && !(a instanceof URL))
    return {host: str(a.host || a.hostname || a.path || 'localhost'), port: Number(a.port || defaultPort) || 0};
  if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a)))
    return {host: str(args[1] || 'localhost'), port: Number(a)};
  return {host: str(a || 'localhost'), port: defaultPort};
}

function requestAttrs(api, protocol, args) {
  let u = null;
  let opts = {};
  if (typeof args[0] === 'string' || args[0] instanceof URL) {
    try {
      u = new URL(str(args[0]));
    } catch {}
    if (args[1] && typeof args[1] === 'object')
      opts = args[1];
  } else if (args[0] && typeof args[0] === 'object') {
    opts = args[0];
  }
  const defPort = protocol === 'https' ? 443 : 80;
  return {
    api, protocol,
    host: str(opts.hostname || opts.host || (u && u.hostname) || 'localhost').replace(/:\d+$/, ''),
    port: Number(opts.port || (u && u.port) || defPort) || defPort,
    method: str(opts.method || (api.endsWith('.get') ? 'GET' : 'GET')).toUpperCase(),
    path: truncate(str(opts.path || (u && u.pathname + u.search) || '/'), 1024),
  };
}

function hookNetwork() {
  const net = require('net');
  for (const api of ['connect', 'createConnection'])
    wrap(net, api, (args) => capture(true, () => ['network.call', {api: 'net.' + api, ...hostPort(args, 0), protocol: 'tcp'}]));
  wrap(net.Socket.prototype, 'connect', (args) => capture(true, () => {
    const a = Array.isArray(args[0]) ? args[0] : args;  // normalized form from net.connect
    return ['network.call', {api: 'net.Socket.connect', ...hostPort(a, 0), protocol: 'tcp'}];
  }));
  const tls = require('tls');
  wrap(tls, 'connect', (args) => capture(true, () => ['network.call', {api: 'tls.connect', ...hostPort(args, 443), protocol: 'tls'}]));
  for (const [mod, protocol] of [['http', 'http'], ['https', 'https']]) {
    const m = require(mod);
    for (const api of ['request', 'get'])
      wrap(m, api, (args) => capture(true, () => ['network.call', requestAttrs(mod + '.' + api, protocol, args)]));
  }
  const http2 = require('http2');
  wrap(http2, 'connect', (args) => capture(true, () => {
    const a = requestAttrs('http2.connect', 'https', args);
    return ['network.call', {...a, protocol: 'http2', method: '', path: ''}];
  }));
  const dns = require('dns');
  const dnsApis = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname',
                   'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveSoa', 'reverse'];
  // lookup(name, 6 | {family: 6}) asks for AAAA; resolve6 is AAAA too.
  const lookupType = (opt) => (opt === 6 || opt === 'IPv6' || (opt && typeof opt === 'object' && (opt.family === 6 || opt.family === 'IPv6'))
                               ? 'AAAA' : 'A');
  const typeOf = (api, args) => (api === 'resolve' && typeof args[1] === 'string' ? args[1]
                                 : api === 'lookup' ? lookupType(args[1]) : api === 'resolve6' ? 'AAAA'
                                 : api.replace(/^resolve/, '').toUpperCase() || 'A');
  for (const [obj, prefix] of [[dns, 'dns.'], [dns.promises, 'dns.promises.']])
    for (const api of dnsApis)
      wrap(obj, api, (args) => capture(true, () => ['network.dns', {api: prefix + api, name: str(args[0]),
                                                                     type: typeOf(api, args)}]));
  // Resolver objects (custom servers) carry the same methods on their prototypes.
  for (const [R, prefix] of [[dns.Resolver, 'dns.Resolver.'], [dns.promises.Resolver, 'dns.promises.Resolver.']])
    for (const api of dnsApis)
      if (R && Object.prototype.hasOwnProperty.call(R.prototype, api))
        wrap(R.prototype, api, (args) => capture(true, () => ['network.dns', {api: prefix + api, name: str(args[0]),
                                                                                type: typeOf(api, args)}]));
  const dgram = require('dgram');
  wrap(dgram.Socket.prototype, 'send', (args) => capture(true, () => {
    // send(msg, [offset, length,] port[, address][, callback])
    const nums = args.filter((a) => typeof a === 'number');
    const port = args.length > 3 && typeof args[3] === 'number' ? args[3] : nums[nums.length - 1] || 0;
    const host = args.find((a, i) => i > 0 && typeof a === 'string') || 'localhost';
    return ['network.call', {api: 'dgram.send', host, port, method: '', path: '', protocol: 'udp'}];
  }));
  if (typeof globalThis.fetch === 'function')
    wrap(globalThis, 'fetch', (args) => capture(true, () => {
      const input = args[0];
      const url = input && typeof input === 'object' && 'url' in input ? input.url : input;
      const a = requestAttrs('fetch', 'https', [str(url)]);
      const init = args[1] || {};
      a.protocol = str(url).startsWith('http:') ? 'http' : 'https';
      a.method = str(init.method || (input && input.method) || 'GET').toUpperCase();
      return ['network.call', a];
    }));
}

// --- Sensitive files ------------------------------------------------------------------------------

const SENSITIVE = [
  /^\/etc\//, /^\/root(\/|$)/, /^\/home\/[^/]+\/\./, /\/\.ssh(\/|$)/, /\/\.aws(\/|$)/, /\/\.npmrc$/, /\/\.yarnrc/,
  /\/\.gnupg(\/|$)/, /\/\.docker(\/|$)/, /\/\.kube(\/|$)/, /\/\.netrc$/, /\/\.git-credentials$/, /\/\.config\//,
  /\/\.bash_history$/, /\/\.zsh_history$/, /\/\.env$/, /^\/proc\/(self|\d+)\/(environ|cmdline|maps|mem)$/,
  /\/\.ethereum(\/|$)/, /\/\.electrum(\/|$)/, /\/\.bitcoin(\/|$)/, /\/id_(rsa|ed25519|ecdsa|dsa)/,
];

function sensitivePath(p) {
  let s;
  if (typeof p === 'string')
    s = p;
  else if (p instanceof URL)
    s = p.pathname;
  else if (Buffer.isBuffer(p))
    s = p.toString();
  else
    return null;
  s = path.resolve(s);
  for (const r of SENSITIVE)
    if (r.test(s))
      return s;
  return null;
}

function hookFs() {
  const fs = require('fs');
  const apis = ['readFile', 'readFileSync', 'open', 'openSync', 'createReadStream', 'createWriteStream', 'existsSync',
                'stat', 'statSync', 'lstat', 'lstatSync', 'access', 'accessSync', 'readdir', 'readdirSync', 'writeFile',
                'writeFileSync', 'appendFile', 'appendFileSync', 'copyFile', 'copyFileSync', 'unlink', 'unlinkSync',
                'opendir', 'opendirSync', 'realpathSync', 'chmod', 'chmodSync', 'rm', 'rmSync'];
  const record = (api) => (args) => {
    const path = sensitivePath(args[0]);
    if (path)
      capture(true, () => ['file.access', {api, path}]);
  };
  for (const api of apis)
    wrap(fs, api, record('fs.' + api));
  for (const api of ['readFile', 'open', 'access', 'stat', 'lstat', 'readdir', 'writeFile', 'appendFile', 'copyFile', 'opendir'])
    wrap(fs.promises, api, record('fs.promises.' + api));
}

function install() {
  hookEnv();
  hookCompiledStrings();
  hookVm();
  hookWasm();
  hookChildProcess();
  hookBinding();
  hookNetwork();
  hookFs();
}

module.exports = {install};
