import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.ts';

export const IMPORT_KINDS = ['companies', 'diagnostics', 'sirene', 'zones'] as const;
export const IMPORT_STATUSES = [
  'uploaded',
  'dry_run_failed',
  'ready',
  'committing',
  'committed',
  'failed',
] as const;

/** 100 MB: larger uploads are refused with 413 before they are read. */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;

export const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/geo+json',
  'application/json',
  'application/octet-stream',
] as const;

export const ImportUploadQuery = z.object({
  kind: z
    .enum(IMPORT_KINDS)
    .describe(
      'companies : feuille « entreprises » ; diagnostics : feuille « flux » (et « entreprises » dans un classeur) ; ' +
        'sirene : fichier StockEtablissement de l’INSEE (ou géo-SIRENE) ; zones : FeatureCollection GeoJSON',
    ),
  filename: z.string().trim().min(1).max(255).optional().describe('Nom du fichier, pour mémoire'),
  communes: z
    .string()
    .regex(/^[0-9AB]{5}(,[0-9AB]{5})*$/, 'codes commune INSEE séparés par des virgules')
    .optional()
    .describe('SIRENE : ne garder que ces communes (codes INSEE, ex. 21231,21166)'),
  zoneId: Uuid.optional().describe(
    'SIRENE : ne garder que les établissements situés dans cette zone',
  ),
});

export const ImportBody = z
  .custom<Buffer>((v) => Buffer.isBuffer(v), 'fichier attendu')
  .meta({
    description:
      'Le fichier brut (100 Mo au plus) : CSV (UTF-8 ou Windows-1252, séparateur ; ou ,), XLSX, ou GeoJSON pour les zones',
    type: 'string',
    format: 'binary',
  });

export const ImportProblem = z
  .object({
    sheet: z.string().optional().describe('Feuille (ou fichier) concerné'),
    row: z.number().int().describe('Numéro de ligne tel que le tableur l’affiche (en-tête = 1)'),
    column: z.string().nullable(),
    value: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'ImportProblem' });

export const Import = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(['csv', 'xlsx', 'geojson']),
    filename: z.string().nullable(),
    sha256: z.string(),
    options: z.record(z.string(), z.unknown()),
    status: z
      .enum(IMPORT_STATUSES)
      .describe(
        'dry_run_failed : des lignes sont en erreur (voir problems), rien ne peut être écrit ; ready : prêt à valider ; ' +
          'committing : écriture en cours (tâche de fond) ; committed : écrit ; failed : échec de la tâche, rien n’est écrit',
      ),
    rowsTotal: z.number().int(),
    rowsDone: z.number().int(),
    progress: z.number().int().describe('Avancement de l’écriture, 0 à 100'),
    problemCount: z.number().int(),
    problems: z.array(ImportProblem).describe('Les 1 000 premiers problèmes, par feuille et ligne'),
    summary: z
      .record(z.string(), z.number())
      .describe(
        'Créations, mises à jour, lignes inchangées ou écartées (prévues au test, faites après)',
      ),
    source: z.string().nullable(),
    licence: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    committedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'Import' });

export const ImportList = z.object({ items: z.array(Import) });

export const EXPORT_ENTITIES = ['companies', 'flows', 'synergies'] as const;
export const FileFormatQuery = z.object({
  format: z
    .enum(['csv', 'xlsx'])
    .default('csv')
    .describe('csv (séparateur ;, UTF-8 avec BOM) ou xlsx'),
});
export const ExportParams = z.object({
  territoryId: Uuid,
  entity: z.enum(EXPORT_ENTITIES),
});
export const TemplateParams = z.object({ kind: z.enum(['companies', 'diagnostics']) });

export const FileResponse = z.string().meta({
  description: 'Fichier CSV ou XLSX',
  format: 'binary',
});
