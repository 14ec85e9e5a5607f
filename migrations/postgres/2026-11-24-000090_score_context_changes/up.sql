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

CREATE FUNCTION count_score_context_change(organization TEXT) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO score_context_changes AS c (organization_id, change_count) SELECT organization, 1 WHERE organization IS NOT NULL
    ON CONFLICT (organization_id) DO UPDATE SET change_count = c.change_count + 1
$$;

CREATE FUNCTION score_context_changed_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM count_score_context_change(NEW.id); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
        PERFORM count_score_context_change(OLD.id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION score_context_changed_organization_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM count_score_context_change(NEW.organization_id); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.organization_id IS DISTINCT FROM NEW.organization_id) THEN
        PERFORM count_score_context_change(OLD.organization_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER organizations_score_context AFTER INSERT OR UPDATE OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION score_context_changed_id();
CREATE TRIGGER periods_score_context AFTER INSERT OR UPDATE OR DELETE ON periods
    FOR EACH ROW EXECUTE FUNCTION score_context_changed_organization_id();
CREATE TRIGGER scoring_policies_score_context AFTER INSERT OR UPDATE OR DELETE ON scoring_policies
    FOR EACH ROW EXECUTE FUNCTION score_context_changed_organization_id();
