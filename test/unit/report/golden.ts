// Golden files for the report's rendered output (test/golden/report/): compared byte for byte;
// UPDATE_GOLDEN=1 rewrites them (review the diff with git before committing).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPORT_GOLDEN = fileURLToPath(new URL('../../golden/report/', import.meta.url));

export function matchesGolden(name: string, actual: string): void {
  const file = join(REPORT_GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(REPORT_GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  } else if (!existsSync(file)) {
    throw new Error(`missing golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/unit/report test/integration/report`);
  }
  expect(actual, name).toBe(readFileSync(file, 'utf8'));
}
