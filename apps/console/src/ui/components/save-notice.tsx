import type { ScreenEditor } from '../screen-editor.js';
import { Notice } from './notice.js';

/** The last save's message; after a 409 (the file changed on disk) with the button that reads the file again. */
export const SaveNotice = <F,>({ editor }: { readonly editor: ScreenEditor<F> }) => (
  <Notice notice={editor.notice}>
    {!editor.conflict ? null : (
      <button type="button" onClick={() => void editor.reload().then(() => editor.announce({ kind: 'info', text: 'The settings were read again from the config file. Make your change again, then save.' }))}>
        Read the settings again
      </button>
    )}
  </Notice>
);
