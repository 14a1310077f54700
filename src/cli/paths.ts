import { relative } from 'node:path';

/** `path` relative to the working folder when that is shorter, for messages and the summary. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && rel.length < path.length ? rel : path;
}
