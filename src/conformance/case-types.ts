/** One case of OPA's compliance suite as `../shared/conformance` stores it. */
export interface ConformanceCase {
  note: string;
  query?: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Array<Record<string, unknown>>;
  want_plan_result?: Array<Record<string, unknown>>;
  sort_bindings?: boolean;
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  plan?: unknown;
  entrypoints?: string[];
}

export interface CaseRef {
  category: string;
  file: string;
  index: number;
}

export type CaseStatus = 'pass' | 'fail';

export interface CaseOutcome extends CaseRef {
  note: string;
  wantsError: boolean;
  status: CaseStatus;
  reason?: string;
}

export type Mode = 'plan' | 'rego';
