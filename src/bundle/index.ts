export { loadPolicyFiles, mountData, type LoadPolicyFilesOptions, type DataOrigins, isHiddenEntry, isPolicyFileName, MANIFEST_FILE, type PolicyFiles } from './policy-files.js';
export { readBundle, writeBundle, type Bundle, type BundleManifest } from './bundle-archive.js';
export { BundleError, PolicyFilesError } from './errors.js';
