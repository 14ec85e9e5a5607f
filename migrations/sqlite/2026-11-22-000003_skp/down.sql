DROP TABLE skp_aspects;
DROP TABLE skp_indicators;
DROP TABLE skp_targets;
DROP TABLE skps;
