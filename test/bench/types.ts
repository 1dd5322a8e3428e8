// What every bench module returns; index.ts prints them as one table.
export interface BenchMetric {
  label: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 85% of ceiling". */
  target?: string;
  /** Whether the value meets the target (undefined: informative only). */
  ok?: boolean;
}

export interface BenchResult { name: string; metrics: BenchMetric[]; notes: string[] }

export interface BenchModule { run(): Promise<BenchResult> }
