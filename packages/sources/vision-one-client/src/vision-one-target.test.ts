import { describe, expect, it } from 'vitest';
import { describeVisionOneTarget } from './vision-one-target.js';

describe('describeVisionOneTarget', () => {
  it('names the data, the API base URL and the company, when set', () => {
    expect(describeVisionOneTarget('OAT detections', 'https://api.eu.xdr.trendmicro.com', '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17')).toBe(
      'Vision One OAT detections at https://api.eu.xdr.trendmicro.com (company 3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17)',
    );
    expect(describeVisionOneTarget('audit logs', 'http://127.0.0.1:8080', undefined)).toBe('Vision One audit logs at http://127.0.0.1:8080');
  });
});
