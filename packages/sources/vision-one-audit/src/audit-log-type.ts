import type { AuditLogType } from './audit-options.js';

/**
 * Audit `category` → the connector's log type (FACTS §B.7: which categories count as Account and which as System
 * is [UNCONFIRMED]; Trend's two examples are "Sign in and sign out" → Account and "Reports" → System). The rule:
 * a category about who may sign in and with what rights — sign-in, user accounts, roles — is `account`; one about
 * what the platform and its connected products do is `system`. Matched case-insensitively.
 */
export const AUDIT_CATEGORY_LOG_TYPES: Readonly<Record<string, AuditLogType>> = {
  'sign in and sign out': 'account',
  'logon and logoff': 'account',
  'account management': 'account',
  'user accounts': 'account',
  'user roles': 'account',
  'role management': 'account',
  reports: 'system',
  'product connector': 'system',
  'product management': 'system',
  'api keys': 'system',
  'service gateway management': 'system',
  'third-party integration': 'system',
  notifications: 'system',
  'response management': 'system',
  'workbench': 'system',
  'console settings': 'system',
  'license management': 'system',
};

/** The log type of a category, or undefined for a category in neither list. */
export const auditLogTypeOf = (category: string | undefined): AuditLogType | undefined => {
  if (category === undefined) return undefined;
  const key = category.trim().toLowerCase();
  return Object.hasOwn(AUDIT_CATEGORY_LOG_TYPES, key) ? AUDIT_CATEGORY_LOG_TYPES[key] : undefined;
};
