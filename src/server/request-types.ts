/** Decoded request and response messages, with field names as in the .proto files. */

/** A decoded `google.protobuf.Struct`. */
export interface ProtoStruct {
  fields?: Record<string, unknown>;
}

export interface AuthzResource {
  service?: string;
  path?: string;
  attributes?: Record<string, string>;
}

export interface AuthzSubject {
  spiffe_id?: string;
  token?: string;
  api_key?: string;
}

/** `warden.authz.v1.CheckRequest`. */
export interface AuthzCheckRequest {
  action?: string;
  resource?: AuthzResource;
  context?: ProtoStruct;
  subject?: AuthzSubject;
}

/** `warden.authz.v1.CheckResponse`. */
export interface AuthzCheckResponse {
  allowed: boolean;
  reasons: string[];
  decision_id: string;
  policy_revision: string;
  cached: boolean;
  /** Set when a rate limit or a ban turned the call away: ms until a retry may succeed. */
  retry_after_ms?: number;
}

/** `warden.authz.v1.CheckBatchRequest`. */
export interface AuthzCheckBatchRequest {
  checks?: AuthzCheckRequest[];
}

/** `warden.authz.v1.CheckBatchResponse`. */
export interface AuthzCheckBatchResponse {
  results: AuthzCheckResponse[];
}

export interface EnvoyPeer {
  address?: { socket_address?: { address?: string; port_value?: number }; pipe?: { path?: string } };
  service?: string;
  labels?: Record<string, string>;
  principal?: string;
  certificate?: string;
}

export interface EnvoyHttpRequest {
  id?: string;
  method?: string;
  headers?: Record<string, string>;
  header_map?: { headers?: Array<{ key?: string; value?: string; raw_value?: string }> };
  path?: string;
  host?: string;
  scheme?: string;
  query?: string;
  fragment?: string;
  size?: string;
  protocol?: string;
  body?: string;
  raw_body?: string;
}

export interface EnvoyAttributeContext {
  source?: EnvoyPeer;
  destination?: EnvoyPeer;
  request?: { time?: { seconds?: string; nanos?: number }; http?: EnvoyHttpRequest };
  context_extensions?: Record<string, string>;
  metadata_context?: unknown;
  route_metadata_context?: unknown;
  tls_session?: { sni?: string };
}

/** `envoy.service.auth.v3.CheckRequest`. */
export interface EnvoyCheckRequest {
  attributes?: EnvoyAttributeContext;
}

export interface EnvoyHeaderValueOption {
  header: { key: string; value: string };
  append?: { value: boolean };
}

/** `envoy.service.auth.v3.CheckResponse`. */
export interface EnvoyCheckResponse {
  status: { code: number; message?: string };
  ok_response?: {
    headers?: EnvoyHeaderValueOption[];
    headers_to_remove?: string[];
    response_headers_to_add?: EnvoyHeaderValueOption[];
  };
  denied_response?: {
    status: { code: number };
    headers?: EnvoyHeaderValueOption[];
    body?: string;
  };
}
