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
    if (!fs.fstatSync(fd).isFile()) return undefined;
    return fs.readFileSync(fd);
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
 * architecture) names the entry, so a run finds it without hashing the bundle: any write to the
 * bundle changes its ctime, which no user can set, and so the name (npm gives every installed file
 * the same mtime, never the same ctime).
 */
const MAGIC = 'flashcut-cache-1\n';

/** The signature and code of a cache file's bytes, or undefined when they are not one. */
function parseCache(bytes) {
  if (bytes === undefined || bytes.length < MAGIC.length + 4 || bytes.latin1Slice(0, MAGIC.length) !== MAGIC) return undefined;
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + length;
  if (start > bytes.length) return undefined;
  return { signature: bytes.latin1Slice(MAGIC.length + 4, start), code: bytes.subarray(start) };
}

/**
 * The cache file of the bundle with `signature`: named after the signature itself, so that a run
 * opens one file (looking through every entry's header cost 11 M instructions with 55 entries, a
 * fifth of the bundle's own start-up). The signature is checked again inside (parseCache).
 */
function entryFile(folder, signature) {
  return path.join(folder, `${fileSafe(signature)}.v8cache`);
}

function fileSafe(text) {
  return text.replace(/[^0-9A-Za-z.]/g, '-');
}

/**
 * Removes the entries of earlier versions of the same file for the same Node (same device, inode,
 * Node version and architecture, another size or time), which can never match again, so that the
 * folder does not grow with every build.
 */
function removeOlderEntries(folder, signature, file) {
  const [dev, ino, , , , version, arch] = signature.split(':');
  const head = fileSafe(`${dev}:${ino}:`);
  const tail = `${fileSafe(`:${version}:${arch}`)}.v8cache`;
  try {
    for (const name of fs.readdirSync(folder)) {
      const old = path.join(folder, name);
      if (name.startsWith(head) && name.endsWith(tail) && old !== file) fs.rmSync(old, { force: true });
    }
  } catch {
    // Only tidying: a folder that cannot be read keeps its entries.
  }
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
    // The bundle is ASCII (esbuild --charset=ascii): latin1 gives the same text without UTF-8 decoding.
    source = fs.readFileSync(fd, 'latin1');
  } finally {
    fs.closeSync(fd);
  }
  const cacheFile = entryFile(folder, signature);
  const cached = parseCache(readCache(cacheFile));
  const code = cached?.signature === signature ? cached.code : undefined;
  const script = new (require('node:vm').Script)(Module.wrap(source), { filename: file, cachedData: code });
  const module = { exports: {} };
  if (code === undefined || script.cachedDataRejected) {
    // Made at exit, so that the cache holds the functions this run compiled too.
    process.once('exit', () => {
      const header = Buffer.alloc(MAGIC.length + 4);
      header.latin1Write(MAGIC, 0);
      header.writeUInt32LE(Buffer.byteLength(signature, 'latin1'), MAGIC.length);
      writeCache(cacheFile, Buffer.concat([header, Buffer.from(signature, 'latin1'), script.createCachedData()]));
      removeOlderEntries(folder, signature, cacheFile);
    });
  }
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

module.exports = { load };
