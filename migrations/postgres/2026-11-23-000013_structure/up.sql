-- Typed columns that fail closed, continued (see 2026-11-23-000005_typed_columns): the text
-- columns of achievements and their evidence accept only the names the code knows.

ALTER TABLE achievements ADD CONSTRAINT achievements_status_known CHECK (status IN ('submitted', 'verified', 'rejected'));

ALTER TABLE achievements ADD CONSTRAINT achievements_aspect_known CHECK (aspect IN ('kuantitas', 'kualitas', 'waktu', 'biaya'));

ALTER TABLE achievement_evidence ADD CONSTRAINT achievement_evidence_kind_known CHECK (kind IN ('link', 'file'));
