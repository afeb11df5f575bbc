import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiClient } from './api-client.js';
import { MdiScreenView } from './screens/mdi.js';
import { SignIn } from './screens/sign-in.js';
import { StatusScreen } from './screens/status.js';
import { VisionOneScreenView } from './screens/vision-one.js';

type Route = 'vision-one' | 'mdi' | 'status';

const ROUTES: readonly { readonly route: Route; readonly label: string }[] = [
  { route: 'vision-one', label: 'Trend Vision One' },
  { route: 'mdi', label: 'Microsoft Defender for Identity' },
  { route: 'status', label: 'Status' },
];

// Hash routes (#/status): the listener serves one index.html and needs no fallback for deep links.
const routeOf = (hash: string): Route => ROUTES.find((r) => hash === `#/${r.route}`)?.route ?? 'vision-one';

const api = new ApiClient();

export const App = () => {
  const [session, setSession] = useState<'checking' | 'signed-in' | 'signed-out' | 'unreachable'>('checking');
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  const firstRoute = useRef(true);

  useEffect(() => {
    api.signedOut(() => setSession('signed-out'));
    api.resume().then(
      (resumed) => setSession(resumed ? 'signed-in' : 'signed-out'),
      () => setSession('unreachable'),
    );
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // A new screen takes focus on its heading, so a keyboard or screen reader user starts there (not on the link).
  useEffect(() => {
    if (session !== 'signed-in') return;
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route, session]);

  useEffect(() => {
    const label = session === 'signed-in' ? ROUTES.find((r) => r.route === route)?.label : 'Sign in';
    document.title = `${label ?? 'Console'} · syslog-connector`;
  }, [route, session]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setSession('signed-out');
    }
  }, []);

  if (session === 'checking') {
    return (
      <main id="main">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (session === 'unreachable') {
    return (
      <main id="main">
        <h1>The connector does not answer</h1>
        <p role="alert">The console could not reach the connector's admin API. Check that the daemon runs, then reload this page.</p>
      </main>
    );
  }
  if (session === 'signed-out') return <SignIn api={api} onSignedIn={() => setSession('signed-in')} />;

  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => {
        event.preventDefault();
        document.querySelector<HTMLElement>('main h1')?.focus();
      }}>
        Skip to content
      </a>
      <header class="top">
        <p class="brand">syslog-connector</p>
        <nav aria-label="Screens">
          <ul>
            {ROUTES.map((r) => (
              <li key={r.route}>
                <a href={`#/${r.route}`} aria-current={route === r.route ? 'page' : undefined}>
                  {r.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="link-button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {route === 'vision-one' ? <VisionOneScreenView api={api} /> : route === 'mdi' ? <MdiScreenView api={api} /> : <StatusScreen api={api} />}
    </>
  );
};
