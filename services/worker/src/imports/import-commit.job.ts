import { z } from 'zod';
import { copyingTransaction, type Database } from '../../../core/src/db/database.ts';
import { updateImport } from '../../../core/src/db/imports.repo.ts';
import { commitImport } from '../../../core/src/imports/commit.ts';
import { defineJob } from '../jobs.ts';

export const IMPORT_COMMIT_ATTEMPTS = 2;

/**
 * Job `import.commit`: writes a large import in one transaction (all or
 * nothing). Progress (rows done) is written outside that transaction so that
 * GET /imports/{id} shows it while the job runs.
 */
export function importCommitJob(db: Database) {
  return defineJob({
    payload: z.object({ importId: z.uuid() }),
    attempts: IMPORT_COMMIT_ATTEMPTS,
    backoffMs: 2000,
    handle: async ({ importId }, job) => {
      try {
        const outcome = await copyingTransaction(db, (trx, copy) =>
          commitImport(trx, copy, importId, async (rowsDone) => {
            await updateImport(db, importId, { rows_done: rowsDone });
            await job.updateProgress(rowsDone);
          }),
        );
        return outcome;
      } catch (err) {
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await updateImport(db, importId, {
          rows_done: 0,
          ...(final ? { status: 'failed' as const } : {}),
          error: err instanceof Error ? err.message : String(err),
        }).catch(() => undefined);
        throw err;
      }
    },
  });
}
