/**
 * Rows of api_keys, policies and audit_log as both backends read them, and the records they map
 * to. The SQL that reads them is each backend's; the shape of a row is the schema's (migration 004).
 */
import type { ApiKeyRecord, AuditEntry, KeyStatus, StoredPolicy } from '../security-repositories.js';

export interface KeyRow {
  id: string;
  name: string;
  secret_hash: string;
  secret_enc: string;
  policies: string;
  status: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
}

export const toKey = (row: KeyRow): ApiKeyRecord => {
  const key: ApiKeyRecord = {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    secretEncrypted: row.secret_enc,
    policies: JSON.parse(row.policies) as string[],
    status: row.status as KeyStatus,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
  if (row.last_used_at !== null) key.lastUsedAt = row.last_used_at;
  return key;
};

export interface PolicyRow {
  name: string;
  description: string;
  document: string;
  created_at: number;
  updated_at: number;
}

export const toPolicy = (row: PolicyRow): StoredPolicy => ({
  name: row.name,
  description: row.description,
  document: row.document,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface AuditRow {
  id: number;
  at: number;
  principal: string;
  action: string;
  resource: string;
  outcome: string;
  status: number;
  source_ip: string;
  request_id: string;
  reason: string | null;
}

export const toAudit = (row: AuditRow): AuditEntry => {
  const entry: AuditEntry = {
    id: row.id,
    at: row.at,
    principal: row.principal,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome as AuditEntry['outcome'],
    status: row.status,
    sourceIp: row.source_ip,
    requestId: row.request_id,
  };
  if (row.reason !== null) entry.reason = row.reason;
  return entry;
};
