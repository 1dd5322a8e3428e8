// Recognises a file that was already ingested, whatever its path, without reading all of it:
// `v1:<size>:<sha256 of the first MiB>:<sha256 of the last MiB>` of the raw bytes (compressed
// bytes for .gz). Files up to 2 MiB are therefore hashed whole. A file that grew (a live
// exporter log) or was rewritten in the middle with the same size and ends would be taken for
// new, resp. the same — the first is intended, the second is the accepted cost of not hashing
// gigabytes twice.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

const MIB = 1024 * 1024;

export interface FileFingerprint { size: number; fingerprint: string }

export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = await hashRange(handle, 0, Math.min(size, MIB));
    const tail = await hashRange(handle, Math.max(0, size - MIB), Math.min(size, MIB));
    return { size, fingerprint: `v1:${size}:${head}:${tail}` };
  } finally {
    await handle.close();
  }
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
