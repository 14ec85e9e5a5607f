DROP TRIGGER scoring_policies_score_context ON scoring_policies;
DROP TRIGGER periods_score_context ON periods;
DROP TRIGGER organizations_score_context ON organizations;
DROP FUNCTION score_context_changed_organization_id();
DROP FUNCTION score_context_changed_id();
DROP FUNCTION count_score_context_change(TEXT);
DROP TABLE score_context_changes;
