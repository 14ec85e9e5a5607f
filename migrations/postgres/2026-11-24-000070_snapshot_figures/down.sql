ALTER TABLE score_snapshots DROP COLUMN figures;
