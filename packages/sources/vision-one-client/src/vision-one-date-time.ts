/** The last few seconds turned into text, newest first: a poll asks for its window's edges several times, and the polls of one wake-up share their end (issue #20). */
const recent: Array<{ second: number; text: string }> = [];
const RECENT = 4;

/**
 * A time as the Vision One API takes it in query parameters: ISO-8601 UTC `yyyy-MM-ddThh:mm:ssZ`, without
 * milliseconds (FACTS §B.5). Milliseconds are cut, never rounded up, so a window end never moves into the future.
 */
export const toVisionOneDateTime = (epochMs: number): string => {
  const second = Math.floor(epochMs / 1000);
  for (const entry of recent) if (entry.second === second) return entry.text;
  // `.000Z` ends every such ISO text; an invalid time throws here as it always did.
  const text = `${new Date(second * 1000).toISOString().slice(0, -5)}Z`;
  if (recent.length >= RECENT) recent.pop();
  recent.unshift({ second, text });
  return text;
};
