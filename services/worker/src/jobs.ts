import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Database } from '../../core/src/db/database.ts';
import { importCommitJob } from './imports/import-commit.job.ts';
import { matchRunJob } from './matching/match-run.job.ts';

/**
 * The typed job registry: each job name maps to a zod payload schema and a
 * handler. Payloads are untrusted: a payload failing its schema is an
 * UnrecoverableError (no retry loop). Attempts and backoff are set per job.
 */
export interface JobDefinition<S extends z.ZodType> {
  payload: S;
  attempts: number;
  backoffMs: number;
  handle: (payload: z.infer<S>, job: Job) => Promise<unknown>;
}

export type JobRegistry = Record<string, JobDefinition<z.ZodType>>;

/** Keeps the handler's payload type tied to its schema when building a registry. */
export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<z.ZodType> {
  return def;
}

export function buildJobRegistry(deps: { db: Database }): JobRegistry {
  return {
    'match.run': matchRunJob(deps.db),
    'import.commit': importCommitJob(deps.db),
  };
}
