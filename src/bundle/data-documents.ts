import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PolicyFilesError } from './errors.js';
import { hashInSlices } from './sliced-hash.js';
import { mountData, parseDataFile } from './policy-files.js';
import { stringifyJsonExact } from '../engine/exact-json.js';

/**
 * A data file as its JSON text, mounted at a path under `data`: what the threads that evaluate load
 * straight into their Wasm instances. The thread that reads it never parses it (a YAML file, small,
 * is turned into JSON text when read).
 */
export interface DataDocument {
  readonly mount: readonly string[];
  /** Where it came from, for errors. */
  readonly file: string;
  readonly json: Uint8Array;
}

interface MountNode {
  document?: DataDocument;
  readonly children: Map<string, MountNode>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function tree(documents: readonly DataDocument[]): MountNode {
  const root: MountNode = { children: new Map() };
  for (const document of documents) {
    let node = root;
    for (const key of document.mount) {
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = { children: new Map() }));
      node = child;
    }
    // Two or more files at one mount point (data.json and data.yaml): merged as values below.
    if (node.document) node.children.set(`\0${node.children.size}`, { document, children: new Map() });
    else node.document = document;
  }
  return root;
}

function documentsUnder(node: MountNode, above: string[], out: DataDocument[]): DataDocument[] {
  if (node.document) out.push({ ...node.document, mount: node.document.mount.slice(above.length) });
  for (const child of node.children.values()) documentsUnder(child, above, out);
  return out;
}

/** The text of `node`'s subtree as chunks: documents spliced in as they are, merged as values only where two meet. */
function compose(node: MountNode, at: string[], out: Uint8Array[]): void {
  if (node.document && node.children.size === 0) {
    out.push(node.document.json);
    return;
  }
  if (node.document) {
    const merged: Record<string, unknown> = {};
    for (const d of documentsUnder(node, at, [])) mountData(merged, [...d.mount], parseDataFile('data.json', decoder.decode(d.json.slice()), d.file), d.file);
    out.push(encoder.encode(stringifyJsonExact(merged)));
    return;
  }
  let first = true;
  out.push(encoder.encode('{'));
  for (const [key, child] of node.children) {
    out.push(encoder.encode(`${first ? '' : ','}${JSON.stringify(key)}:`));
    first = false;
    compose(child, [...at, key], out);
  }
  out.push(encoder.encode('}'));
}

/**
 * The whole data document as one JSON text, for the SDK's `setData`: each file's bytes copied once,
 * parsed only where two files share a mount point.
 *
 * @throws PolicyFilesError for files that cannot be merged
 */
export function composeDataText(documents: readonly DataDocument[]): ArrayBuffer {
  const only = documents.length === 1 && documents[0]!.mount.length === 0 ? documents[0]!.json : undefined;
  if (only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength && only.buffer instanceof ArrayBuffer) return only.buffer;
  const chunks: Uint8Array[] = [];
  if (documents.length === 0) chunks.push(encoder.encode('{}'));
  else compose(tree(documents), [], chunks);
  const text = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    text.set(chunk, at);
    at += chunk.byteLength;
  }
  return text.buffer;
}

/**
 * Why the instance could not parse the data: the first file that is not valid JSON, with its
 * line:col, or a general message when each file is (then two could not be merged).
 */
export function dataSyntaxError(documents: readonly DataDocument[], cause: unknown): Error {
  for (const document of documents) {
    try {
      parseDataFile('data.json', decoder.decode(document.json.slice()), document.file);
    } catch (e) {
      if (e instanceof PolicyFilesError) return e;
    }
  }
  return new Error(`data could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`);
}

/**
 * A file's bytes in shared memory, read by Node's I/O threads: handed to every evaluation thread
 * without a copy on the thread that reads it (a 77 MB copy per thread would hold it up for tens of ms).
 */
export async function readFileShared(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    let bytes = new Uint8Array(new SharedArrayBuffer(Math.max(1, (await handle.stat()).size)));
    let length = 0;
    for (;;) {
      // A file that grew since its size was read is read to its end.
      if (length === bytes.length) {
        const larger = new Uint8Array(new SharedArrayBuffer(bytes.length * 2));
        larger.set(bytes);
        bytes = larger;
      }
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return bytes.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** A data file's text, checked only where it is cheap (a root document must be an object). */
export function dataDocument(file: string, mount: readonly string[], text: Uint8Array): DataDocument {
  if (mount.length === 0) {
    let i = 0;
    while (i < text.length && (text[i] === 0x20 || text[i] === 0x0a || text[i] === 0x0d || text[i] === 0x09)) i++;
    if (i < text.length && text[i] !== 0x7b) throw new PolicyFilesError(file, 'a data file at the root must hold an object');
  }
  return { mount, file, json: text };
}

/** A YAML data file, parsed (it is small) and kept as JSON text. */
export function yamlDataDocument(file: string, mount: readonly string[], text: string): DataDocument {
  const value = parseDataFile(file, text, file);
  if (mount.length === 0 && (typeof value !== 'object' || value === null || Array.isArray(value))) throw new PolicyFilesError(file, 'a data file at the root must hold an object');
  return { mount, file, json: encoder.encode(stringifyJsonExact(value ?? null)) };
}

/** A SHA-256 over the documents' mounts and bytes, hashed in slices (see hashInSlices). */
export async function dataDigest(documents: readonly DataDocument[]): Promise<string> {
  const hash = createHash('sha256');
  for (const document of documents) {
    hash.update(`${JSON.stringify(document.mount)}\0`);
    await hashInSlices(hash, document.json);
    hash.update('\0');
  }
  return hash.digest('hex');
}
