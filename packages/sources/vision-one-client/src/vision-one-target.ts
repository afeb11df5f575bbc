/**
 * What a Vision One source reads, for the host's screens (`Source.describeTarget`: `validate`, `status`,
 * `test-connection`): the data, the API base URL (the region's, or `baseUrl`, which holds no user, password or
 * query) and the tenant's company ID when set — never the API key.
 * `Vision One workbench alerts at https://api.xdr.trendmicro.com (company 3f9c2a61-…)`.
 */
export const describeVisionOneTarget = (data: string, baseUrl: string, companyId: string | undefined): string =>
  `Vision One ${data} at ${baseUrl}${companyId === undefined ? '' : ` (company ${companyId})`}`;
