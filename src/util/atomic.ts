// Atomic file writes: write to a temporary file beside the target (every byte: write(2) may write
// fewer than asked), fsync it, rename it over the target, fsync the directory. A reader sees the old
// file or the new one, never a torn one. A write the system refuses (disk full, quota, I/O error)
// removes the temporary file and is reported as `writing <target>: <what> (<CODE>)`.
//
// Fault hook for tests: `$VADAPTER_FAULT_ENOSPC=<text>` (or setWriteFault in-process) makes every
// write to a target whose path contains <text> fail as a full disk does: half of the bytes, then ENOSPC.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError, userError } from './errors.ts';

/** Called before each write(2) of a file being written atomically; true makes that write fail with ENOSPC. */
export type WriteFault = (target: string) => boolean;

let fault: WriteFault | null = faultFromEnv(process.env.VADAPTER_FAULT_ENOSPC);
let counter = 0;

function faultFromEnv(text: string | undefined): WriteFault | null {
  return text ? (target) => target.includes(text) : null;
}

/** Install (or, with null, remove) the fault hook; returns the previous one. */
export function setWriteFault(next: WriteFault | null): WriteFault | null {
  const previous = fault;
  fault = next;
  return previous;
}

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}-${counter++}`);
}

/** fsync a file, or a directory (so that a rename or creation inside it survives a power cut). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write `data` to `target` atomically (creating parent directories). */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  writeChunksAtomic(target, [typeof data === 'string' ? Buffer.from(data) : data]);
}

/** Write the concatenation of `chunks` to `target` atomically, without joining them in memory. */
export function writeChunksAtomic(target: string, chunks: Iterable<Uint8Array>): void {
  const tmp = tempPathFor(target);
  commit(target, tmp, () => {
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      for (const chunk of chunks) writeAll(fd, chunk, target);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

/** Run `produce` (which writes and fsyncs `tmp`), rename `tmp` over `target`, fsync the directory; on failure remove `tmp`. */
function commit(target: string, tmp: string, produce: () => void): void {
  try {
    produce();
    renameSync(tmp, target);
    fsyncPath(dirname(target));
  } catch (err) {
    if (existsSync(tmp)) rmSync(tmp);
    throw writeFailure(target, err);
  }
}

function writeAll(fd: number, chunk: Uint8Array, target: string): void {
  for (let done = 0; done < chunk.byteLength; ) {
    if (fault?.(target)) {
      writeSync(fd, chunk, done, (chunk.byteLength - done) >> 1);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    done += writeSync(fd, chunk, done, chunk.byteLength - done);
  }
}

/** A system error (it has an errno code) as a UserError naming the target; anything else unchanged. */
function writeFailure(target: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (err instanceof UserError || typeof code !== 'string') return err;
  const message = (err as Error).message;
  const what = message.startsWith(`${code}: `) ? message.slice(code.length + 2).replace(/, \w+( '.*')?$/, '') : message;
  return userError('write_failed', `writing ${target}: ${what} (${code})`);
}
