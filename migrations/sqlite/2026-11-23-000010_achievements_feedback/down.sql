DROP TABLE feedback_messages;
DROP TABLE feedback_threads;
DROP TABLE evidence_files;
DROP TABLE achievement_evidence;
DROP TABLE achievements;
