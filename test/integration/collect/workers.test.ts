// `collect --workers N` (built CLI): parse threads change how fast files are read, never what is
// read. Every input below is collected with and without them; the learned edges (as JSON), the
// summary and the warnings on stderr, and the exit code must be the same.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, type CliResult } from '../../support/cli.js';
import { generateFlowLines } from '../../support/flow-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'flowpol-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ~5 MiB of generated traffic: several 1 MiB chunks, so lines are cut at chunk ends. */
const LINES = [...generateFlowLines({ seed: 21, flows: 3000, lostEvery: 700 })];
const BIG = join(dir, 'big.jsonl');
writeFileSync(BIG, `${LINES.join('\n')}\n`);
const BIG_GZ = join(dir, 'big.jsonl.gz');
writeFileSync(BIG_GZ, gzipSync(readFileSync(BIG)));
// Bad records between good ones, some on either side of a chunk end: invalid JSON, a bad field,
// a bad field on the last line of a chunk.
const DIRTY = join(dir, 'dirty.jsonl');
const dirty = [...LINES];
dirty.splice(5, 0, '{"flow": {"time": "not a time", "source": {}, "destination": {}}}');
dirty.splice(900, 0, '{"flow": {"time": "2024-01-01T00:00:00Z"', '{"flow":{"time":"2024-01-01T00:00:00Z","source":"nope","destination":{}}}');
writeFileSync(DIRTY, `${dirty.join('\n')}\n`);

let dbs = 0;
async function collectBoth(args: string[]): Promise<{ single: CliResult & { edges: string }; threaded: CliResult & { edges: string } }> {
  const run = async (workers: string[]) => {
    const db = join(dir, `${++dbs}.db`);
    const result = await runCli(['collect', ...args, '--db', db, ...workers]);
    const edges = result.code === 0 ? (await runCli(['edges', '--db', db, '-o', 'json'])).stdout : '';
    return { ...result, edges };
  };
  return { single: await run([]), threaded: await run(['--workers', '2']) };
}

describe('collect --workers', () => {
  it('learns the same from every JSON shape, the bundled recordings, many chunks, gzip and CRLF', async () => {
    writeFileSync(join(dir, 'crlf.jsonl'), `${LINES.slice(0, 1500).map((l) => `${l}\r\n`).join('')}`);
    const inputs = [join(REPO_ROOT, 'test/fixtures/json-shapes'), join(REPO_ROOT, 'recorded-flows'), BIG, BIG_GZ, join(dir, 'crlf.jsonl')];
    const { single, threaded } = await collectBoth(['--input-file', ...inputs]);
    expect(single.code, single.stderr).toBe(0);
    expect(threaded.stderr).toBe(single.stderr);
    expect(threaded.edges).toBe(single.edges);
    expect((JSON.parse(single.edges) as { edges: unknown[] }).edges.length).toBeGreaterThan(100);
  }, 60_000);

  it('skips and reports the same invalid records, at the same lines', async () => {
    const { single, threaded } = await collectBoth(['--input-file', DIRTY, '--skip-invalid']);
    expect(single.code).toBe(0);
    expect(single.stderr).toMatch(/dirty\.jsonl:6 \(flow\.time\)/);
    expect(single.stderr).toMatch(/dirty\.jsonl:902 \(flow\.source\)/);
    expect(single.stderr).toMatch(/invalid skipped 3/);
    expect(threaded.stderr).toBe(single.stderr);
    expect(threaded.edges).toBe(single.edges);
  }, 60_000);

  it('a run of 100,000 bad records (a thread hands over only a few per chunk) reads the same', async () => {
    const empties = join(dir, 'empties.jsonl');
    const bad = Array.from({ length: 100_000 }, () => '{}');
    writeFileSync(empties, `${[...LINES.slice(0, 1500), ...bad, ...LINES.slice(1500)].join('\n')}\n`);
    const { single, threaded } = await collectBoth(['--input-file', empties, '--skip-invalid']);
    expect(single.code).toBe(0);
    expect(single.stderr).toMatch(/invalid skipped 100000/);
    expect(threaded.stderr).toBe(single.stderr);
    expect(threaded.edges).toBe(single.edges);
  }, 60_000);

  it('stops at the same first invalid record without --skip-invalid', async () => {
    const { single, threaded } = await collectBoth(['--input-file', DIRTY]);
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/error.*dirty\.jsonl:6 \(flow\.time\)/);
    expect(threaded.code).toBe(1);
    expect(threaded.stderr).toBe(single.stderr);
  }, 60_000);

  it('reads stdin on the main thread, and explains a bad --workers', async () => {
    const db = join(dir, 'stdin.db');
    const piped = await runCli(['collect', '--input-file', '-', '--db', db, '--workers', '1'], { input: readFileSync(BIG) });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/flows read +2996/);
    const bad = await runCli(['collect', '--input-file', BIG, '--workers', 'two']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers.*must be auto or a whole number from 0 to 64/);
    const auto = await runCli(['collect', '--input-file', join(REPO_ROOT, 'test/fixtures/json-shapes'), '--db', join(dir, 'auto.db'), '--workers', 'auto']);
    expect(auto.code, auto.stderr).toBe(0);
    const live = await runCli(['collect', '--server', '127.0.0.1:1', '--workers', '1']);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(/--workers parses recorded files/);
    const liveDefault = await runCli(['collect', '--server', '127.0.0.1:1', '--workers', '0', '--db', join(dir, 'live.db')]);
    expect(liveDefault.stderr).not.toMatch(/--workers/); // 0 is the default: nothing to refuse (the server is not there)
  }, 60_000);

  it('a reader that stops early or fails closes its file, with or without threads, plain or gzip', async () => {
    const { ParsePool, readFlowFile } = (await import(join(REPO_ROOT, 'dist/index.js'))) as typeof import('../../../src/index.js');
    const pool = new ParsePool(2);
    // This process's descriptors open on `file` (not any descriptor: the test runner opens and closes its own meanwhile).
    const openOn = (file: string): number => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;
      }
    }).length;
    try {
      for (const file of [BIG, BIG_GZ]) {
        for (const options of [{ skipInvalid: false }, { skipInvalid: false, workers: pool }]) {
          for (let i = 0; i < 20; i++) {
            let n = 0;
            for await (const _ of readFlowFile(file, options)) if (++n === (i % 2 === 0 ? 3 : 2000)) break;
          }
          await new Promise((resolve) => setTimeout(resolve, 50)); // closes complete asynchronously
          expect(openOn(file), `${file} ${options.workers === undefined ? 'alone' : 'with threads'}`).toBe(0);
        }
      }
      // A read that fails on a bad record (a for-await loop then does not call return()).
      for (const options of [{ skipInvalid: false }, { skipInvalid: false, workers: pool }]) {
        for (let i = 0; i < 5; i++) await expect((async () => { for await (const _ of readFlowFile(DIRTY, options)); })()).rejects.toThrow(/dirty\.jsonl:6/);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(openOn(DIRTY), options.workers === undefined ? 'failed alone' : 'failed with threads').toBe(0);
      }
    } finally {
      await pool.close();
    }
  });

  it('the threads, once loaded, parse the chunks they have room for; the main thread the others and small files', async () => {
    const { ParsePool, readAhead } = (await import(join(REPO_ROOT, 'dist/collect/parse-pool.js'))) as typeof import('../../../src/collect/parse-pool.js');
    const { readBytes } = (await import(join(REPO_ROOT, 'dist/collect/byte-source.js'))) as typeof import('../../../src/collect/byte-source.js');
    const pool = new ParsePool(1);
    try {
      await pool.ready();
      const chunks: string[] = [];
      for await (const chunk of readAhead(readBytes(BIG, {}), pool)) chunks.push(chunk.lines === undefined ? 'main' : 'thread');
      expect(chunks.filter((c) => c === 'thread').length).toBeGreaterThanOrEqual(2);
      const small: string[] = [];
      for await (const chunk of readAhead(readBytes(join(REPO_ROOT, 'recorded-flows/hubble-otel__basic-sample-10-flows.jsonl'), {}), pool)) small.push(chunk.lines === undefined ? 'main' : 'thread');
      expect(small).toEqual(['main']);
    } finally {
      await pool.close();
    }
  });

  it('a parse thread that dies fails the read with an internal error; it does not hang', async () => {
    // The built pool (its thread runs dist/collect/parse-worker.js).
    const { ParsePool } = (await import(join(REPO_ROOT, 'dist/collect/parse-pool.js'))) as typeof import('../../../src/collect/parse-pool.js');
    const pool = new ParsePool(1);
    try {
      const line = `${LINES[0]}\n`;
      const parsed = await pool.parse(Buffer.from(line), 0, true);
      expect(parsed.bytes.toString()).toBe(line);
      expect(parsed.lines?.take(0)).toMatchObject({ kind: expect.stringMatching(/flow|lost/) });
      // Failure injection: end the thread behind the pool's back.
      await (pool as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]?.worker.terminate();
      await expect(pool.parse(Buffer.from(line), 0, true)).rejects.toThrow(/parse thread exited/);
    } finally {
      await pool.close();
    }
  });
});
