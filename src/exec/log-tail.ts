// The last lines of a log file, for failure reports (reads at most the last 64 KiB).
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

export function tailLines(path: string, lines = 20): string[] {
  if (!existsSync(path)) return [];
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8').split('\n').filter((l) => l.length > 0).slice(-lines);
  } finally {
    closeSync(fd);
  }
}
