import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ReplayError } from './errors.js';

/** One line of a decision log, with where it came from (1-based line number). */
export interface LogLine {
  file: string;
  line: number;
  text: string;
}

/** A file that stopped being readable part-way (a truncated or corrupt gzip stream, an I/O error). */
export interface BrokenFile {
  file: string;
  /** The last line read whole before the failure. */
  afterLine: number;
  message: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts with gzip's magic bytes; rotated files may be gzipped by any tool under any name. */
function isGzipped(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks up front that every file exists and is a regular file, so a typo fails the run before
 * any work rather than after minutes of replay.
 *
 * @throws ReplayError `replay_log_unreadable` naming the file
 */
export function checkLogFiles(files: readonly string[]): void {
  for (const file of files) {
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (e) {
      throw new ReplayError('replay_log_unreadable', `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { cause: e });
    }
    if (!isFile) throw new ReplayError('replay_log_unreadable', `${file}: not a file (give the log files themselves, rotated ones included)`);
  }
}

/**
 * The lines of `files` in the order given, plain or gzipped (told by magic bytes, not by name),
 * streamed so a large log is never held in memory. A file that breaks part-way is reported to
 * `onBroken` and the next file is read: a corrupt rotation never ends the run.
 */
export async function* logLines(files: readonly string[], onBroken: (broken: BrokenFile) => void): AsyncGenerator<LogLine> {
  for (const file of files) {
    let line = 0;
    let stream: Readable;
    try {
      const raw = createReadStream(file);
      stream = isGzipped(file) ? raw.pipe(createGunzip()) : raw;
      // pipe() does not forward the source's errors to the gunzip stream.
      if (stream !== raw) raw.on('error', (e) => stream.destroy(e));
    } catch (e) {
      onBroken({ file, afterLine: 0, message: (e as Error).message });
      continue;
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        line++;
        yield { file, line, text };
      }
    } catch (e) {
      onBroken({ file, afterLine: line, message: (e as Error).message });
    } finally {
      lines.close();
      stream.destroy();
    }
  }
}
