import type { PolicyRevision } from '../engine/revision.js';

/** Where revisions come from, as the server was configured. */
export interface RevisionOrigin {
  kind: 'directory' | 'bundle' | 'bundle_service';
  /** The bundle service's URL, when revisions are downloaded. */
  url?: string;
  /** Whether bundle signatures are verified, and with which key id. */
  verification?: { keyId?: string };
}

/** What the revision page shows. */
export interface RevisionView {
  id: string;
  source: string;
  loadedAt: string;
  entrypoints: readonly string[];
  modules: string[];
  origin: RevisionOrigin['kind'];
  url?: string;
  /** `verified` (only signed bundles are served), `not_verified` (a bundle, no key configured) or `unsigned` (a directory). */
  signature: 'verified' | 'not_verified' | 'unsigned';
  keyId?: string;
}

/** The revision serving now, or undefined before the first load. */
export function revisionView(revision: PolicyRevision | undefined, origin: RevisionOrigin): RevisionView | undefined {
  if (!revision) return undefined;
  const signature = origin.kind === 'directory' ? 'unsigned' : origin.verification ? 'verified' : 'not_verified';
  return {
    id: revision.id,
    source: origin.url ?? revision.source,
    loadedAt: revision.loadedAt.toISOString(),
    entrypoints: revision.entrypoints,
    modules: revision.modules.map((m) => m.path),
    origin: origin.kind,
    ...(origin.url ? { url: origin.url } : {}),
    signature,
    ...(origin.verification?.keyId ? { keyId: origin.verification.keyId } : {}),
  };
}
