/**
 * Capability matrix for the SEA MCP server and Kora's broader authority.
 *
 * Capability names are stable strings: they appear verbatim in audit logs, so
 * a rename is a schema change, not a refactor. Add new names at the end of
 * their list and migrate the audit tables in the same change.
 */

/** Every kind of actor, human or AI, that the substrate attributes actions to. */
export type HumanOrAiActorKind = 'operator' | 'kora' | 'critic' | 'oracle' | 'claude_pm';

/** Capabilities on the SEA MCP server's tools. */
export const SEA_CAPABILITIES = [
  'cap_sea_create',
  'cap_sea_edit_field',
  'cap_sea_link_authoring',
  'cap_sea_set_status',
  'cap_sea_set_priority',
  'cap_sea_add_narrative',
  'cap_sea_claim_for_edit',
  'cap_sea_condense',
  'cap_sea_seed_intake',
  'cap_sea_modify_condensation_draft',
  'cap_sea_request_deletion',
  'cap_sea_approve_deletion',
  'cap_sea_read_private_notes',
  'cap_sea_bulk_import',
  'cap_sea_propose_actor_window_rollback',
  'cap_sea_confirm_actor_window_rollback',
  'cap_sea_read_view',
  'cap_sea_claim_pair_for_link',
  'cap_sea_force_release_claim',
  'cap_critic_flag_advisory_link_type',
  'cap_run_full_advisory_pass',
  'cap_cancel_condensation_session',
  'cap_cancel_advisory_pass',
  'cap_resume_rollback',
] as const;

/** Capabilities outside SEA: scratchpads, proposals, overrides, containment, operator gates. */
export const KORA_BROADER_CAPABILITIES = [
  'cap_read_unfiltered_relationlink',
  'cap_read_precommit_scratchpad',
  'cap_read_cross_agent_scratchpad',
  'cap_read_ticket_attachment',
  'cap_read_escalation_queue',
  'cap_write_agent_scratchpad',
  'cap_propose_class2',
  'cap_author_operations',
  'cap_request_critic_reconsideration',
  'cap_override_nonsecurity_critic_verdict',
  'cap_override_security_or_policy_verdict',
  'cap_propose_policy_change',
  'cap_propose_convention',
  'cap_submit_declaration',
  'cap_route_intent',
  'cap_release_poison_pill',
  'cap_quarantine_package',
  'cap_request_human_escalation',
  'cap_observe_hnao',
  'cap_run_pre_screen',
  'cap_operator_approve_policy_change',
  'cap_operator_bless_convention',
  'cap_operator_ack_escalation',
  'cap_operator_update_policy',
] as const;

/** Every capability, SEA first; the matrix below lists rows in this order. */
export const ACTOR_CAPABILITIES = [...SEA_CAPABILITIES, ...KORA_BROADER_CAPABILITIES] as const;

/** A capability name as it appears in audit logs. */
export type ActorCapability = (typeof ACTOR_CAPABILITIES)[number];

/**
 * Which actor kinds hold which capability. Every capability has a row and
 * every row names every actor kind, so a missing cell is a type error.
 */
export const ACTOR_CAPABILITY_MATRIX: Readonly<Record<ActorCapability, Readonly<Record<HumanOrAiActorKind, boolean>>>> = {
  // SEA authoring.
  cap_sea_create: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: true,
  },
  cap_sea_edit_field: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: true,
  },
  cap_sea_link_authoring: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_set_status: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: true,
  },
  cap_sea_set_priority: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: true,
  },
  cap_sea_add_narrative: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: true,
  },
  cap_sea_claim_for_edit: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: true,
  },

  // Condensation and intake.
  cap_sea_condense: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_seed_intake: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: true,
  },
  cap_sea_modify_condensation_draft: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Deletion and private notes: operator-gated.
  cap_sea_request_deletion: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_approve_deletion: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_read_private_notes: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_bulk_import: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Actor-window rollback: propose and confirm are split across actors.
  cap_sea_propose_actor_window_rollback: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_confirm_actor_window_rollback: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Reads and link-pair claims.
  cap_sea_read_view: {
    operator: true,
    kora: true,
    critic: true,
    oracle: true,
    claude_pm: true,
  },
  cap_sea_claim_pair_for_link: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_sea_force_release_claim: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Advisory passes and cancellation.
  cap_critic_flag_advisory_link_type: {
    operator: false,
    kora: false,
    critic: true,
    oracle: false,
    claude_pm: false,
  },
  cap_run_full_advisory_pass: {
    operator: true,
    kora: false,
    critic: true,
    oracle: false,
    claude_pm: false,
  },
  cap_cancel_condensation_session: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_cancel_advisory_pass: {
    operator: true,
    kora: false,
    critic: true,
    oracle: false,
    claude_pm: false,
  },
  cap_resume_rollback: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Kora broader: reads.
  cap_read_unfiltered_relationlink: {
    operator: true,
    kora: true,
    critic: true,
    oracle: true,
    claude_pm: false,
  },
  cap_read_precommit_scratchpad: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_read_cross_agent_scratchpad: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_read_ticket_attachment: {
    operator: true,
    kora: true,
    critic: true,
    oracle: false,
    claude_pm: true,
  },
  cap_read_escalation_queue: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Kora broader: authoring and proposals.
  cap_write_agent_scratchpad: {
    operator: false,
    kora: true,
    critic: true,
    oracle: true,
    claude_pm: true,
  },
  cap_propose_class2: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_author_operations: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_request_critic_reconsideration: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Overrides. Security and policy verdicts stay with the operator.
  cap_override_nonsecurity_critic_verdict: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_override_security_or_policy_verdict: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_propose_policy_change: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_propose_convention: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_submit_declaration: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },

  // Containment and escalation.
  cap_route_intent: {
    operator: false,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_release_poison_pill: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_quarantine_package: {
    operator: true,
    kora: true,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_request_human_escalation: {
    operator: false,
    kora: true,
    critic: true,
    oracle: false,
    claude_pm: true,
  },
  cap_observe_hnao: {
    operator: false,
    kora: true,
    critic: false,
    oracle: true,
    claude_pm: false,
  },
  cap_run_pre_screen: {
    operator: false,
    kora: true,
    critic: false,
    oracle: true,
    claude_pm: false,
  },

  // Operator-only: no AI actor holds these.
  cap_operator_approve_policy_change: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_operator_bless_convention: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_operator_ack_escalation: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
  cap_operator_update_policy: {
    operator: true,
    kora: false,
    critic: false,
    oracle: false,
    claude_pm: false,
  },
};

/**
 * Whether `actorKind` holds `capability`. Fails closed: a capability with no
 * row (for example a name from a newer audit log) is not granted.
 */
export function actorHasCapability(
  actorKind: HumanOrAiActorKind,
  capability: ActorCapability,
): boolean {
  const row = ACTOR_CAPABILITY_MATRIX[capability];
  if (row === undefined) {
    return false;
  }
  return row[actorKind] === true;
}
