import type { ComponentChildren } from 'preact';

export type NoticeKind = 'ok' | 'error' | 'info';

export interface NoticeState {
  readonly kind: NoticeKind;
  readonly text: string;
  readonly hint?: string;
}

const Body = ({ notice, children }: { readonly notice: NoticeState; readonly children?: ComponentChildren }) => (
  <div class={`notice notice-${notice.kind}`}>
    <p>{notice.text}</p>
    {notice.hint === undefined ? null : <p class="hint">{notice.hint}</p>}
    {children}
  </div>
);

/**
 * A message about the last action. Both live regions stay in the page (a screen reader hears only what is put into
 * a region that already exists): errors go to the `alert` one, at once; the rest to the polite `status` one.
 */
export const Notice = ({ notice, children }: { readonly notice: NoticeState | undefined; readonly children?: ComponentChildren }) => (
  <div class="notices">
    <div role="status">{notice !== undefined && notice.kind !== 'error' ? <Body notice={notice}>{children}</Body> : null}</div>
    <div role="alert">{notice?.kind === 'error' ? <Body notice={notice}>{children}</Body> : null}</div>
  </div>
);
