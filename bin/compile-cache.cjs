'use strict';
// Start-up: compiling the 360 KB command-line bundle is a good part of a short run, so compiled
// code is cached. Node 22.8+ does it itself (module.enableCompileCache); on older Nodes V8's code
// cache is kept here. Either way the cache lives in a folder that only this user can write: bytecode
// from a shared folder would run as whoever starts flashcut next, root included.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

/**
 * `<tmpdir>/flashcut-cache-<uid>`, created 0700; undefined unless it is a real folder (not a
 * symlink) owned by this user and closed to others. One that someone else made first means no cache.
 */
function privateFolder() {
  const uid = process.getuid?.();
  // Windows has no uid, and its temporary folder is the user's own.
  const folder = path.join(os.tmpdir(), uid === undefined ? 'flashcut-cache' : `flashcut-cache-${uid}`);
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if (error.code !== 'EEXIST') return undefined;
  }
  try {
    const stat = fs.lstatSync(folder);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) return undefined;
  } catch {
    return undefined;
  }
  return folder;
}

/** The cache file's bytes, or undefined; never follows a symlink. */
function readCache(file) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    return fs.fstatSync(fd).isFile() ? fs.readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes beside the cache file (O_EXCL, 0600), then renames over it: readers never see half a cache. */
function writeCache(file, bytes) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, bytes, { flag: 'wx', mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

/** Runs the CommonJS module at `file` (the bundle runs the command line when loaded) with cached compiled code. */
function load(file) {
  const folder = privateFolder();
  if (folder !== undefined && typeof Module.enableCompileCache === 'function') Module.enableCompileCache(folder);
  if (folder === undefined || typeof Module.enableCompileCache === 'function') return require(file);

  const source = fs.readFileSync(file, 'utf8');
  // Named by content: an update (npm gives every file the same mtime) never meets an old cache.
  // node:crypto only here: Node 22.8+ runs never load it.
  const key = require('node:crypto').createHash('sha256').update(`${process.version}\0${process.arch}\0`).update(source).digest('hex');
  const cacheFile = path.join(folder, `${key}.v8cache`);
  const cachedData = readCache(cacheFile);
  const script = new (require('node:vm').Script)(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  if (cachedData === undefined || script.cachedDataRejected) {
    // Made at exit, so that the cache holds the functions this run compiled too.
    process.once('exit', () => writeCache(cacheFile, script.createCachedData()));
  }
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

module.exports = { load };
