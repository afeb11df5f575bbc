import type { ScreenEditor } from '../screen-editor.js';
import { Notice } from './notice.js';

/**
 * The end of a setup screen's form: the last save's message (after a 409, the file changed on disk, with the button
 * that reads the file again) and the Save button, which stays focusable while a save runs.
 */
const SaveNotice = <F,>({ editor }: { readonly editor: ScreenEditor<F> }) => (
  <Notice notice={editor.notice}>
    {!editor.conflict ? null : (
      <button type="button" onClick={() => void editor.reload().then(() => editor.announce({ kind: 'info', text: 'The settings were read again from the config file. Make your change again, then save.' }))}>
        Read the settings again
      </button>
    )}
  </Notice>
);

export const SaveFooter = <F,>({ editor }: { readonly editor: ScreenEditor<F> }) => (
  <>
    <SaveNotice editor={editor} />
    <div class="actions">
      <button type="submit" class="primary" aria-disabled={editor.saving ? 'true' : undefined}>
        Save
      </button>
    </div>
  </>
);
