// The few HTTP steps of start-registry.sh, in Node because Node is certain to be here (Verdaccio needs it)
// and the curl binary is not. Only ever talks to the 127.0.0.1 registry it is given.
//   node registry-http.js free-port                  prints a port free on 127.0.0.1 now
//   node registry-http.js wait URL SECONDS PID       waits until URL/-/ping answers 200; fails if PID dies
//   node registry-http.js add-user URL NAME PASSWORD creates the user, prints its token
'use strict';
const fs = require('fs');
const http = require('http');
const net = require('net');

function fail(message) {
  process.stderr.write(`registry-http.js: ${message}\n`);
  process.exit(1);
}

function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = data ? { 'content-type': 'application/json', 'content-length': data.length } : {};
    const req = http.request(url, { method, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${method} ${url}`)));
    req.on('error', reject);
    req.end(data);
  });
}

// Alive unless gone or a zombie (kill(pid, 0) would also succeed on a zombie).
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitForPing(base, seconds, pid) {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive(pid)) fail(`verdaccio (pid ${pid}) exited before answering on ${base}`);
    try {
      const res = await request('GET', new URL('-/ping', base));
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`verdaccio did not answer on ${base} within ${seconds}s (last: ${last})`);
}

async function addUser(base, name, password) {
  const url = new URL(`-/user/org.couchdb.user:${encodeURIComponent(name)}`, base);
  const res = await request('PUT', url, { name, password, type: 'user', roles: [] });
  let token;
  try {
    token = JSON.parse(res.text).token;
  } catch {
    token = undefined;
  }
  if (res.status !== 201 || !token) fail(`PUT ${url} gave HTTP ${res.status}: ${res.text}`);
  process.stdout.write(`${token}\n`);
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'free-port') {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(`${server.address().port}\n`);
      server.close();
    });
  } else if (cmd === 'wait' && args.length === 3) {
    await waitForPing(args[0], Number(args[1]), Number(args[2]));
  } else if (cmd === 'add-user' && args.length === 3) {
    await addUser(args[0], args[1], args[2]);
  } else {
    fail(`bad arguments: ${process.argv.slice(2).join(' ')}`);
  }
}

main().catch((err) => fail(err.message));
