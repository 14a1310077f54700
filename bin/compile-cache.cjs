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

/** The cache file's bytes (its first `most` bytes when given), or undefined; never follows a symlink. */
function readCache(file, most) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    if (!fs.fstatSync(fd).isFile()) return undefined;
    if (most === undefined) return fs.readFileSync(fd);
    const head = Buffer.alloc(most);
    return head.subarray(0, fs.readSync(fd, head, 0, most, 0));
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

/**
 * A cache file: MAGIC, the length of the bundle's signature (4 bytes), the signature, then
 * V8's code cache. The signature (device, inode, size, mtime and ctime in ns, Node version,
 * architecture) lets a later run find its entry without hashing the bundle: any write to the
 * bundle changes its ctime, which no user can set.
 */
const MAGIC = 'flashcut-cache-1\n';

/** Room for a cache file's header: its magic, length and signature. */
const HEADER_ROOM = 256;

/** The signature and code of a cache file's bytes (or of its first bytes), or undefined when they are not one. */
function parseCache(bytes) {
  if (bytes === undefined || bytes.length < MAGIC.length + 4 || bytes.latin1Slice(0, MAGIC.length) !== MAGIC) return undefined;
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + length;
  if (start > bytes.length) return undefined;
  return { signature: bytes.latin1Slice(MAGIC.length + 4, start), code: bytes.subarray(start) };
}

/** The cache entry made for the bundle with `signature`, if one is in the folder. */
function entryWithSignature(folder, signature) {
  let names;
  try {
    names = fs.readdirSync(folder);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!/^[0-9a-f]{64}\.v8cache$/.test(name)) continue;
    const file = path.join(folder, name);
    if (parseCache(readCache(file, HEADER_ROOM))?.signature !== signature) continue;
    const code = parseCache(readCache(file))?.code;
    if (code !== undefined) return { file, code };
  }
  return undefined;
}

/** Runs the CommonJS module at `file` (the bundle runs the command line when loaded) with cached compiled code. */
function load(file) {
  const folder = privateFolder();
  if (folder !== undefined && typeof Module.enableCompileCache === 'function') Module.enableCompileCache(folder);
  if (folder === undefined || typeof Module.enableCompileCache === 'function') return require(file);

  // The signature from the open file whose bytes are compiled, so that both are of one version.
  const fd = fs.openSync(file, 'r');
  let source;
  let signature;
  try {
    const stat = fs.fstatSync(fd, { bigint: true });
    signature = [stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs, process.version, process.arch].join(':');
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  let entry = entryWithSignature(folder, signature);
  let stale = false;
  if (entry === undefined) {
    // Named by content: an update (npm gives every file the same mtime) never meets an old cache.
    // node:crypto only here (a bundle not seen before): Node 22.8+ runs never load it.
    const key = require('node:crypto').createHash('sha256').update(`${process.version}\0${process.arch}\0`).update(source).digest('hex');
    const cacheFile = path.join(folder, `${key}.v8cache`);
    entry = { file: cacheFile, code: parseCache(readCache(cacheFile))?.code };
    stale = true;
  }
  const script = new (require('node:vm').Script)(Module.wrap(source), { filename: file, cachedData: entry.code });
  const module = { exports: {} };
  if (stale || entry.code === undefined || script.cachedDataRejected) {
    const { file: cacheFile } = entry;
    // Made at exit, so that the cache holds the functions this run compiled too.
    process.once('exit', () => {
      const header = Buffer.alloc(MAGIC.length + 4);
      header.latin1Write(MAGIC, 0);
      header.writeUInt32LE(Buffer.byteLength(signature, 'latin1'), MAGIC.length);
      writeCache(cacheFile, Buffer.concat([header, Buffer.from(signature, 'latin1'), script.createCachedData()]));
    });
  }
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

module.exports = { load };
