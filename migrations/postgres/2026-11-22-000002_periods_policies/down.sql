DROP TABLE scoring_policies;
DROP TABLE sub_periods;
DROP TABLE periods;
