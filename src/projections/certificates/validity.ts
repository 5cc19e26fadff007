/**
 * "Holds a VALID certificate at t" as SQL over rm_certificates, for filters that
 * must not load certificates: the SQL twin of the domain's holdsValidCertificate
 * (issued by t, not revoked at or before t, valid through validUntil).
 */
import { type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function validAt(eb: ExpressionBuilder<any, any>, table: string, at: string): Expression<SqlBool> {
  return eb.and([
    eb(`${table}.issued_at`, '<=', at),
    eb.or([eb(`${table}.revoked_at`, 'is', null), eb(`${table}.revoked_at`, '>', at)]),
    eb.or([eb(`${table}.valid_until`, 'is', null), eb(`${table}.valid_until`, '>=', at)]),
  ]);
}
