import { composeDataText } from '../bundle/data-documents.js';
import { DocumentEditor } from './data-writes/document-editor.js';
import { editDocument } from './data-writes/data-operation.js';
import type { RevisionParts } from './revision.js';
import { canonicalCopy } from './canonical-json.js';
import { parseJsonExact } from './exact-json.js';

const decoder = new TextDecoder();

/**
 * A revision's data as a JS value, its data writes made: for tools that evaluate beside the service
 * (the console's playground). It parses the whole data on the calling thread, so the service never
 * calls it to answer checks.
 */
export function revisionDataValue(parts: RevisionParts): Record<string, unknown> {
  const root = parts.dataDocuments
    ? (parseJsonExact(decoder.decode(composeDataText(parts.dataDocuments))) as Record<string, unknown>)
    : canonicalCopy(parts.data ?? {});
  for (const batch of parts.operations ?? []) {
    const editor = new DocumentEditor(root);
    try {
      for (const operation of batch) editDocument(editor, operation);
    } catch {
      // A batch the data did not take was skipped by the instances too.
    }
  }
  return root;
}
