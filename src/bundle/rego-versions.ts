/** The manifest fields that say which Rego version a bundle's modules are written in. */
export interface RegoVersionFields {
  rego_version?: number;
  /** Path globs (relative to the bundle root, `*` within a segment, `**` across) → version. */
  file_rego_versions?: Record<string, number>;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/^\/+/, '')
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

function asVersion(v: unknown): 0 | 1 | undefined {
  return v === 0 || v === 1 ? v : undefined;
}

/**
 * Each module's Rego version as OPA reads a bundle manifest: a `file_rego_versions` entry that
 * matches the module's path (relative to the bundle root) wins over `rego_version`; modules that
 * neither names keep what they had (the command line's version).
 */
export function applyRegoVersions<M extends { path: string; regoVersion?: 0 | 1 }>(modules: M[], manifest: RegoVersionFields, rootRelative: (path: string) => string = (p) => p): M[] {
  const bundleVersion = asVersion(manifest.rego_version);
  const perFile = Object.entries(manifest.file_rego_versions ?? {}).map(([glob, v]) => ({ match: globToRegExp(glob), version: asVersion(v) }));
  return modules.map((m) => {
    const rel = rootRelative(m.path).replace(/^\/+/, '');
    const version = perFile.find((f) => f.version !== undefined && f.match.test(rel))?.version ?? bundleVersion;
    return version === undefined ? m : { ...m, regoVersion: version };
  });
}
