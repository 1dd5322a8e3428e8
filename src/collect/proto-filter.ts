// FlowSelectors ↔ Hubble FlowFilter messages: what `collect --server` sends as the GetFlows
// whitelist, and what `flowpol replay` reads back (refusing fields it does not implement).
import type { ObservedVerdict } from '../model.js';
import type { FlowSelector } from './flow-selection.js';
import { VERDICTS, type ProtoFlowFilter } from './from-proto.js';

/** A FlowFilter message with every field empty except `set`. */
export function emptyFilter(set: Partial<ProtoFlowFilter>): ProtoFlowFilter {
  return {
    uuid: [], sourceIp: [], sourcePod: [], sourceLabel: [], destinationIp: [], destinationPod: [], destinationLabel: [],
    trafficDirection: [], verdict: [], eventType: [], protocol: [], reply: [], nodeName: [], ...set,
  };
}

export function selectorToProto(s: FlowSelector): ProtoFlowFilter {
  return emptyFilter({
    sourcePod: s.sourcePod, destinationPod: s.destinationPod, sourceLabel: s.sourceLabel, destinationLabel: s.destinationLabel,
    verdict: s.verdict.map((v) => VERDICTS.number(v) as ProtoFlowFilter['verdict'][number]),
  });
}

const SUPPORTED = new Set<string>(['sourcePod', 'destinationPod', 'sourceLabel', 'destinationLabel', 'verdict']);

/** The selector of a received FlowFilter; the name of the first set field it cannot express, if any. */
export function selectorFromProto(f: ProtoFlowFilter): FlowSelector | { unsupported: string } {
  for (const [field, value] of Object.entries(f)) {
    if (!SUPPORTED.has(field) && Array.isArray(value) && value.length > 0) return { unsupported: field };
  }
  return {
    sourcePod: f.sourcePod, destinationPod: f.destinationPod, sourceLabel: f.sourceLabel, destinationLabel: f.destinationLabel,
    verdict: f.verdict.map((v) => VERDICTS.name(v) ?? ('VERDICT_UNKNOWN' as ObservedVerdict)),
  };
}
