/**
 * Builds a `TMV1-Filter` header value (FACTS §B.4): `(field eq 'a') or (field eq 'b')`, the form FACTS §B.6 gives
 * for the connector's OAT risk levels. A quote inside a value is doubled (`''`), the OData convention —
 * [UNCONFIRMED] for Vision One, which documents no escape.
 */
export const tmv1AnyOf = (field: string, values: readonly string[]): string =>
  values.map((value) => `(${field} eq '${value.replaceAll("'", "''")}')`).join(' or ');
