'use strict';
module.exports = () => Object.keys(process.env).length;
