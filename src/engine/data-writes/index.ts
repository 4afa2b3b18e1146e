export { DocumentEditor } from './document-editor.js';
export { editDocument, jsonPatch, type DataOperation, type JsonPatchOperation } from './data-operation.js';
export { instanceWrites, instanceWritesAt, type InstanceWrite } from './instance-writes.js';
export { pointerText, pointerTokens } from './json-pointer.js';
export { applyToPolicy } from './policy-data-writes.js';
export { withDataWritten } from './written-revision.js';
export { applyOperations, replayOperations } from './apply-operations.js';
export { instanceDataReader, type DataReader } from './instance-data.js';
export { operationPaths, sparseDocument } from './sparse-document.js';
