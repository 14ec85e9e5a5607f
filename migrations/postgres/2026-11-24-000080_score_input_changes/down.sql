DROP TRIGGER complaints_score_input ON complaints;
DROP TRIGGER objections_score_input ON objections;
DROP TRIGGER assessments_score_input ON assessments;
DROP TRIGGER achievements_score_input ON achievements;
DROP TRIGGER skps_score_input ON skps;
DROP FUNCTION score_input_changed_assigned_to();
DROP FUNCTION score_input_changed_employee_id();
DROP FUNCTION count_score_input_change(TEXT);
DROP TABLE score_input_changes;
