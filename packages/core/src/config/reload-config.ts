import { z } from 'zod';
import { duration } from '../duration.js';

/**
 * `reload:` — how a running daemon picks up a changed config file. SIGHUP always reloads; with `watch: true` a
 * change to the file does too, once the file has been quiet for `debounce` (an editor's save is often several
 * writes, or a write to a temporary file and a rename). Either way the new file is validated first and refused
 * whole, with every error logged, if it is not valid: the running config stays (DESIGN §7).
 */
export const reloadConfigSchema = z
  .strictObject({
    watch: z.boolean().default(false).describe('Reload when the config file changes, as SIGHUP does; default false'),
    debounce: duration()
      .prefault('1s')
      .describe('How long the file must be quiet after a change before it is read (e.g. 500ms); default 1s'),
  })
  .prefault({})
  .describe('Reloading the config without a restart: SIGHUP always; watch: true also on a file change');

export interface ReloadConfig {
  readonly watch: boolean;
  /** Milliseconds. */
  readonly debounce: number;
}
