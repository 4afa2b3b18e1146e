/**
 * Traefik and Envoy cannot be installed here, so their shipped configs are not run: these tests
 * parse them and check the fields Warden relies on against the proxies' documented schemas (field
 * names as in Traefik's dynamic-configuration reference and Envoy's v3 API protos), so a typo or a
 * renamed field fails here rather than in someone's cluster.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONTROL_HEADERS, FORWARD_AUTH_PATH } from '../../src/server/http/forwarded-request.js';

type Json = any;
const load = (path: string): Json => parse(readFileSync(join(process.cwd(), 'deploy', path), 'utf8'));

/** Fields of each object the configs use, from the documented schemas; anything else is a typo. */
const TRAEFIK_FORWARD_AUTH = ['address', 'tls', 'trustForwardHeader', 'authResponseHeaders', 'authResponseHeadersRegex', 'authRequestHeaders', 'addAuthCookiesToResponse', 'headerField', 'forwardBody', 'maxBodySize', 'preserveLocationHeader', 'preserveRequestMethod'];
const TRAEFIK_TLS = ['ca', 'cert', 'key', 'insecureSkipVerify', 'caOptional'];
const TRAEFIK_ROUTER = ['rule', 'ruleSyntax', 'entryPoints', 'middlewares', 'service', 'tls', 'priority', 'observability'];
const ENVOY_EXT_AUTHZ = ['grpc_service', 'http_service', 'transport_api_version', 'failure_mode_allow', 'failure_mode_allow_header_add', 'with_request_body', 'clear_route_cache', 'status_on_error', 'metadata_context_namespaces', 'typed_metadata_context_namespaces', 'route_metadata_context_namespaces', 'filter_enabled', 'filter_enabled_metadata', 'deny_at_disable', 'include_peer_certificate', 'include_tls_session', 'stat_prefix', 'bootstrap_metadata_labels_key', 'allowed_headers', 'disallowed_headers', 'charge_cluster_response_stats', 'encode_raw_headers', 'decoder_header_mutation_rules', 'validate_mutations', 'emit_filter_state_stats'];
const ENVOY_HTTP_SERVICE = ['server_uri', 'path_prefix', 'authorization_request', 'authorization_response', 'retry_policy'];
const ENVOY_SERVER_URI = ['uri', 'cluster', 'timeout'];
const ENVOY_AUTHORIZATION_REQUEST = ['allowed_headers', 'headers_to_add'];
const ENVOY_AUTHORIZATION_RESPONSE = ['allowed_upstream_headers', 'allowed_upstream_headers_to_append', 'allowed_client_headers', 'allowed_client_headers_on_success', 'dynamic_metadata_from_headers'];
const ENVOY_CLIENT_CERT_DETAILS = ['subject', 'cert', 'chain', 'dns', 'uri'];
const ENVOY_FORWARD_CLIENT_CERT = ['SANITIZE', 'FORWARD_ONLY', 'APPEND_FORWARD', 'SANITIZE_SET', 'ALWAYS_FORWARD_ONLY'];

function onlyKnown(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, object: Json, known: string[], where: string): void {
  t.deepEqual(Object.keys(object).filter((k) => !known.includes(k)), [], `unknown fields in ${where}`);
}

/** The typed_config of every filter named `name` in an Envoy bootstrap. */
function envoyFilters(config: Json, name: string): Json[] {
  const out: Json[] = [];
  for (const listener of config.static_resources.listeners) {
    for (const chain of listener.filter_chains) {
      for (const filter of chain.filters) {
        if (filter.name === name) out.push(filter.typed_config);
        for (const http of filter.typed_config?.http_filters ?? []) if (http.name === name) out.push(http.typed_config);
      }
    }
  }
  return out;
}

const clusterNames = (config: Json): string[] => config.static_resources.clusters.map((c: Json) => c.name);

test('Traefik: a ForwardAuth middleware to Warden /authz over mTLS, after one that fixes or drops the headers Warden would believe', (t) => {
  const { http } = load('traefik/warden.yaml');
  const forwardAuth = http.middlewares.warden.forwardAuth;
  onlyKnown(t, forwardAuth, TRAEFIK_FORWARD_AUTH, 'forwardAuth');
  onlyKnown(t, forwardAuth.tls, TRAEFIK_TLS, 'forwardAuth.tls');
  t.is(new URL(forwardAuth.address).pathname, FORWARD_AUTH_PATH);
  t.is(new URL(forwardAuth.address).protocol, 'https:');
  t.truthy(forwardAuth.tls.cert && forwardAuth.tls.key && forwardAuth.tls.ca);
  t.is(forwardAuth.trustForwardHeader, false, 'Traefik must set X-Forwarded-* itself');
  t.deepEqual(forwardAuth.authResponseHeaders, ['X-Warden-Decision-Id']);
  const custom = http.middlewares['warden-headers'].headers.customRequestHeaders;
  const set = new Set(Object.keys(custom).map((k) => k.toLowerCase()));
  for (const header of [...CONTROL_HEADERS, 'x-client-cert', 'x-forwarded-client-cert']) {
    if (header === 'x-forwarded-method' || header === 'x-forwarded-uri') continue; // ForwardAuth sets these
    t.true(set.has(header), `${header} is fixed or dropped`);
  }
  const router = http.routers.orders;
  onlyKnown(t, router, TRAEFIK_ROUTER, 'routers.orders');
  t.deepEqual(router.middlewares, ['warden-headers', 'warden'], 'headers fixed before the ForwardAuth call');
  t.truthy(http.services[router.service].loadBalancer.servers[0].url);
});

test('Envoy gRPC: ext_authz v3 to a Warden cluster over HTTP/2 and mTLS, failing closed', (t) => {
  const config = load('envoy/ext-authz-grpc.yaml');
  const [authz] = envoyFilters(config, 'envoy.filters.http.ext_authz');
  t.is(authz['@type'], 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz');
  onlyKnown(t, authz, ['@type', ...ENVOY_EXT_AUTHZ], 'ext_authz');
  t.is(authz.transport_api_version, 'V3');
  t.is(authz.failure_mode_allow, false);
  const cluster = config.static_resources.clusters.find((c: Json) => c.name === authz.grpc_service.envoy_grpc.cluster_name);
  t.truthy(cluster, 'the gRPC cluster is defined');
  const h2 = cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
  t.is(h2['@type'], 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions');
  t.deepEqual(h2.explicit_http_config, { http2_protocol_options: {} });
  t.is(cluster.transport_socket.typed_config['@type'], 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
  t.truthy(cluster.transport_socket.typed_config.common_tls_context.tls_certificates[0].certificate_chain.filename);
  t.is(envoyFilters(config, 'envoy.filters.http.router').length, 1);
});

test('Envoy HTTP mode: /authz prefix, the service header added, XFCC set by Envoy and sent, the decision id passed upstream', (t) => {
  const config = load('envoy/ext-authz-http.yaml');
  const [authz] = envoyFilters(config, 'envoy.filters.http.ext_authz');
  onlyKnown(t, authz, ['@type', ...ENVOY_EXT_AUTHZ], 'ext_authz');
  t.is(authz.failure_mode_allow, false);
  const service = authz.http_service;
  onlyKnown(t, service, ENVOY_HTTP_SERVICE, 'http_service');
  onlyKnown(t, service.server_uri, ENVOY_SERVER_URI, 'http_service.server_uri');
  onlyKnown(t, service.authorization_request, ENVOY_AUTHORIZATION_REQUEST, 'authorization_request');
  onlyKnown(t, service.authorization_response, ENVOY_AUTHORIZATION_RESPONSE, 'authorization_response');
  t.is(service.path_prefix, FORWARD_AUTH_PATH);
  t.true(clusterNames(config).includes(service.server_uri.cluster));
  t.regex(service.server_uri.timeout, /^\d+(\.\d+)?s$/);
  t.deepEqual(service.authorization_request.headers_to_add, [{ key: 'x-warden-service', value: 'orders' }]);
  const sent = authz.allowed_headers.patterns.map((p: Json) => p.exact);
  t.true(sent.includes('x-forwarded-client-cert'));
  t.false(sent.some((h: string) => h.startsWith('x-original-')), 'never a header a client could set for Warden');
  t.deepEqual(service.authorization_response.allowed_upstream_headers.patterns, [{ exact: 'x-warden-decision-id' }]);
  const hcm = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  t.true(ENVOY_FORWARD_CLIENT_CERT.includes(hcm.forward_client_cert_details));
  t.is(hcm.forward_client_cert_details, 'SANITIZE_SET', 'a client XFCC is replaced, not appended to');
  onlyKnown(t, hcm.set_current_client_cert_details, ENVOY_CLIENT_CERT_DETAILS, 'set_current_client_cert_details');
  t.true(hcm.set_current_client_cert_details.uri && hcm.set_current_client_cert_details.cert);
});
