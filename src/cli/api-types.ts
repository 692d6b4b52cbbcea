/**
 * Shapes of the control API's JSON responses (docs/api.md), as the CLI reads them. The records are
 * the server's own types; only the wrappers and the fields the API adds live here.
 */
import type { InvocationRecord, LogEntry, PublishedVersion } from '../core/types.js';
import type {
  DeployReport,
  FunctionDetail,
  FunctionSummary,
  RouteEntry,
} from '../functions/control-plane.js';
import type { AsyncInvocationRecord } from '../store/delivery-repositories.js';

export type { AsyncInvocationRecord, DeployReport, InvocationRecord, LogEntry, RouteEntry };

/** Instance counts the API adds to a function; optional so an older server still lists. */
export interface InstanceCounts {
  busy: number;
  idle: number;
}

export interface ApiFunctionSummary extends FunctionSummary {
  instances?: InstanceCounts;
}

export interface ApiFunctionDetail extends FunctionDetail {
  instances?: InstanceCounts;
}

export interface FunctionList {
  functions: ApiFunctionSummary[];
}

export interface RouteList {
  routes: RouteEntry[];
}

export interface InvocationList {
  invocations: InvocationRecord[];
}

/** `GET /_gust/v1/invocations/{requestId}`: either record may be missing, never both. */
export interface InvocationView {
  requestId: string;
  functionName: string;
  /** The invocation record (of the latest attempt, for an async one); null until one ran. */
  invocation: InvocationRecord | null;
  /** The status of an asynchronous invocation; null for a synchronous one. */
  async: AsyncInvocationRecord | null;
}

export interface AsyncInvocationList {
  asyncInvocations: AsyncInvocationRecord[];
}

export interface LogPage {
  logs: LogEntry[];
  lastId: number;
}

/** `POST /_gust/v1/functions/{name}/versions`; `created` is false when the code was already published. */
export interface PublishResult extends PublishedVersion {
  created: boolean;
}

export interface LogQuery {
  since?: number;
  afterId?: number;
  requestId?: string;
  limit?: number;
}

export interface InvokeRequest {
  payload: string;
  qualifier?: string;
  async?: boolean;
  logTail?: boolean;
}

/** What the Invoke API answered, without interpretation beyond the documented headers. */
export interface InvokeResponse {
  status: number;
  requestId: string | null;
  executedVersion: string | null;
  /** `X-Amz-Function-Error` (Unhandled, Handled) when the function failed. */
  functionError: string | null;
  /** The decoded `X-Amz-Log-Result`, when the log tail was asked for. */
  logTail: string | null;
  /** The response body: the function's result, or its error payload. */
  body: string;
}
