'use strict';
// Loads the bundled CLI through V8's code cache, kept in the temporary folder: start-up then
// skips most of parsing and compiling the bundle. Node 22 has this built in
// (module.enableCompileCache); this does the same on Node 20. A missing, stale or unwritable
// cache only costs the time it would have saved.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/** Runs the CommonJS module at `file` with a code cache; returns its exports. */
module.exports = function loadWithCodeCache(file) {
  const source = fs.readFileSync(file, 'utf8');
  const stat = fs.statSync(file);
  const key = `${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}`;
  const cacheFile = path.join(os.tmpdir(), 'flashcut-compile-cache', `${path.basename(file)}-${key}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const exported = { exports: {} };
  script.runInThisContext().call(exported.exports, exported.exports, Module.createRequire(file), exported, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    // Made at exit, so that the cache holds the functions this run compiled too.
    process.once('exit', () => {
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
      } catch {
        // A read-only or full temporary folder: run without a cache.
      }
    });
  }
  return exported.exports;
};
