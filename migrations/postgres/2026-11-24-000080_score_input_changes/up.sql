-- Every change to the rows an employee's live score is computed from (their SKPs, achievements,
-- assessments, objections, the complaints assigned to them and the citizen ratings naming them),
-- counted per employee in the writing transaction: a kept live score is checked against this
-- count, one row read by its key, instead of counting and summing the versions of each of those
-- sets on every read (a busy officer's ratings alone grew that count by thousands a year). Written
-- by triggers, so that no write path can forget it: one per table on PostgreSQL, one per table and
-- event on SQLite. A complaint counts for the officer it is assigned to, before and after a change
-- (an assignment moves it from one to another).
CREATE TABLE score_input_changes (
    employee_id TEXT PRIMARY KEY REFERENCES employees (id),
    change_count BIGINT NOT NULL
);

CREATE FUNCTION count_score_input_change(employee TEXT) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO score_input_changes AS c (employee_id, change_count) SELECT employee, 1 WHERE employee IS NOT NULL
    ON CONFLICT (employee_id) DO UPDATE SET change_count = c.change_count + 1
$$;

CREATE FUNCTION score_input_changed_employee_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM count_score_input_change(NEW.employee_id); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.employee_id IS DISTINCT FROM NEW.employee_id) THEN
        PERFORM count_score_input_change(OLD.employee_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION score_input_changed_assigned_to() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM count_score_input_change(NEW.assigned_to); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.assigned_to IS DISTINCT FROM NEW.assigned_to) THEN
        PERFORM count_score_input_change(OLD.assigned_to);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION score_input_changed_officer_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM count_score_input_change(NEW.officer_id); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.officer_id IS DISTINCT FROM NEW.officer_id) THEN
        PERFORM count_score_input_change(OLD.officer_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER skps_score_input AFTER INSERT OR UPDATE OR DELETE ON skps
    FOR EACH ROW EXECUTE FUNCTION score_input_changed_employee_id();
CREATE TRIGGER achievements_score_input AFTER INSERT OR UPDATE OR DELETE ON achievements
    FOR EACH ROW EXECUTE FUNCTION score_input_changed_employee_id();
CREATE TRIGGER assessments_score_input AFTER INSERT OR UPDATE OR DELETE ON assessments
    FOR EACH ROW EXECUTE FUNCTION score_input_changed_employee_id();
CREATE TRIGGER objections_score_input AFTER INSERT OR UPDATE OR DELETE ON objections
    FOR EACH ROW EXECUTE FUNCTION score_input_changed_employee_id();
CREATE TRIGGER complaints_score_input AFTER INSERT OR UPDATE OR DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION score_input_changed_assigned_to();
CREATE TRIGGER citizen_ratings_score_input AFTER INSERT OR UPDATE OR DELETE ON citizen_ratings
    FOR EACH ROW EXECUTE FUNCTION score_input_changed_officer_id();
