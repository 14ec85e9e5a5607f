DROP TABLE indicator_flags;

DROP TABLE template_uses;

DROP TABLE template_proposals;

DROP TABLE template_versions;

DROP TABLE indicator_templates;
