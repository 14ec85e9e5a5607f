-- A frozen score's figures (what a report's row shows: nilai hasil kerja, the behaviour mean,
-- the citizen index, nilai kinerja, the ratings, the predikat, the policy version) as JSON beside
-- its packed result, in the result's own shape: a year's report reads 20,000 of them, and
-- unpacking and reading each whole result was most of its time. Rows frozen before have none and
-- are read from their result, as before.
ALTER TABLE score_snapshots ADD COLUMN figures TEXT;
