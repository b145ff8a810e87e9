'use strict';
const { padStart } = require('tiny-pad');
module.exports = function stamp(d = new Date()) {
  return `${d.getUTCFullYear()}-${padStart(d.getUTCMonth() + 1, 2, '0')}-${padStart(d.getUTCDate(), 2, '0')}`;
};
