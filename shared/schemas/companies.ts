import { z } from 'zod';
import { IsoDateTime, PageQuery, PointGeometry, QueryBoolean, Uuid } from './common.ts';

export const HEADCOUNT_BANDS = ['0', '1-9', '10-49', '50-249', '250-999', '1000+'] as const;

/** SIRET: 14 digits, spaces allowed on input ("552 100 554 00025"). Luhn is checked by the service (422). */
export const SiretInput = z
  .string()
  .transform((s) => s.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{14}$/, 'le SIRET compte 14 chiffres'));

/** NAF rév. 2 sous-classe, "10.71A" or "1071A"; existence is checked by the service (422). */
export const NafInput = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^\d{2}\.?\d{2}[A-Z]$/, 'format attendu : 10.71A')
  .transform((s) => (s.includes('.') ? s : `${s.slice(0, 2)}.${s.slice(2)}`));

export const CompanyCreate = z.object({
  siret: SiretInput,
  name: z.string().trim().min(1).max(300),
  nafCode: NafInput,
  headcountBand: z.enum(HEADCOUNT_BANDS).nullish(),
  address: z.string().trim().max(500).nullish(),
  location: PointGeometry.nullish().describe('Position (GeoJSON Point) ; la zone en est déduite'),
  isEss: z.boolean().default(false).describe('Structure de l’économie sociale et solidaire'),
  contactEmail: z
    .email()
    .max(320)
    .nullish()
    .describe('Contact transmis aux entreprises mises en relation (portail)'),
  contactPhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,40}$/, 'numéro de téléphone attendu')
    .nullish()
    .describe('Téléphone transmis aux entreprises mises en relation (portail)'),
  consentShareIdentity: z.boolean().default(false),
  consentShareFlows: z.boolean().default(false),
});
export const CompanyUpdate = CompanyCreate.partial().extend({
  isEss: z.boolean().optional(),
  consentShareIdentity: z.boolean().optional(),
  consentShareFlows: z.boolean().optional(),
});

export const Company = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    siret: z.string(),
    name: z.string(),
    nafCode: z.string(),
    nafLabel: z.string(),
    headcountBand: z.enum(HEADCOUNT_BANDS).nullable(),
    address: z.string().nullable(),
    location: PointGeometry.nullable(),
    zoneId: Uuid.nullable(),
    zoneName: z.string().nullable(),
    isEss: z.boolean(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    consentShareIdentity: z.boolean(),
    consentShareFlows: z.boolean(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Company' });

export const CompanyListQuery = PageQuery.extend({
  zoneId: Uuid.optional().describe('Entreprises de cette zone'),
  naf: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9.]{1,6}$/)
    .optional()
    .describe('Préfixe de code NAF : « 10 », « 10.7 », « 10.71A »'),
  q: z.string().trim().min(1).max(100).optional().describe('Recherche dans le nom ou le SIRET'),
  isEss: QueryBoolean.optional(),
});
