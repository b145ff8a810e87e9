'use strict';
const { padEnd } = require('tiny-pad');
const codes = { red: 31, green: 32, yellow: 33, blue: 34 };
const colors = {};
for (const [name, code] of Object.entries(codes))
  colors[name] = (s) => `\u001b[${code}m${s}\u001b[39m`;
colors.column = (s, width) => padEnd(s, width);
module.exports = colors;
