import type { HostBuiltinTable } from '../host-builtin.js';
import { hashBuiltins } from './crypto-hash.js';
import { netCidrBuiltins } from './net-cidr.js';
import { runtimeBuiltins } from './runtime.js';
import { jwtVerifyBuiltins } from './jwt.js';
import { jwtDecodeVerify } from './jwt-decode-verify.js';
import { jwtEncodeSign, jwtEncodeSignRaw } from './jwt-encode.js';
import { x509Builtins } from './x509.js';
import { jsonMatchSchema, jsonVerifySchema } from './json-schema.js';
import { awsSignReq } from './aws-sign.js';
import { graphqlBuiltins } from './graphql.js';

export const securityBuiltins: HostBuiltinTable = {
  ...hashBuiltins,
  ...netCidrBuiltins,
  ...runtimeBuiltins,
  ...jwtVerifyBuiltins,
  ...x509Builtins,
  ...graphqlBuiltins,
  'io.jwt.decode_verify': jwtDecodeVerify,
  'io.jwt.encode_sign': jwtEncodeSign,
  'io.jwt.encode_sign_raw': jwtEncodeSignRaw,
  'json.match_schema': jsonMatchSchema,
  'json.verify_schema': jsonVerifySchema,
  'providers.aws.sign_req': awsSignReq,
};
