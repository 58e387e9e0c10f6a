// The closed set of error codes that domain code may throw. One error handler
// turns them into RFC 9457 problem+json; nothing else reaches a client.

export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'Requête invalide' },
  unauthenticated: { status: 401, title: 'Authentification requise' },
  forbidden: { status: 403, title: 'Action non autorisée' },
  not_found: { status: 404, title: 'Ressource introuvable' },
  conflict: { status: 409, title: 'Conflit avec l’état actuel' },
  duplicate_siret: { status: 409, title: 'SIRET déjà enregistré dans ce territoire' },
  invalid_state: { status: 409, title: 'Transition impossible dans cet état' },
  transition_forbidden: { status: 409, title: 'Changement de statut interdit' },
  realised_gains_not_allowed: {
    status: 409,
    title: 'Gains réalisés réservés aux synergies en cours ou mises en œuvre',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Clé d’idempotence déjà utilisée pour une autre requête',
  },
  precondition_failed: { status: 412, title: 'La ressource a changé depuis votre lecture' },
  unprocessable: { status: 422, title: 'Données incohérentes' },
  invalid_siret: { status: 422, title: 'SIRET invalide' },
  unknown_naf: { status: 422, title: 'Code NAF inconnu' },
  unknown_resource: { status: 422, title: 'Code de ressource inconnu' },
  incompatible_unit: { status: 422, title: 'Unité incompatible avec la ressource' },
  invalid_geometry: { status: 422, title: 'Géométrie invalide' },
  invalid_file: { status: 422, title: 'Fichier illisible' },
  missing_columns: { status: 422, title: 'Colonnes manquantes' },
  import_has_problems: { status: 409, title: 'L’import contient des lignes en erreur' },
  payload_too_large: { status: 413, title: 'Requête trop volumineuse' },
  precondition_required: { status: 428, title: 'En-tête If-Match requis' },
  rate_limited: { status: 429, title: 'Trop de requêtes' },
  unavailable: { status: 503, title: 'Service momentanément indisponible' },
  internal: { status: 500, title: 'Erreur interne' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON path of the offending field, e.g. `flows.2.unit`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;

  constructor(code: ErrorCode, detail?: string, errors?: FieldError[]) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.errors = errors;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} introuvable`);
export const forbidden = (detail = 'Votre rôle ne permet pas cette action') =>
  new AppError('forbidden', detail);
