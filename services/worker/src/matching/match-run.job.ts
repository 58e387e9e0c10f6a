import { z } from 'zod';
import type { Database } from '../../../core/src/db/database.ts';
import { defineJob } from '../jobs.ts';
import { executeMatchRun, SnapshotCache } from './match-run.ts';
import { recordFailure } from './matching.repo.ts';

export const MATCH_RUN_ATTEMPTS = 3;

/** Job `match.run`: one territory's full run or one diagnostic's rematch (the run row says which). */
export function matchRunJob(db: Database, cache = new SnapshotCache()) {
  return defineJob({
    payload: z.object({ runId: z.uuid() }),
    attempts: MATCH_RUN_ATTEMPTS,
    backoffMs: 2000,
    handle: async ({ runId }, job) => {
      try {
        return await executeMatchRun(db, runId, (p) => job.updateProgress(p), cache);
      } catch (err) {
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await recordFailure(
          db,
          runId,
          err instanceof Error ? err.message : String(err),
          final,
        ).catch(() => undefined);
        throw err;
      }
    },
  });
}
