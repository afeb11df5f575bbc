/** A duration in the config's own notation (`10s`, `500ms`, `5m`), so error messages quote what the user wrote. */
export const formatDuration = (ms: number): string => {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1_000 && ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
};
