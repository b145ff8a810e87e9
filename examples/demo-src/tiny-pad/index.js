'use strict';
function padStart(str, len, ch = ' ') {
  str = String(str);
  while (str.length < len) str = ch + str;
  return str;
}
function padEnd(str, len, ch = ' ') {
  str = String(str);
  while (str.length < len) str = str + ch;
  return str;
}
module.exports = { padStart, padEnd };
