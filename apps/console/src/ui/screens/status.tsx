import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { DeadLettersResponse, DeadLetterView, DestinationStatusView, RecentLinesResponse, RetryResponse } from '../../api.js';
import { ApiFailure, type ApiClient } from '../api-client.js';
import { Notice, type NoticeState } from '../components/notice.js';
import { TableHead } from '../components/screen-parts.js';
import { useStatusStream } from '../status-stream.js';

const time = (epochMs: number | undefined): string => (epochMs === undefined ? '—' : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19));
/** The start of a dead letter's JSON that the table shows: enough to recognise the item, not a wall of text. */
const EXCERPT_SHOWN = 120;
const count = (n: number): string => n.toLocaleString('en');

const expiry = (destination: DestinationStatusView) =>
  destination.certificates.length === 0
    ? '—'
    : destination.certificates.map((c) => (
        <span key={`${c.role}-${c.subject}`} class={c.expiresSoon ? 'badge badge-warn' : undefined}>
          {c.role === 'ca' ? 'CA' : 'client'} {time(c.notAfter).slice(0, 10)} ({c.daysLeft} days){' '}
        </span>
      ));

/** The last lines a destination sent, exactly as sent; read when opened and again on each status update while open. */
const RecentLines = ({ api, destination, tick }: { readonly api: ApiClient; readonly destination: string; readonly tick: number | undefined }) => {
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState<RecentLinesResponse['lines']>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!open) return;
    api.get<RecentLinesResponse>(`/api/destinations/${encodeURIComponent(destination)}/recent`).then(
      (answer) => {
        setLines(answer.lines);
        setError(undefined);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [api, destination, open, tick]);
  return (
    <details class="recent" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Last lines sent to {destination}</summary>
      {error !== undefined ? (
        <p role="alert">{error}</p>
      ) : lines === undefined ? (
        <p>Reading…</p>
      ) : lines.length === 0 ? (
        <p>Nothing sent since the connector started.</p>
      ) : (
        <pre class="lines" tabIndex={0} aria-label={`Last ${lines.length} lines sent to ${destination}, oldest first`}>
          {lines.map((line) => `${line.text}\n`).join('')}
        </pre>
      )}
    </details>
  );
};

/** Dead-lettered events and items with their reason; a destination's can be sent again. */
const DeadLetters = ({ api, total }: { readonly api: ApiClient; readonly total: number }) => {
  const [items, setItems] = useState<readonly DeadLetterView[]>();
  const [notice, setNotice] = useState<NoticeState>();
  const [error, setError] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  const read = useCallback(() => {
    api.get<DeadLettersResponse>('/api/dead-letters?limit=100').then(
      (answer) => {
        setItems(answer.items);
        setError(undefined);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [api]);
  // Read again whenever the status says the count changed (a new dead letter, or one retried elsewhere).
  useEffect(read, [read, total]);

  const retry = async (item: DeadLetterView) => {
    try {
      const answer = await api.post<RetryResponse>(`/api/dead-letters/${encodeURIComponent(item.id)}/retry`, {});
      setNotice({ kind: 'ok', text: `Sent again to ${item.destination ?? 'its destination'}: ${answer.line}` });
      heading.current?.focus();
      read();
    } catch (failure) {
      const hint = failure instanceof ApiFailure ? failure.body.hint : undefined;
      setNotice({ kind: 'error', text: `Not sent: ${(failure as Error).message}`, ...(hint === undefined ? {} : { hint }) });
    }
  };

  return (
    <section aria-labelledby="dead-letters-heading">
      <h2 id="dead-letters-heading" ref={heading} tabIndex={-1}>
        Dead letters
      </h2>
      <Notice notice={notice} />
      {error !== undefined ? (
        <p role="alert">The dead letters could not be read: {error}</p>
      ) : items === undefined ? (
        <p>Reading…</p>
      ) : items.length === 0 ? (
        <p>None: every event was delivered or is on its way.</p>
      ) : (
        <table class="dead-letters">
          <caption class="visually-hidden">Dead-lettered events, newest first</caption>
          <TableHead columns={['Time', 'Source', 'Destination', 'Reason', 'Excerpt', 'Action']} />
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{time(item.time)}</td>
                <td>{item.source}</td>
                <td>{item.destination ?? '—'}</td>
                <td>{item.reason}</td>
                <td>
                  <code class="excerpt">{item.excerpt.length > EXCERPT_SHOWN ? `${item.excerpt.slice(0, EXCERPT_SHOWN)}…` : item.excerpt}</code>
                </td>
                <td>
                  {item.retriable ? (
                    <button type="button" onClick={() => void retry(item)}>
                      Retry<span class="visually-hidden"> {item.key}</span>
                    </button>
                  ) : (
                    <span class="hint">Not retriable: the source could not read it</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

/** Status: every source and destination, live through the status stream; the last lines sent; the dead letters. */
export const StatusScreen = ({ api }: { readonly api: ApiClient }) => {
  const { status, state } = useStatusStream();
  const deadLettered = status === undefined ? 0 : [...status.sources, ...status.destinations].reduce((sum, s) => sum + s.deadLettered, 0);
  return (
    <main id="main">
      <h1 tabIndex={-1}>Status</h1>
      <p class="live">
        <span class={state === 'live' ? 'badge badge-ok' : 'badge badge-warn'}>{state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Stopped'}</span>{' '}
        {status === undefined ? 'Waiting for the first update.' : `Updated ${time(status.at)} UTC${status.running ? '' : ' — the connector is not running (starting or stopping)'}.`}
      </p>
      <section aria-labelledby="sources-heading">
        <h2 id="sources-heading">Sources</h2>
        <table>
          <caption class="visually-hidden">Sources</caption>
          <TableHead columns={['Source', 'Type', 'Last poll', 'Polls', 'Fetched', 'Errors', 'Last error']} />
          <tbody>
            {(status?.sources ?? []).map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.id}</th>
                <td>{s.type}</td>
                <td>{time(s.lastPollAt)}</td>
                <td>{count(s.polls)}</td>
                <td>{count(s.fetched)}</td>
                <td>{count(s.errors)}</td>
                <td>{s.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="destinations-heading">
        <h2 id="destinations-heading">Destinations</h2>
        <table>
          <caption class="visually-hidden">Destinations</caption>
          <TableHead columns={['Destination', 'Target', 'Connected', 'Delivered', 'Lag', 'Reconnects', 'Last error', 'Certificate expiry']} />
          <tbody>
            {(status?.destinations ?? []).map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.id}</th>
                <td>
                  {d.protocol} {d.target}
                </td>
                <td>{d.connected ? <span class="badge badge-ok">Yes</span> : <span class="badge badge-error">No</span>}</td>
                <td>{count(d.delivered)}</td>
                <td>
                  {count(d.lag)} events{d.lagMs > 0 ? `, ${(d.lagMs / 1000).toFixed(1)} s` : ''}
                </td>
                <td>{count(d.reconnects)}</td>
                <td>{d.lastError === undefined ? '—' : `${d.lastError} (${time(d.lastErrorAt)})`}</td>
                <td>{expiry(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">Last lines sent</h2>
        <p class="hint">The last 50 messages each destination sent, exactly as sent (without framing), oldest first.</p>
        {(status?.destinations ?? []).map((d) => (
          <RecentLines key={d.id} api={api} destination={d.id} tick={status?.at} />
        ))}
      </section>
      <DeadLetters api={api} total={deadLettered} />
    </main>
  );
};
