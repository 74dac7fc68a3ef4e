#!/usr/bin/env node
// Docker HEALTHCHECK for the SLO Engine images. The slim Node images ship neither curl nor wget,
// and installing one only for this would grow the attack surface; Node is already there.
//
//   node /usr/local/lib/slo-engine/healthcheck.cjs <path> <default port>
//
// GETs http://127.0.0.1:<PORT or default port><path> (https when TLS_CERT_FILE is set, as the apps
// then serve HTTPS only) and exits 0 on a 2xx answer, 1 on anything else or after 2 s. It checks
// liveness, not readiness: a container whose database is down is restarted by nobody, it is taken
// out of rotation by the orchestrator's readiness probe instead.
'use strict';

const http = require('node:http');
const https = require('node:https');

const DEADLINE_MS = 2_000;

const path = process.argv[2] ?? '/health';
const port = Number(process.env.PORT ?? process.argv[3] ?? 8000);
const tls = process.env.TLS_CERT_FILE !== undefined || process.env.TLS_CERT_FILE_FILE !== undefined;

const request = (tls ? https : http).get(
  {
    host: '127.0.0.1',
    port,
    path,
    timeout: DEADLINE_MS,
    // The certificate names the service, not 127.0.0.1: the probe checks that the process answers,
    // the TLS identity is checked by real clients.
    ...(tls ? { rejectUnauthorized: false } : {}),
  },
  (response) => {
    response.resume();
    const status = response.statusCode ?? 0;
    process.exit(status >= 200 && status < 300 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error(`no answer within ${DEADLINE_MS} ms`)));
request.on('error', (error) => {
  console.error(`healthcheck ${path} on port ${port}: ${error.message}`);
  process.exit(1);
});
