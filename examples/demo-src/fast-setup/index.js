'use strict';
module.exports = require('date-stamp');
