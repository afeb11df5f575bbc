import { z, type Checkpoint } from '@syslog-connector/core';

/** The two time fields a workbench window can select on (FACTS §B.5 `dateTimeTarget`). */
export type WorkbenchDateTimeTarget = 'createdDateTime' | 'updatedDateTime';

/**
 * The end of the window read last, per date-time target, as an API time (`2026-03-01T11:59:50Z`): the next poll
 * starts there (minus the overlap). Stored in the journal with the events it covers; readable on purpose.
 */
export interface WorkbenchCheckpoint {
  readonly version: 1;
  readonly windows: Partial<Record<WorkbenchDateTimeTarget, string>>;
  /** Per target, after a poll ran into a source limit: the narrowed window length (ms) to go on with. */
  readonly spans?: Partial<Record<WorkbenchDateTimeTarget, number>>;
}

const apiTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

const checkpointSchema = z.object({
  version: z.literal(1),
  windows: z.object({ createdDateTime: apiTime.optional(), updatedDateTime: apiTime.optional() }),
  spans: z.object({ createdDateTime: z.number().int().positive().optional(), updatedDateTime: z.number().int().positive().optional() }).optional(),
});

/**
 * The checkpoints `toCheckpoint` made in this process: the runner hands the last one back to the next poll (an idle
 * source's checkpoint waits in memory, issue #20), and one made here needs no validation.
 */
const made = new WeakSet<Checkpoint>();

/** The stored checkpoint, or undefined when there is none or it is not one this version wrote. */
export const readWorkbenchCheckpoint = (checkpoint: Checkpoint | undefined): WorkbenchCheckpoint | undefined => {
  if (checkpoint === undefined) return undefined;
  if (made.has(checkpoint)) return checkpoint as unknown as WorkbenchCheckpoint;
  const result = checkpointSchema.safeParse(checkpoint);
  if (!result.success) return undefined;
  const windows: Partial<Record<WorkbenchDateTimeTarget, string>> = {};
  if (result.data.windows.createdDateTime !== undefined) windows.createdDateTime = result.data.windows.createdDateTime;
  if (result.data.windows.updatedDateTime !== undefined) windows.updatedDateTime = result.data.windows.updatedDateTime;
  const spans: Partial<Record<WorkbenchDateTimeTarget, number>> = {};
  if (result.data.spans?.createdDateTime !== undefined) spans.createdDateTime = result.data.spans.createdDateTime;
  if (result.data.spans?.updatedDateTime !== undefined) spans.updatedDateTime = result.data.spans.updatedDateTime;
  return Object.keys(spans).length === 0 ? { version: 1, windows } : { version: 1, windows, spans };
};

export const toCheckpoint = (
  windows: Partial<Record<WorkbenchDateTimeTarget, string>>,
  spans: Partial<Record<WorkbenchDateTimeTarget, number>> = {},
): Checkpoint => {
  const checkpoint: Checkpoint = Object.keys(spans).length === 0 ? { version: 1, windows: { ...windows } } : { version: 1, windows: { ...windows }, spans: { ...spans } };
  made.add(checkpoint);
  return checkpoint;
};
