import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.ts';

export const ROLES = ['admin', 'officer', 'company', 'partner'] as const;
export type Role = (typeof ROLES)[number];
export const USER_ROLES = ['admin', 'officer', 'company'] as const;

export const PASSWORD_MIN_LENGTH = 12;
export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `au moins ${PASSWORD_MIN_LENGTH} caractères`)
  .max(200);

export const LoginBody = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(200),
});

export const Me = z
  .object({
    kind: z.enum(['user', 'api_key']),
    id: Uuid,
    role: z.enum(ROLES),
    email: z.string().nullable(),
    displayName: z.string(),
    territoryIds: z.array(Uuid).nullable().describe('null = tous les territoires (administrateur)'),
    companyId: Uuid.nullable(),
  })
  .meta({ id: 'Me' });

export const LoginResult = z.object({
  token: z.string().describe('Jeton porteur : en-tête « Authorization: Bearer … »'),
  expiresAt: IsoDateTime,
  me: Me,
});

export const UserCreate = z.object({
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  password: Password,
  role: z.enum(USER_ROLES),
  territoryIds: z.array(Uuid).max(100).default([]).describe('Territoires d’un chargé de mission'),
  companyId: Uuid.nullish().describe('Entreprise d’un utilisateur « company »'),
});

export const User = z
  .object({
    id: Uuid,
    email: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES),
    territoryIds: z.array(Uuid),
    companyId: Uuid.nullable(),
    createdAt: IsoDateTime,
    disabledAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'User' });

export const ApiKeyCreate = z.object({
  name: z.string().trim().min(1).max(200),
  territoryIds: z.array(Uuid).min(1).max(100),
});

export const ApiKey = z
  .object({
    id: Uuid,
    name: z.string(),
    prefix: z.string().describe('Début de la clé, pour la reconnaître'),
    territoryIds: z.array(Uuid),
    scopes: z.array(z.string()),
    createdAt: IsoDateTime,
    lastUsedAt: IsoDateTime.nullable(),
    revokedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const ApiKeyCreated = ApiKey.extend({
  key: z.string().describe('La clé, montrée une seule fois'),
});

export const AuditEntry = z
  .object({
    id: z.number().int(),
    territoryId: Uuid.nullable(),
    actorUserId: Uuid.nullable(),
    actorApiKeyId: Uuid.nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    at: IsoDateTime,
  })
  .meta({ id: 'AuditEntry' });

export const PasswordChange = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: Password,
});

export const PersonalData = z
  .object({
    exportedAt: IsoDateTime,
    user: User,
    erasedAt: IsoDateTime.nullable(),
    tokens: z
      .array(
        z.object({
          createdAt: IsoDateTime,
          expiresAt: IsoDateTime,
          revokedAt: IsoDateTime.nullable(),
        }),
      )
      .describe('Sessions ouvertes (sans le jeton)'),
    actions: z
      .array(
        z.object({
          action: z.string(),
          entity: z.string(),
          entityId: z.string(),
          territoryId: Uuid.nullable(),
          at: IsoDateTime,
        }),
      )
      .describe('Actions enregistrées au journal sous ce compte'),
  })
  .meta({ id: 'PersonalData' });
