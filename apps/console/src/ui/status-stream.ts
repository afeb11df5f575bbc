import { useEffect, useState } from 'preact/hooks';
import type { StatusResponse } from '../api.js';

export interface LiveStatus {
  readonly status: StatusResponse | undefined;
  /** `live`: events arrive; `connecting`: (re)connecting; `stopped`: the stream was refused (signed out). */
  readonly state: 'connecting' | 'live' | 'stopped';
}

/**
 * The daemon's status, live: `GET /api/status/stream` (server-sent events, the session cookie goes with it), one
 * `status` event at once and every 2 s. The browser's EventSource reconnects by itself after a dropped stream.
 */
export const useStatusStream = (): LiveStatus => {
  const [live, setLive] = useState<LiveStatus>({ status: undefined, state: 'connecting' });
  useEffect(() => {
    const source = new EventSource('/api/status/stream');
    source.addEventListener('status', (event) => {
      try {
        setLive({ status: JSON.parse((event as MessageEvent<string>).data) as StatusResponse, state: 'live' });
      } catch {
        // A malformed event is skipped; the next one comes in 2 s.
      }
    });
    source.addEventListener('error', () => {
      setLive((current) => ({ ...current, state: source.readyState === EventSource.CLOSED ? 'stopped' : 'connecting' }));
    });
    return () => source.close();
  }, []);
  return live;
};
