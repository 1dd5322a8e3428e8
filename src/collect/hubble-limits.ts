// Constants of a GetFlows query that the CLI needs before (or without) loading the gRPC client.

/** `--all`: the whole ring (2^53−1 is more than any ring, and safe as a JS number). */
export const ALL_FLOWS = Number.MAX_SAFE_INTEGER;

/** How far Relay's time-sort buffer may deliver flows out of order (Relay's sort buffer: 100 flows, drained every 1 s; cilium pkg/hubble/relay/defaults). */
export const RELAY_REORDER_MS = 1000;
