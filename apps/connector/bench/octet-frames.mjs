// Counts octet-counted syslog frames (RFC 6587 §3.4.1) across the chunks of one TCP stream; shared by the sinks of
// the benchmarks (counting-sink.mjs, idle-cost.mjs). `push(chunk)` returns how many frames the chunk completed.
export const frameCounter = () => {
  let pending = Buffer.alloc(0);
  return {
    push(chunk) {
      const buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      let frames = 0;
      for (;;) {
        const space = buffer.indexOf(0x20, at);
        if (space === -1) break;
        const length = Number(buffer.toString('latin1', at, space));
        if (space + 1 + length > buffer.length) break;
        at = space + 1 + length;
        frames += 1;
      }
      pending = buffer.subarray(at);
      return frames;
    },
  };
};
