export { loadPolicyFiles, mountData, isHiddenEntry, isPolicyFileName, MANIFEST_FILE, PolicyFilesError, type PolicyFiles } from './policy-files.js';
export { readBundle, writeBundle, BundleError, type Bundle, type BundleManifest } from './bundle-archive.js';
