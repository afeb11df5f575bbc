import { describe, expect, it } from 'vitest';
import { trendCompanyIdExtension, visionOneAdvice } from './trend-cef-profile.js';
import { visionOneConnection } from './vision-one-connection.js';

const TOKEN = 'secret-token-a1b2c3';
// Trend's example company ID (cef-workbench-logs, TrendMicroV1CompanyID row).
const COMPANY = '68960c94-9be6-4343-a4ca-6408de7aa331';

describe('companyId', () => {
  it('is optional and kept as a lower-case UUID', () => {
    expect(visionOneConnection.parse({ token: TOKEN }).companyId).toBeUndefined();
    expect(visionOneConnection.parse({ token: TOKEN, companyId: COMPANY }).companyId).toBe(COMPANY);
    expect(visionOneConnection.parse({ token: TOKEN, companyId: ` ${COMPANY.toUpperCase()} ` }).companyId).toBe(COMPANY);
  });

  it.each(['', 'acme', '68960c94-9be6-4343-a4ca-6408de7aa33', '68960c94_9be6_4343_a4ca_6408de7aa331', `{${COMPANY}}`])(
    'rejects %j, naming the expected form',
    (companyId) => {
      const result = visionOneConnection.safeParse({ token: TOKEN, companyId });
      expect(result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
        ['companyId', 'must be the Vision One company ID, a UUID like 68960c94-9be6-4343-a4ca-6408de7aa331'],
      ]);
    },
  );
});

describe('visionOneAdvice', () => {
  it('warns about a missing companyId with the fix, and says nothing once it is set', () => {
    expect(visionOneAdvice(visionOneConnection.parse({ token: TOKEN }))).toEqual([
      {
        path: ['companyId'],
        message:
          "is not set, so no event will carry TrendMicroV1CompanyID, which Trend's own connector sends on every line. " +
          'The Vision One API cannot tell us the company ID: copy it (a UUID) from the Vision One console and set ' +
          '`companyId: <uuid>`.',
      },
    ]);
    expect(visionOneAdvice(visionOneConnection.parse({ token: TOKEN, companyId: COMPANY }))).toEqual([]);
  });
});

describe('trendCompanyIdExtension', () => {
  it('is TrendMicroV1CompanyID=<id>, or nothing without an id', () => {
    expect(trendCompanyIdExtension(COMPANY)).toEqual([['TrendMicroV1CompanyID', COMPANY]]);
    expect(trendCompanyIdExtension(undefined)).toEqual([]);
  });
});
