-- Every change to the rows of an organisation that all its live scores are computed from (the
-- organisation's own row, its time zone; its periods, their status and dates; its scoring
-- policies), counted per organisation in the writing transaction, as `score_input_changes` counts
-- an employee's own rows. A kept live score is checked against both counts: two rows read by
-- their keys with the employee's, where it read the organisation, the period and the policy
-- versions besides (a third more of the database's work for that read). These rows change a few
-- times a year, so their counting costs nothing that shows.
CREATE TABLE score_context_changes (
    organization_id TEXT PRIMARY KEY REFERENCES organizations (id),
    change_count BIGINT NOT NULL
);

CREATE TRIGGER organizations_score_context_insert AFTER INSERT ON organizations
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER organizations_score_context_update AFTER UPDATE ON organizations
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER organizations_score_context_move AFTER UPDATE OF id ON organizations WHEN OLD.id IS NOT NEW.id
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER organizations_score_context_delete AFTER DELETE ON organizations
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER periods_score_context_insert AFTER INSERT ON periods
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT NEW.organization_id, 1 WHERE NEW.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER periods_score_context_update AFTER UPDATE ON periods
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT NEW.organization_id, 1 WHERE NEW.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER periods_score_context_move AFTER UPDATE OF organization_id ON periods WHEN OLD.organization_id IS NOT NEW.organization_id
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT OLD.organization_id, 1 WHERE OLD.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER periods_score_context_delete AFTER DELETE ON periods
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT OLD.organization_id, 1 WHERE OLD.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER scoring_policies_score_context_insert AFTER INSERT ON scoring_policies
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT NEW.organization_id, 1 WHERE NEW.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER scoring_policies_score_context_update AFTER UPDATE ON scoring_policies
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT NEW.organization_id, 1 WHERE NEW.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER scoring_policies_score_context_move AFTER UPDATE OF organization_id ON scoring_policies WHEN OLD.organization_id IS NOT NEW.organization_id
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT OLD.organization_id, 1 WHERE OLD.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER scoring_policies_score_context_delete AFTER DELETE ON scoring_policies
BEGIN
    INSERT INTO score_context_changes (organization_id, change_count) SELECT OLD.organization_id, 1 WHERE OLD.organization_id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET change_count = change_count + 1;
END;
