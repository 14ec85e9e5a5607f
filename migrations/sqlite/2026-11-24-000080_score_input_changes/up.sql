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

CREATE TRIGGER skps_score_input_insert AFTER INSERT ON skps
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER skps_score_input_update AFTER UPDATE ON skps
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER skps_score_input_move AFTER UPDATE OF employee_id ON skps WHEN OLD.employee_id IS NOT NEW.employee_id
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER skps_score_input_delete AFTER DELETE ON skps
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER achievements_score_input_insert AFTER INSERT ON achievements
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER achievements_score_input_update AFTER UPDATE ON achievements
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER achievements_score_input_move AFTER UPDATE OF employee_id ON achievements WHEN OLD.employee_id IS NOT NEW.employee_id
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER achievements_score_input_delete AFTER DELETE ON achievements
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER assessments_score_input_insert AFTER INSERT ON assessments
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER assessments_score_input_update AFTER UPDATE ON assessments
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER assessments_score_input_move AFTER UPDATE OF employee_id ON assessments WHEN OLD.employee_id IS NOT NEW.employee_id
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER assessments_score_input_delete AFTER DELETE ON assessments
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER objections_score_input_insert AFTER INSERT ON objections
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER objections_score_input_update AFTER UPDATE ON objections
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.employee_id, 1 WHERE NEW.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER objections_score_input_move AFTER UPDATE OF employee_id ON objections WHEN OLD.employee_id IS NOT NEW.employee_id
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER objections_score_input_delete AFTER DELETE ON objections
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.employee_id, 1 WHERE OLD.employee_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER complaints_score_input_insert AFTER INSERT ON complaints
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.assigned_to, 1 WHERE NEW.assigned_to IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER complaints_score_input_update AFTER UPDATE ON complaints
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.assigned_to, 1 WHERE NEW.assigned_to IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER complaints_score_input_move AFTER UPDATE OF assigned_to ON complaints WHEN OLD.assigned_to IS NOT NEW.assigned_to
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.assigned_to, 1 WHERE OLD.assigned_to IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER complaints_score_input_delete AFTER DELETE ON complaints
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.assigned_to, 1 WHERE OLD.assigned_to IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER citizen_ratings_score_input_insert AFTER INSERT ON citizen_ratings
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.officer_id, 1 WHERE NEW.officer_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER citizen_ratings_score_input_update AFTER UPDATE ON citizen_ratings
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT NEW.officer_id, 1 WHERE NEW.officer_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER citizen_ratings_score_input_move AFTER UPDATE OF officer_id ON citizen_ratings WHEN OLD.officer_id IS NOT NEW.officer_id
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.officer_id, 1 WHERE OLD.officer_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
CREATE TRIGGER citizen_ratings_score_input_delete AFTER DELETE ON citizen_ratings
BEGIN
    INSERT INTO score_input_changes (employee_id, change_count) SELECT OLD.officer_id, 1 WHERE OLD.officer_id IS NOT NULL ON CONFLICT (employee_id) DO UPDATE SET change_count = change_count + 1;
END;
