// Inventory snapshots: `flowpol inventory -o yaml|json` writes one, `--inventory FILE` reads it.
// Versioned (`apiVersion: flowpol.io/v1alpha1`, `kind: FlowpolInventory`); field names follow the
// `check` world format (namespaces, pods with `ports`, externals, policies), so a snapshot is a
// World. Both YAML and JSON are parsed by the yaml package, which gives lines for errors.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { lineOfPath } from '../policy/yaml-lines.js';
import { InputError } from '../errors.js';
import type { Inventory, InventoryPod, InventoryWorkload } from '../model.js';
import { inventoryFromDocument } from './inventory-validate.js';
import type { FieldPath } from './inventory-validate.js';

const INVENTORY_API_VERSION = 'flowpol.io/v1alpha1';
const INVENTORY_KIND = 'FlowpolInventory';

export const INVENTORY_FORMATS = ['yaml', 'json'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

function podDocument(p: InventoryPod): Record<string, unknown> {
  return {
    namespace: p.namespace,
    name: p.name,
    labels: p.labels,
    ...(p.ip === undefined ? {} : { ip: p.ip }),
    ips: p.ips,
    ports: p.ports.map((c) => ({ ...(c.name === undefined ? {} : { name: c.name }), port: c.port, protocol: c.protocol })),
    hostNetwork: p.hostNetwork,
    ...(p.owner === undefined ? {} : { owner: p.owner }),
    ...(p.ownerChain === undefined ? {} : { ownerChain: p.ownerChain }),
    ...(p.nodeName === undefined ? {} : { nodeName: p.nodeName }),
    ...(p.phase === undefined ? {} : { phase: p.phase }),
  };
}

function workloadDocument(w: InventoryWorkload): Record<string, unknown> {
  return { namespace: w.namespace, kind: w.kind, name: w.name, selector: w.selector, selectorSource: w.selectorSource };
}

/** The snapshot as a plain object, keys in a fixed order. */
function inventoryDocument(inv: Inventory): Record<string, unknown> {
  return {
    apiVersion: INVENTORY_API_VERSION,
    kind: INVENTORY_KIND,
    source: inv.source,
    namespaces: inv.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
    pods: inv.pods.map(podDocument),
    workloads: inv.workloads.map(workloadDocument),
    externals: inv.externals.map((e) => ({ name: e.name, ip: e.ip })),
    policies: inv.policies,
  };
}

/** Render a snapshot; byte-for-byte deterministic for the same inventory. */
export function renderInventory(inv: Inventory, format: InventoryFormat): string {
  const doc = inventoryDocument(inv);
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  return `# flowpol inventory snapshot: use it with --inventory FILE instead of a live cluster\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** Parse snapshot text (YAML or JSON); `file` names it in errors. */
export function parseInventory(text: string, file: string): Inventory {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    throw new InputError({ file, line: first.linePos?.[0].line }, `not valid YAML/JSON: ${first.message.split('\n')[0] ?? ''}`);
  }
  return inventoryFromDocument(doc.toJS() as unknown, file, (path: FieldPath) => lineOfPath(doc, path, lineCounter));
}

/** Read a snapshot file written by `flowpol inventory`. */
export async function readInventoryFile(file: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError({ file }, code === 'ENOENT' ? 'inventory snapshot not found' : `cannot read inventory snapshot (${code ?? 'error'})`);
  }
  return parseInventory(text, file);
}
