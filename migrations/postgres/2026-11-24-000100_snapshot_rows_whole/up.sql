-- A frozen score's row is about 2 kB (its inputs and result packed by the service, its figures).
-- PostgreSQL toasts a row over about 2 kB: it first tries to compress the largest value, bytes
-- zstd has already packed, then moves it out of line into the toast table, a second insert and
-- index entry. 42 % of a 20,000-employee close's rows were just over. Rows up to a page now stay
-- whole, and packed values are never compressed again. Inserting a close's 100,000 rows took
-- 3.5-3.7 s against 3.9-4.6 s, alternated.
ALTER TABLE score_snapshots SET (toast_tuple_target = 8160);
ALTER TABLE score_snapshots ALTER COLUMN packed_inputs SET STORAGE EXTERNAL, ALTER COLUMN packed_result SET STORAGE EXTERNAL;
