'use strict';
// What a consumer can load from a package: every `exports` subpath (pattern subpaths expanded
// against the package's files, bounded), else `main`/"."; and its bins. Shared by the import
// and api phase drivers.
const fs = require('fs');
const path = require('path');

const MAX_PATTERN_FILES = 20;

function readManifest(pkgDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

function listFiles(dir, limit) {
  const out = [];
  const walk = (rel) => {
    if (out.length >= limit * 20) return;
    let entries;
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk('');
  return out;
}

// A target a pattern subpath maps to: the first string found under its conditions.
function firstTarget(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = firstTarget(v);
      if (t) return t;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const t = firstTarget(v);
      if (t) return t;
    }
  }
  return null;
}

// "./features/*" -> "./src/features/*.js": each file matching the target gives one subpath.
function expandPattern(pkgDir, subpath, value, files) {
  const target = firstTarget(value);
  if (!target || !target.startsWith('./') || target.split('*').length !== 2) return [];
  const [pre, post] = target.slice(2).split('*');
  const [spre, spost] = subpath.split('*');
  const out = [];
  for (const f of files) {
    if (out.length >= MAX_PATTERN_FILES) break;
    if (f.length < pre.length + post.length || !f.startsWith(pre) || !f.endsWith(post)) continue;
    const star = f.slice(pre.length, f.length - post.length);
    if (!star) continue;
    out.push(spre + star + spost);
  }
  return out;
}

function subpaths(pkgDir, manifest) {
  const exp = manifest.exports;
  if (exp === undefined || exp === null) return ['.'];
  if (typeof exp === 'string' || Array.isArray(exp)) return ['.'];
  const keys = Object.keys(exp);
  if (!keys.some((k) => k.startsWith('.'))) return ['.'];  // a conditions object for "."
  const out = [];
  let files = null;
  for (const key of keys) {
    if (!key.startsWith('.') || exp[key] === null) continue;  // null: deliberately not exported
    if (key.includes('*')) {
      files = files || listFiles(pkgDir, MAX_PATTERN_FILES);
      out.push(...expandPattern(pkgDir, key, exp[key], files));
    } else if (!key.endsWith('/')) {
      out.push(key);
    }
  }
  return out;
}

function entryPoints(pkgDir, name, manifest) {
  return subpaths(pkgDir, manifest).map((sub) => ({
    subpath: sub,
    specifier: sub === '.' ? name : name + sub.slice(1),
  }));
}

function bins(name, manifest) {
  if (typeof manifest.bin === 'string') return [name.replace(/^@[^/]+\//, '')];
  if (manifest.bin && typeof manifest.bin === 'object') return Object.keys(manifest.bin).map((b) => b.split('/').pop());
  return [];
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { timeout: true })), ms);
      timer.unref?.();
    }),
  ]);
}

const errorText = (e) => String((e && (e.code ? `${e.code}: ` : '') + (e.message ?? e)) || e).slice(0, 300);

module.exports = { readManifest, entryPoints, bins, withTimeout, errorText };
