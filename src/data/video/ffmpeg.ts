// Which ffmpeg decodes videos: $VADAPTER_FFMPEG when set, else the binary that the optional npm
// package @ffmpeg-installer/ffmpeg brings with `npm ci`, else `ffmpeg` on the PATH. `vadapter doctor`
// reports the choice; an import with none found is a clear error saying how to get one.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { userError } from '../../util/errors.ts';

export const FFMPEG_ENV = 'VADAPTER_FFMPEG';
const NPM_PACKAGE = '@ffmpeg-installer/ffmpeg';

export interface FfmpegBinary {
  path: string;
  source: 'env' | 'npm' | 'system';
  version: string; // the first line of `ffmpeg -version`
}

function versionOf(path: string): string | undefined {
  const r = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0].trim();
}

function npmBinary(): string | undefined {
  try {
    const path = (createRequire(import.meta.url)(NPM_PACKAGE) as { path: string }).path;
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined; // not installed (it is optional), no binary for this platform, or not executable
  }
}

let found: FfmpegBinary | null | undefined;

/** The ffmpeg to use, or null when there is none. */
export function findFfmpeg(): FfmpegBinary | null {
  if (found !== undefined) return found;
  const env = process.env[FFMPEG_ENV];
  const candidates: [string | undefined, FfmpegBinary['source']][] = env ? [[env, 'env']] : [[npmBinary(), 'npm'], ['ffmpeg', 'system']];
  found = null;
  for (const [path, source] of candidates) {
    const version = path ? versionOf(path) : undefined;
    if (path && version) {
      found = { path, source, version };
      break;
    }
  }
  return found;
}

export const FFMPEG_HINT = `run npm ci (it installs ${NPM_PACKAGE}), install the system's ffmpeg (apt-get install ffmpeg), or set ${FFMPEG_ENV} to an ffmpeg binary`;

/** The ffmpeg to use; none is a user error saying how to get one. */
export function requireFfmpeg(): FfmpegBinary {
  const f = findFfmpeg();
  if (f) return f;
  const env = process.env[FFMPEG_ENV];
  throw userError('no_ffmpeg', env ? `${FFMPEG_ENV}=${env} does not run as ffmpeg (\`${env} -version\` failed)` : `no ffmpeg found to decode videos: ${FFMPEG_HINT}`);
}
