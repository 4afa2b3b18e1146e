export { loadPolicyFiles, mountData, type LoadPolicyFilesOptions, type DataOrigins, isHiddenEntry, isPolicyFileName, MANIFEST_FILE, type PolicyFiles } from './policy-files.js';
export { readBundle, readBundleFiles, bundleFromFiles, writeBundle, packFiles, type Bundle, type BundleManifest } from './bundle-archive.js';
export { signatureFile, type BundleSigningOptions } from './bundle-signing.js';
export { verifyBundleFiles, type BundleVerificationOptions } from './bundle-verification.js';
export { fileDigest, structuredDigestText, SIGNATURES_FILE } from './bundle-digests.js';
export { SIGNING_ALGORITHMS, DEFAULT_SIGNING_ALGORITHM, type SigningAlgorithm } from './bundle-keys.js';
export { BundleError, BundleSignatureError, PolicyFilesError } from './errors.js';
