/**
 * The container image and the Kubernetes manifests cannot be built or applied here, so these tests
 * read them and hold them to what exists: every YAML document parses, every flag given to `warden`
 * is one its command takes, the ConfigMap's config loads through the real config loader, every path
 * the Dockerfile copies is in the repository, and the security settings the fleet relies on are set.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SERVE_USAGE } from '../../src/cli/serve-command.js';
import { HEALTH_USAGE } from '../../src/cli/health-command.js';
import { readServeConfigFile } from '../../src/server/config.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

type Json = any;
const ROOT = process.cwd();
const KUBERNETES = join(ROOT, 'deploy/kubernetes');
const DOCKERFILE = join(ROOT, 'deploy/docker/Dockerfile');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

/** Every document of every manifest, with the file it came from. */
function manifests(): Array<{ file: string; doc: Json }> {
  return yamlFiles(KUBERNETES).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((d) => d.toJS() as Json)
      .filter((doc) => doc !== null)
      .map((doc) => ({ file: relative(ROOT, file), doc })),
  );
}

function one(kind: string, name: string): Json {
  const found = manifests().filter(({ doc }) => doc.kind === kind && doc.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!.doc;
}

/** The `--flags` a usage line names. */
const flagsOf = (usage: string): Set<string> => new Set(usage.match(/--[a-z0-9-]+/g));
const SERVE_FLAGS = flagsOf(SERVE_USAGE);
const HEALTH_FLAGS = flagsOf(HEALTH_USAGE);

/** The flags of a `warden` command line (`serve …` or `health …`) that its command does not take. */
function unknownFlags(args: string[]): string[] {
  const [command, ...rest] = args;
  const known = command === 'serve' ? SERVE_FLAGS : command === 'health' ? HEALTH_FLAGS : undefined;
  if (!known) return [`(unknown command ${command})`];
  return rest.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]!).filter((f) => !known.has(f));
}

/** A probe's exec command with `node dist/cli/main.js` taken off, checking that it is there. */
function wardenArgs(command: string[]): string[] {
  const bin = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.warden.replace(/^\.\//, '');
  if (command[0] !== 'node' || command[1] !== bin) throw new Error(`expected node ${bin}, got ${command.slice(0, 2).join(' ')}`);
  return command.slice(2);
}

/** Dockerfile instructions, continuation lines joined. */
function dockerInstructions(): Array<{ op: string; rest: string }> {
  return readFileSync(DOCKERFILE, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), rest: rest.join(' ') };
    });
}

/** The exec-form JSON array after `CMD` (or after HEALTHCHECK's options). */
function execForm(text: string): string[] {
  return JSON.parse(text.slice(text.indexOf('[')));
}

const wardenDeployment = () => one('Deployment', 'warden');
const wardenContainer = () => wardenDeployment().spec.template.spec.containers.find((c: Json) => c.name === 'warden');

test('every document under deploy/kubernetes parses and names its apiVersion, kind and name', (t) => {
  const files = yamlFiles(KUBERNETES).map((f) => relative(KUBERNETES, f)).sort();
  for (const expected of ['namespace.yaml', 'configmap.yaml', 'deployment.yaml', 'service.yaml', 'pdb.yaml', 'networkpolicy.yaml', 'redis.yaml']) t.true(files.includes(expected), expected);
  t.true(files.some((f) => f.startsWith('sidecar/')), 'a sidecar example');
  for (const file of yamlFiles(KUBERNETES)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) t.deepEqual(doc.errors.map((e) => e.message), [], relative(ROOT, file));
  }
  for (const { file, doc } of manifests()) {
    t.truthy(doc.apiVersion && doc.kind && doc.metadata?.name, `${file}: ${JSON.stringify(doc).slice(0, 80)}`);
  }
});

test('every flag given to warden in the Deployment and the Dockerfile is one its command takes', (t) => {
  const container = wardenContainer();
  t.is(container.args[0], 'serve');
  t.deepEqual(unknownFlags(container.args), []);
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const args = wardenArgs(container[probe].exec.command);
    t.is(args[0], 'health', probe);
    t.deepEqual(unknownFlags(args), [], probe);
  }
  const docker = dockerInstructions();
  t.deepEqual(execForm(docker.find((i) => i.op === 'ENTRYPOINT')!.rest), ['node', 'dist/cli/main.js']);
  t.deepEqual(unknownFlags(execForm(docker.find((i) => i.op === 'CMD')!.rest)), []);
  const healthcheck = wardenArgs(execForm(docker.find((i) => i.op === 'HEALTHCHECK')!.rest));
  t.is(healthcheck[0], 'health');
  t.deepEqual(unknownFlags(healthcheck), []);
  // The check must be able to fail: a flag no command takes is caught.
  t.deepEqual(unknownFlags(['serve', '--listen', 'x', '--no-such-flag', 'y']), ['--no-such-flag']);
});

test('the config files of the ConfigMap and the image load through the real config loader', (t) => {
  const dir = temporaryDirectory('warden-fleet-config-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fleet = one('ConfigMap', 'warden-config').data['warden.yaml'];
  writeFileSync(join(dir, 'warden.yaml'), fleet);
  const config = readServeConfigFile(join(dir, 'warden.yaml'));
  t.is(config.listen, '0.0.0.0:9191');
  t.notThrows(() => readServeConfigFile(join(ROOT, 'deploy/docker/warden.yaml')));
  // The loader refuses what it does not know, so keys not built yet cannot slip in as live config.
  writeFileSync(join(dir, 'later.yaml'), `${fleet}noSuchKey: redis://warden-redis:6379\n`);
  t.throws(() => readServeConfigFile(join(dir, 'later.yaml')), { message: /unknown keys noSuchKey/ });
});

test('the Deployment mounts the ConfigMap where --config reads it and the TLS Secrets where the flags and probes read them', (t) => {
  const spec = wardenDeployment().spec.template.spec;
  const container = wardenContainer();
  const volumes = new Map<string, Json>(spec.volumes.map((v: Json) => [v.name, v]));
  const mountOf = (path: string): Json => container.volumeMounts.find((m: Json) => path.startsWith(`${m.mountPath}/`));
  const args: string[] = container.args;
  const valueOf = (flag: string): string => args[args.indexOf(flag) + 1]!;
  const config = mountOf(valueOf('--config'));
  t.is(volumes.get(config.name).configMap.name, 'warden-config');
  t.truthy(one('ConfigMap', 'warden-config').data[valueOf('--config').slice(config.mountPath.length + 1)]);
  const probe = wardenArgs(container.readinessProbe.exec.command);
  const probeValue = (flag: string): string => probe[probe.indexOf(flag) + 1]!;
  for (const file of [valueOf('--tls-cert'), valueOf('--tls-key'), valueOf('--client-ca'), probeValue('--cert'), probeValue('--key'), probeValue('--ca')]) {
    const mount = mountOf(file);
    t.truthy(mount, `${file} is mounted`);
    t.true(mount.readOnly, `${file} read-only`);
    t.truthy(volumes.get(mount.name).secret?.secretName, `${file} comes from a Secret`);
  }
  t.is(valueOf('--policies'), '/app/policies', 'the policies the image copies');
});

test('the Deployment: 3 replicas, non-root with a numeric uid the image also uses, read-only root, resources, probes', (t) => {
  const deployment = wardenDeployment();
  t.is(deployment.spec.replicas, 3);
  const pod = deployment.spec.template.spec;
  t.true(pod.securityContext.runAsNonRoot);
  t.true(Number.isInteger(pod.securityContext.runAsUser) && pod.securityContext.runAsUser > 0);
  const user = dockerInstructions().find((i) => i.op === 'USER')!.rest;
  t.regex(user, /^\d+(:\d+)?$/, 'the image names its user by number');
  t.is(Number(user.split(':')[0]), pod.securityContext.runAsUser);
  const container = wardenContainer();
  t.true(container.securityContext.readOnlyRootFilesystem);
  t.false(container.securityContext.allowPrivilegeEscalation);
  t.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
  for (const kind of ['requests', 'limits']) t.truthy(container.resources[kind].cpu && container.resources[kind].memory, kind);
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) t.truthy(container[probe], probe);
  // Writable mounts only where the image declares volumes (.warden, decision logs).
  const volumeLine = dockerInstructions().find((i) => i.op === 'VOLUME')!.rest;
  const declared: string[] = JSON.parse(volumeLine);
  const writable = container.volumeMounts.filter((m: Json) => !m.readOnly).map((m: Json) => m.mountPath);
  t.deepEqual(writable.sort(), [...declared].sort());
  const volumeNames = new Set(pod.volumes.map((v: Json) => v.name));
  for (const m of container.volumeMounts) t.true(volumeNames.has(m.name), `volume ${m.name}`);
});

test('the NetworkPolicy, Service and PodDisruptionBudget select the Warden pods, on the ports they expose', (t) => {
  const labels = wardenDeployment().spec.template.metadata.labels;
  const selects = (selector: Record<string, string>) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  const policy = one('NetworkPolicy', 'warden-mesh-only');
  t.true(selects(policy.spec.podSelector.matchLabels));
  t.true(policy.spec.policyTypes.includes('Ingress'));
  t.true(policy.spec.ingress.every((rule: Json) => rule.from?.length > 0), 'no rule open to everyone');
  t.false(selects(one('NetworkPolicy', 'warden-redis-from-warden').spec.podSelector.matchLabels), 'the Redis policy is not about Warden');
  const service = one('Service', 'warden');
  t.true(selects(service.spec.selector));
  t.true(selects(one('PodDisruptionBudget', 'warden').spec.selector.matchLabels));
  const containerPorts = new Map<string, number>(wardenContainer().ports.map((p: Json) => [p.name, p.containerPort]));
  for (const port of service.spec.ports) t.true(containerPorts.has(port.targetPort), `Service port ${port.name}`);
  const allowed = new Set(policy.spec.ingress.flatMap((rule: Json) => rule.ports.map((p: Json) => p.port)));
  t.deepEqual([...containerPorts.values()].filter((p) => !allowed.has(p)), [], 'every container port is reachable by someone');
  const config = parse(one('ConfigMap', 'warden-config').data['warden.yaml']);
  // `http` is HOST:PORT or {listen, hosts, cors}.
  const address = (key: string): string => (typeof config[key] === 'object' ? config[key].listen : config[key]);
  for (const key of ['listen', 'http', 'metrics']) t.true([...containerPorts.values()].includes(Number(address(key).split(':').pop())), key);
});

test('the sidecar example: Envoy asks the warden Service over mTLS and denies when Warden cannot answer', (t) => {
  const sidecar = manifests().filter(({ file }) => file.includes('sidecar/'));
  const envoy = parse(sidecar.find(({ doc }) => doc.kind === 'ConfigMap')!.doc.data['envoy.yaml']);
  const service = one('Service', 'warden');
  const warden = envoy.static_resources.clusters.find((c: Json) => c.name === 'warden');
  const address = warden.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  t.is(address.address, `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`);
  t.is(address.port_value, service.spec.ports.find((p: Json) => p.name === 'grpc').port);
  t.truthy(warden.transport_socket.typed_config.common_tls_context.tls_certificates[0].certificate_chain.filename, 'a client certificate to Warden');
  const filters = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters;
  const extAuthz = filters.find((f: Json) => f.name === 'envoy.filters.http.ext_authz').typed_config;
  t.false(extAuthz.failure_mode_allow);
  t.is(extAuthz.grpc_service.envoy_grpc.cluster_name, 'warden');
  const pod = sidecar.find(({ doc }) => doc.kind === 'Deployment')!.doc.spec.template.spec;
  t.deepEqual(pod.containers.map((c: Json) => c.name).sort(), ['envoy', 'orders']);
  for (const c of pod.containers) t.true(c.securityContext.readOnlyRootFilesystem, c.name);
});

test('every path the Dockerfile copies from the repository exists and is not left out by .dockerignore', (t) => {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const copies = dockerInstructions().filter((i) => i.op === 'COPY' && !i.rest.startsWith('--from='));
  t.true(copies.length > 0);
  for (const copy of copies) {
    const words = copy.rest.split(/\s+/).filter((w) => !w.startsWith('--'));
    for (const source of words.slice(0, -1)) {
      t.true(existsSync(join(ROOT, source)), `COPY ${source}: not in the repository`);
      const top = source.split('/')[0]!;
      t.false(ignored.includes(top) || ignored.includes(source), `COPY ${source}: excluded by .dockerignore`);
    }
  }
  // What the runtime stage takes from the builder is what the build makes and the code loads.
  const fromBuilder = dockerInstructions().filter((i) => i.op === 'COPY' && i.rest.startsWith('--from=builder'));
  const sources = fromBuilder.map((i) => i.rest.split(/\s+/)[1]);
  t.deepEqual(sources, ['/src/dist', '/src/build/runtime.wasm', '/src/build/console-web']);
  t.regex(readFileSync(join(ROOT, 'src/wasm/runtime-module.ts'), 'utf8'), /'\.\.\/\.\.\/build\/runtime\.wasm'/);
  t.regex(readFileSync(join(ROOT, 'src/console/web-root.ts'), 'utf8'), /'\.\.\/\.\.\/build\/console-web\/'/);
  t.regex(readFileSync(join(ROOT, 'package.json'), 'utf8'), /"build": "[^"]*build:console/, 'npm run build builds the console front end the image copies');
  t.is(JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8').replace(/\/\/.*$/gm, '')).compilerOptions.outDir, 'dist');
});
