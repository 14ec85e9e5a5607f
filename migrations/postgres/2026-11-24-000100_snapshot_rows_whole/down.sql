ALTER TABLE score_snapshots RESET (toast_tuple_target);
ALTER TABLE score_snapshots ALTER COLUMN packed_inputs SET STORAGE EXTENDED, ALTER COLUMN packed_result SET STORAGE EXTENDED;
