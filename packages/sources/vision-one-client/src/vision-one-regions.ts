/**
 * Vision One regional API hosts (FACTS §B.1, from Trend's "Regional domains" guide as copied by V1MCP
 * `internal/v1client/v1client.go`). Japan is `.co.jp` without a region label; usgov is [UNCONFIRMED].
 */
export const VISION_ONE_REGIONS = {
  us: 'https://api.xdr.trendmicro.com',
  eu: 'https://api.eu.xdr.trendmicro.com',
  jp: 'https://api.xdr.trendmicro.co.jp',
  sg: 'https://api.sg.xdr.trendmicro.com',
  au: 'https://api.au.xdr.trendmicro.com',
  in: 'https://api.in.xdr.trendmicro.com',
  mea: 'https://api.mea.xdr.trendmicro.com',
  uk: 'https://api.uk.xdr.trendmicro.com',
  usgov: 'https://api.usgov.xdr.trendmicro.com',
} as const;

export type VisionOneRegion = keyof typeof VISION_ONE_REGIONS;

export const VISION_ONE_REGION_NAMES = Object.keys(VISION_ONE_REGIONS) as [VisionOneRegion, ...VisionOneRegion[]];
