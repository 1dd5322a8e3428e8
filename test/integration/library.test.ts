// The package as a library: what `import 'flowpol'` resolves to (package.json "main", the built
// dist/index.js; run `npm run build` first), in a fresh Node process as a user's program would
// load it. Importing it must not load @kubernetes/client-node (~80 MB and ~1 s: it is loaded on
// first use of a live cluster only), and its functions reproduce the CLI's output.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useSeedDb } from './report/seed-db.js';

const MAIN = join(REPO_ROOT, (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string }).main);
// A resolve hook that appends every specifier the program's imports ask for to the file
// process.env.FLOWPOL_TRACE names (synchronously: hooks run on their own thread).
const HOOK = "import { appendFileSync } from 'node:fs'; export async function resolve(s, c, next) { appendFileSync(process.env.FLOWPOL_TRACE, s + '\\n'); return next(s, c); }";

/** Runs an ES module program that has the package as `lib`; `trace`: a file for the resolve hook to write. */
async function runProgram(body: string, trace?: string): Promise<string> {
  const hook = trace !== undefined ? `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
` : '';
  const program = `${hook}const lib = await import(${JSON.stringify(MAIN)});
${body}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', program], {
    maxBuffer: 64 << 20, env: { ...process.env, FLOWPOL_TRACE: trace ?? '' },
  });
  return stdout;
}

describe('the library entry point', () => {
  const seed = useSeedDb('flowpol-library-');

  it('loads without the Kubernetes client, which a live cluster loads on first use', async () => {
    const trace = join(seed.dir, 'resolved.txt');
    const out = await runProgram("console.log('exports ' + Object.keys(lib).length);", trace);
    const resolved = readFileSync(trace, 'utf8').split('\n');
    expect(resolved.some((l) => l.includes('better-sqlite3'))).toBe(true); // the hook does see the imports
    expect(resolved.filter((l) => l.includes('@kubernetes/client-node'))).toEqual([]);
    expect(out).toMatch(/^exports \d+$/m);
  });

  it('generates what `flowpol generate` writes, from the same database', async () => {
    const out = await runProgram(`
const db = lib.openDatabase(${JSON.stringify(seed.db)}, { readonly: true });
const set = lib.generate(db, lib.DEFAULT_GENERATE_OPTIONS);
db.close();
process.stdout.write(lib.renderManifests(set, lib.DEFAULT_GENERATE_OPTIONS, 'yaml'));`);
    const cli = await runCli(['generate', '--db', seed.db, '--offline']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(out).toBe(cli.stdout);
  });
});
