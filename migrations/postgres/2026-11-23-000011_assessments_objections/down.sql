DROP TABLE objections;
DROP TABLE assessment_training_needs;
DROP TABLE assessment_scores;
DROP TABLE assessments;
ALTER TABLE organizations DROP COLUMN time_zone;
