// hubble observe's flow selection flags (--pod, --from-pod, --to-pod, --verdict, --label,
// --from-label, --to-label) for `collect`, in both input modes: what they mean is
// src/collect/flow-selection.ts; here they become FlowFilter fields, checked at once.
import type { Command } from 'commander';
import { compileFilter } from '../collect/filter.js';
import { parseLabelSelector } from '../collect/label-selector.js';
import { UsageError } from '../errors.js';
import { OBSERVED_VERDICTS, type FlowFilter, type ObservedVerdict } from '../model.js';

export interface FlowSelectionFlags {
  pod: string[];
  fromPod: string[];
  toPod: string[];
  verdict: ObservedVerdict[];
  label: string[];
  fromLabel: string[];
  toLabel: string[];
}

/** Selectable verdicts (VERDICT_UNKNOWN is no verdict to ask for). */
const VERDICT_CHOICES = OBSERVED_VERDICTS.filter((v) => v !== 'VERDICT_UNKNOWN');

/** Repeatable, one value per occurrence (label selectors contain commas: `app=web,tier!=db`). */
const repeat = (value: string, previous: string[]): string[] => [...previous, value.trim()];

function verdict(value: string, previous: ObservedVerdict[]): ObservedVerdict[] {
  const name = value.trim().toUpperCase();
  const known = VERDICT_CHOICES.find((v) => v === name);
  if (known === undefined) throw new UsageError(`--verdict ${value}: expected one of ${VERDICT_CHOICES.join(', ')}`);
  return previous.includes(known) ? previous : [...previous, known];
}

/** Adds the selection flags; each is repeatable (values of one flag are OR, different flags AND). */
export function addFlowSelectionOptions(cmd: Command): Command {
  return cmd
    .option('--pod <pod>', 'flows from or to this pod: [namespace/]<pod-name-prefix>, namespace/ for every pod of it, /<prefix> in any namespace (no namespace: -n, else default)', repeat, [] as string[])
    .option('--from-pod <pod>', 'flows from this pod (same forms as --pod)', repeat, [] as string[])
    .option('--to-pod <pod>', 'flows to this pod (same forms as --pod)', repeat, [] as string[])
    .option('--verdict <verdict>', `flows with this observed verdict: ${VERDICT_CHOICES.join(', ')}`, verdict, [] as ObservedVerdict[])
    .option('--label <selector>', 'flows from or to an endpoint matching this label selector: key=value, source:key=value, key!=value, key, !key, key in (a,b), key notin (a,b); commas AND', repeat, [] as string[])
    .option('--from-label <selector>', 'flows from an endpoint matching this label selector', repeat, [] as string[])
    .option('--to-label <selector>', 'flows to an endpoint matching this label selector', repeat, [] as string[])
    .addHelpText(
      'after',
      `
Flow selection (hubble observe flags; sent to the server with --server, applied to files alike):
  flowpol collect --input-file flows.json --pod shop/               # every pod of namespace shop, either end
  flowpol collect --input-file flows.json --from-pod shop/web --to-pod payments/api
  flowpol collect --input-file flows.json -n shop --pod web         # shop/web* (pod name prefix)
  flowpol collect --input-file flows.json --verdict DROPPED --verdict AUDIT
  flowpol collect --server localhost:4245 --label app=web --verdict FORWARDED
  flowpol collect --server localhost:4245 --from-label 'k8s:app in (web,api)' --to-label '!team'
As in hubble: values of one flag are alternatives; --pod, --label and -n hold for the same end (a
flow is kept when its source, or its destination, matches all of them); --from-*/--to-* and
--verdict must hold as well. --pod/--label cannot be combined with --from-/--to- ones of the same
kind, nor -n with --from-pod/--to-pod, nor -n with a --pod of another namespace. With
--all-namespaces a pod name without a namespace means that pod in any namespace.`,
    );
}

/** The FlowFilter of a window, namespaces and the selection flags; UsageError on a bad selector or combination. */
export function flowFilterFrom(
  window: { since?: number; until?: number }, namespaces: string[], flags: FlowSelectionFlags & { allNamespaces?: boolean },
): FlowFilter {
  const some = <K extends string, V>(key: K, values: V[]) => (values.length === 0 ? {} : ({ [key]: values } as Record<K, V[]>));
  // As in hubble observe: with -A, a pod name without a namespace is that pod in any namespace.
  const pods = (values: string[]): string[] => (flags.allNamespaces === true ? values.map((p) => (p.includes('/') ? p : `/${p}`)) : values);
  const filter: FlowFilter = {
    ...window, namespaces,
    ...some('pods', pods(flags.pod)), ...some('fromPods', pods(flags.fromPod)), ...some('toPods', pods(flags.toPod)),
    ...some('verdicts', flags.verdict),
    ...some('labels', flags.label), ...some('fromLabels', flags.fromLabel), ...some('toLabels', flags.toLabel),
  };
  // Fail here, before any input is opened or server dialled, naming the flag.
  for (const [flag, selectors] of [['--label', flags.label], ['--from-label', flags.fromLabel], ['--to-label', flags.toLabel]] as const) {
    for (const s of selectors) parseLabelSelector(s, flag);
  }
  compileFilter(filter);
  return filter;
}
