'use strict';
// The Node floor of the benchmark: `node node-floor.cjs SOURCE TARGET` copies SOURCE (a file
// holding the bytes flashcut writes) to TARGET the way flashcut writes a file: read in 1 MiB
// pieces, written to a new temporary file beside TARGET, renamed over it. No conversion: what is
// left is Node's start-up and the I/O, which flashcut cannot go below.
const fs = require('node:fs');
const path = require('node:path');

const [source, target] = process.argv.slice(2);
const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.floor-tmp`);
const piece = Buffer.allocUnsafe(1 << 20);
const input = fs.openSync(source, 'r');
const output = fs.openSync(temporary, 'wx');
for (let at = 0; ; ) {
  const read = fs.readSync(input, piece, 0, piece.length, at);
  if (read === 0) break;
  for (let done = 0; done < read; ) done += fs.writeSync(output, piece, done, read - done);
  at += read;
}
fs.closeSync(output);
fs.closeSync(input);
fs.renameSync(temporary, target);
