DROP TABLE score_snapshots;
