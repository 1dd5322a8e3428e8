#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// Every command resolves only once its work is done (replay and --follow wait for their signal),
// so a handle still open afterwards is one nothing can close: grpc-js cannot abort a TLS handshake
// a server never answers. It must not keep the process alive past its own error.
const GRACE_MS = 1000;
main(process.argv).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), GRACE_MS).unref();
});
