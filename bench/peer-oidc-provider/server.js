// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.
//
// The benchmark peer: node oidc-provider (in-memory adapter, the default) over HTTPS with client certificates, and
// in front of its registration endpoint the OBIE checks our engine makes, so that both servers do an equivalent
// amount of work per registration:
//   - mutual TLS: the transport certificate must chain to the run's CA (checked in the TLS handshake) and name the
//     SSA's software_id (CN) and org_id (OU);
//   - the request is a compact JWS (application/jose), PS256, signed with a key from the SSA's
//     software_jwks_endpoint (fetched over HTTPS on loopback and cached 15 minutes, like ours);
//   - the software statement inside it is PS256, signed by the trust anchor (inline JWKS), not too old, from an
//     active organisation;
//   - iss = software_id, aud = the bank, iat/exp, and (iss, jti) not seen before (kept in memory);
// then the verified claims go to oidc-provider's own registration as JSON (jwks_uri from the SSA).
// The store is oidc-provider's default in-memory adapter (see memoryStore below for its size).
// Started by bench/IdentityServer.Dcr.LoadRun; configured by environment variables (below).

import { readFileSync } from 'node:fs';
import https from 'node:https';

import * as jose from 'jose';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

// oidc-provider's default in-memory adapter, but with room for the run: by default its store is an LRU of 1,000
// entries (clients and registration access tokens together), which forgets most clients of a 2,000-registration
// run before their token requests. Nothing else about the adapter changes.
const memoryStore = new LRU({ maxSize: 10_000_000 });
const memoryAdapter = (model) => new MemoryAdapter(model, memoryStore, 0);

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const port = Number(env('PEER_PORT'));
const issuer = `https://127.0.0.1:${port}`;
const audience = env('PEER_AUDIENCE');
const anchorIssuer = env('PEER_ANCHOR_ISSUER');
const anchorKeys = jose.createLocalJWKSet(JSON.parse(env('PEER_ANCHOR_JWKS')));
const SSA_MAX_AGE = 30 * 60;
const CLOCK_SKEW = 120;
const MAX_BODY = 64 * 1024;
const RESOURCE = 'https://bank.example/open-banking'; // the resource server of the JWT access tokens

const tppKeySets = new Map();
function tppKeys(url) {
  let set = tppKeySets.get(url);
  if (!set) {
    set = jose.createRemoteJWKSet(new URL(url), { cacheMaxAge: 15 * 60 * 1000, cooldownDuration: 30 * 1000, timeoutDuration: 5000 });
    tppKeySets.set(url, set);
  }
  return set;
}

const usedJti = new Map();
function rememberJti(key, exp) {
  if (usedJti.has(key)) return false;
  usedJti.set(key, exp);
  return true;
}
setInterval(() => {
  const now = Date.now() / 1000;
  for (const [key, exp] of usedJti) if (exp < now) usedJti.delete(key);
}, 60 * 1000).unref();

class RegistrationError extends Error {
  constructor(error, description) { super(description); this.error = error; }
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new RegistrationError('invalid_client_metadata', 'request too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('ascii').trim();
}

async function verifyRegistration(ctx) {
  const socket = ctx.req.socket;
  const certificate = socket.getPeerCertificate();
  if (!certificate || !certificate.subject) throw new RegistrationError('invalid_client_metadata', 'a transport certificate is required');
  if (!socket.authorized) throw new RegistrationError('invalid_client_metadata', `the transport certificate is not trusted: ${socket.authorizationError}`);

  const jws = await readBody(ctx.req);
  let request;
  try {
    const header = jose.decodeProtectedHeader(jws);
    if (header.alg !== 'PS256') throw new Error('alg');
    const unverified = jose.decodeJwt(jws);
    if (typeof unverified.software_statement !== 'string') throw new RegistrationError('invalid_software_statement', 'software_statement is missing');

    // The SSA first: its signature, issuer and age.
    let ssa;
    try {
      ({ payload: ssa } = await jose.jwtVerify(unverified.software_statement, anchorKeys, {
        algorithms: ['PS256'], issuer: anchorIssuer, maxTokenAge: SSA_MAX_AGE, clockTolerance: CLOCK_SKEW,
      }));
    } catch (e) {
      throw new RegistrationError('invalid_software_statement', `software statement: ${e.code ?? e.message}`);
    }
    if (ssa.org_status !== 'Active') throw new RegistrationError('unapproved_software_statement', 'organisation is not active');
    if (typeof ssa.software_jwks_endpoint !== 'string' || !ssa.software_jwks_endpoint.startsWith('https://')) {
      throw new RegistrationError('invalid_software_statement', 'software_jwks_endpoint is missing');
    }

    // Then the request, with the TPP's key from the SSA's JWKS endpoint.
    ({ payload: request } = await jose.jwtVerify(jws, tppKeys(ssa.software_jwks_endpoint), {
      algorithms: ['PS256'], issuer: ssa.software_id, audience, maxTokenAge: 60 * 60, clockTolerance: CLOCK_SKEW, requiredClaims: ['exp', 'jti'],
    }));

    // The transport certificate must belong to the software.
    if (certificate.subject.CN !== ssa.software_id || certificate.subject.OU !== ssa.org_id) {
      throw new RegistrationError('invalid_client_metadata', 'the transport certificate does not match the software statement');
    }
    if (!rememberJti(`${request.iss}\u0000${request.jti}`, request.exp + CLOCK_SKEW)) {
      throw new RegistrationError('invalid_client_metadata', 'jti has already been used');
    }

    const metadata = { ...request };
    for (const claim of ['iss', 'aud', 'iat', 'exp', 'nbf', 'jti', 'sub']) delete metadata[claim];
    Object.assign(metadata, {
      jwks_uri: ssa.software_jwks_endpoint,
      client_name: ssa.software_client_name,
      software_id: ssa.software_id,
      org_id: ssa.org_id,
      software_roles: ssa.software_roles,
      software_statement: request.software_statement,
    });
    return metadata;
  } catch (e) {
    if (e instanceof RegistrationError) throw e;
    throw new RegistrationError('invalid_client_metadata', `request: ${e.code ?? e.message}`);
  }
}

const { privateKey } = await jose.generateKeyPair('PS256', { extractable: true, modulusLength: 2048 });
const signingKey = { ...(await jose.exportJWK(privateKey)), alg: 'PS256', use: 'sig', kid: 'peer-1' };

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey] },
  features: {
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    // Access tokens as signed JWTs (PS256), like the demo bank's (RS256 with a 2048-bit key: the same RSA work), not
    // oidc-provider's default opaque tokens: the token workload compares equivalent work.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'accounts payments', accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'PS256' } } }),
    },
  },
  clientAuthMethods: ['private_key_jwt'],
  enabledJWA: {
    clientAuthSigningAlgValues: ['PS256'],
    idTokenSigningAlgValues: ['PS256'],
  },
  responseTypes: ['code id_token', 'code', 'none'],
  scopes: ['openid', 'offline_access', 'accounts', 'payments'],
  extraClientMetadata: { properties: ['software_id', 'org_id', 'software_roles', 'software_statement'] },
  ttl: { ClientCredentials: 600 },
  adapter: memoryAdapter,
  loadExistingGrant: () => undefined,
  // The TPP JWKS are served on loopback: drop oidc-provider's special-use-address guard for outgoing fetches, as
  // Dcr:Jwks:AllowNonPublicAddresses=true does for ours.
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  renderError: (ctx, out) => { ctx.type = 'json'; ctx.body = out; },
});
provider.proxy = false;

// Failures are the exception in a run: say why in the log (the load run shows the first few).
for (const event of ['grant.error', 'registration_create.error', 'server_error']) {
  provider.on(event, (ctx, error) => console.error(`${event}: ${error.error ?? error.name}: ${error.error_description ?? error.message}${error.error_detail ? ` (${error.error_detail})` : ''}${error.cause ? ` cause: ${error.cause.message ?? error.cause}${error.cause.cause ? ` <- ${error.cause.cause.message ?? error.cause.cause}` : ''}` : ''}`));
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/reg') {
    try {
      const metadata = await verifyRegistration(ctx);
      ctx.req.body = metadata;
      ctx.request.headers['content-type'] = 'application/json';
    } catch (e) {
      ctx.status = 400;
      ctx.body = { error: e.error ?? 'invalid_client_metadata', error_description: e.message };
      return;
    }
  }
  await next();
});

const server = https.createServer({
  key: readFileSync(env('PEER_KEY')),
  cert: readFileSync(env('PEER_CERT')),
  ca: readFileSync(env('PEER_CA')),
  requestCert: true,
  rejectUnauthorized: false,
  keepAliveTimeout: 130 * 1000, // Kestrel's default, so both keep the TPPs' connections alike.
}, provider.callback());
server.listen(port, '127.0.0.1', () => console.log(`peer listening on ${issuer}`));
