/**
 * A time as the Vision One API takes it in query parameters: ISO-8601 UTC `yyyy-MM-ddThh:mm:ssZ`, without
 * milliseconds (FACTS §B.5). Milliseconds are cut, never rounded up, so a window end never moves into the future.
 */
export const toVisionOneDateTime = (epochMs: number): string =>
  new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
