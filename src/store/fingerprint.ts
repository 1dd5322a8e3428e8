// Recognises a file that was already ingested, whatever its path, without reading all of it:
// `v1:<size>:<sha256 of the first MiB>:<sha256 of the last MiB>` of the raw bytes (compressed
// bytes for .gz). Files up to 2 MiB are therefore hashed whole. A file rewritten in the middle
// with the same size and ends would be taken for the same: the accepted cost of not hashing
// gigabytes twice. A file that grew (a live exporter log) is told apart by `fingerprintPrefix`:
// its first `size` bytes fingerprint as the file did when it had that size. An empty file has no
// fingerprint: all empty files are alike, and none of them is "already ingested".
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

const MIB = 1024 * 1024;

export interface FileFingerprint { size: number; fingerprint?: string }

export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return size === 0 ? { size } : { size, fingerprint: await fingerprintOf(handle, size) };
  } finally {
    await handle.close();
  }
}

/** The fingerprint the file had when it held only its first `size` bytes (undefined: it is shorter). */
export async function fingerprintPrefix(path: string, size: number): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    return size > 0 && (await handle.stat()).size >= size ? await fingerprintOf(handle, size) : undefined;
  } finally {
    await handle.close();
  }
}

async function fingerprintOf(handle: FileHandle, size: number): Promise<string> {
  const head = await hashRange(handle, 0, Math.min(size, MIB));
  const tail = await hashRange(handle, Math.max(0, size - MIB), Math.min(size, MIB));
  return `v1:${size}:${head}:${tail}`;
}

async function hashRange(handle: FileHandle, position: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return createHash('sha256').update(buffer.subarray(0, done)).digest('hex');
}
