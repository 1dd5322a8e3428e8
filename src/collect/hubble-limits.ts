// Constants of a GetFlows query that the CLI needs before (or without) loading the gRPC client.

/** `--all`: the whole ring (2^53−1 is more than any ring, and safe as a JS number). */
export const ALL_FLOWS = Number.MAX_SAFE_INTEGER;
