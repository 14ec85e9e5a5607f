-- Typed columns that fail closed, continued (see 2026-11-23-000005_typed_columns): the text
-- columns of achievements and their evidence accept only the names the code knows.

CREATE TRIGGER achievements_status_known_insert BEFORE INSERT ON achievements
WHEN NEW.status NOT IN ('submitted', 'verified', 'rejected')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: achievements_status_known'); END;

CREATE TRIGGER achievements_status_known_update BEFORE UPDATE OF status ON achievements
WHEN NEW.status NOT IN ('submitted', 'verified', 'rejected')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: achievements_status_known'); END;

CREATE TRIGGER achievements_aspect_known_insert BEFORE INSERT ON achievements
WHEN NEW.aspect NOT IN ('kuantitas', 'kualitas', 'waktu', 'biaya')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: achievements_aspect_known'); END;

CREATE TRIGGER achievements_aspect_known_update BEFORE UPDATE OF aspect ON achievements
WHEN NEW.aspect NOT IN ('kuantitas', 'kualitas', 'waktu', 'biaya')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: achievements_aspect_known'); END;

CREATE TRIGGER achievement_evidence_kind_known_insert BEFORE INSERT ON achievement_evidence
WHEN NEW.kind NOT IN ('link', 'file')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: achievement_evidence_kind_known'); END;

CREATE TRIGGER achievement_evidence_kind_known_update BEFORE UPDATE OF kind ON achievement_evidence
WHEN NEW.kind NOT IN ('link', 'file')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: achievement_evidence_kind_known'); END;
