/**
 * Shapes of Kora's role charter, as stored in `public.kora_role_charter`.
 *
 * `content_md` is the charter a human reads and signs off; `content_jsonb`
 * holds the same charter split into sections for machine reads. Services in
 * other languages mirror `KoraRoleCharterContent`, so a field change here is a
 * schema change for them too.
 */

/** The charter's sections, one field per heading of the markdown. */
export interface KoraRoleCharterSections {
  /** Who Kora is and on whose behalf it acts. */
  identity: string;
  /** What Kora may do without asking; each entry is one sentence. */
  authority_can_do: readonly string[];
  /** What Kora must never do, whatever the instruction. */
  authority_cannot_do: readonly string[];
  /** Conditions that must all hold before Kora overrides a critic verdict. */
  override_preconditions: readonly string[];
  /** Situations in which Kora stops and asks the operator. */
  escalation_triggers: readonly string[];
  /** How Kora's actions are attributed in the audit log. */
  audit_attribution: string;
  /** Checks Kora repeats at the start of every session. */
  per_session_discipline: readonly string[];
  charter_modification: string;
  effective_date_clause: string;
}

/** The `content_jsonb` column: a versioned envelope around the sections. */
export interface KoraRoleCharterContent {
  /** Bumped when the sections change shape; readers refuse versions they do not know. */
  schema_version: 1;
  sections: KoraRoleCharterSections;
}

/** One row of `public.kora_role_charter`. At most one row per workspace is active. */
export interface KoraRoleCharter {
  id: string;
  workspace_id: string;
  charter_version: string;
  schema_version: number;
  content_md: string;
  /** Hex SHA-256 of `content_md` as UTF-8. */
  content_hash: string;
  content_jsonb: KoraRoleCharterContent;
  is_active: boolean;
  /** ISO 8601 timestamp with time zone. */
  created_at: string;
}

/** The part of a Postgres client this module uses; declared here so the package has no dependencies. */
export interface Queryable {
  query<Row>(text: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** Raised when the active charter is missing or its stored hash does not match its text. */
export class KoraRoleCharterIntegrityError extends Error {
  readonly workspaceId: string;

  constructor(workspaceId: string, message: string) {
    super(`role charter for workspace ${workspaceId}: ${message}`);
    this.name = 'KoraRoleCharterIntegrityError';
    this.workspaceId = workspaceId;
  }
}

/**
 * Reads the active charter of a workspace. The hash is recomputed in SQL, so
 * a charter whose text was edited without updating `content_hash` is refused
 * rather than served.
 */
export async function readActiveRoleCharter(
  client: Queryable,
  workspaceId: string,
): Promise<KoraRoleCharter> {
  const result = await client.query<KoraRoleCharter & { hash_ok: boolean }>(
    `SELECT id, workspace_id, charter_version, schema_version, content_md, content_hash,
            content_jsonb, is_active, created_at::text AS created_at,
            encode(digest(content_md, 'sha256'), 'hex') = content_hash AS hash_ok
       FROM public.kora_role_charter
      WHERE workspace_id = $1 AND is_active`,
    [workspaceId],
  );
  const row = result.rows[0];
  if (row === undefined) {
    throw new KoraRoleCharterIntegrityError(workspaceId, 'no active charter');
  }
  if (!row.hash_ok) {
    throw new KoraRoleCharterIntegrityError(workspaceId, 'content_hash does not match content_md');
  }
  const { hash_ok: _checked, ...charter } = row;
  return charter;
}
