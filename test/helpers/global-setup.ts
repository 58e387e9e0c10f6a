// Migrates one template database per test run; every test file clones it
// (CREATE DATABASE … TEMPLATE), so files never see each other's rows.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../services/core/src/db/migrate.ts';

export const maintenanceUrl = () =>
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(maintenanceUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the maintenance database (CREATE/DROP DATABASE). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const template = `symbiose_test_tpl_${process.pid}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${template}`);
  await adminQuery(`CREATE DATABASE ${template}`);
  await migrate(databaseUrl(template));
  project.provide('templateDb', template);
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}
