import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, type ApiClient } from '../api-client.js';
import { TextField } from '../components/fields.js';
import { Notice, type NoticeState } from '../components/notice.js';

/** Sign in with the admin token of the config (`admin.token`); the token is sent once and never kept by the page. */
export const SignIn = ({ api, onSignedIn }: { readonly api: ApiClient; readonly onSignedIn: () => void }) => {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<NoticeState>();
  const [errors, setErrors] = useState<string[]>([]);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (token === '') {
      setErrors(['Type the admin token (admin.token in the config file).']);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setErrors([]);
    setNotice(undefined);
    try {
      await api.signIn(token);
      setToken('');
      onSignedIn();
    } catch (error) {
      const failure = error instanceof ApiFailure ? error : undefined;
      if (failure?.status === 401) setErrors(['That is not the admin token. Use the value of admin.token in the config file.']);
      else if (failure?.status === 429) {
        setNotice({ kind: 'error', text: 'Too many sign-in attempts.', hint: `Wait ${failure.retryAfterSeconds ?? 60} seconds, then try again.` });
      } else setNotice({ kind: 'error', text: (error as Error).message, ...(failure?.body.hint === undefined ? {} : { hint: failure.body.hint }) });
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in</h1>
      <p>Sign in with the admin token of this connector: the value of <code>admin.token</code> in its config file.</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <TextField label="Admin token" type="password" value={token} onInput={setToken} errors={errors} autoComplete="current-password" inputRef={input} />
        <button type="submit" class="primary" aria-disabled={busy ? 'true' : undefined}>
          Sign in
        </button>
      </form>
      <Notice notice={notice} />
    </main>
  );
};
