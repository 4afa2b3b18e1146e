export { compilePlan, compilePlanSync, type CompilePlanOptions } from './compile-plan.js';
export { CodegenError } from './errors.js';
