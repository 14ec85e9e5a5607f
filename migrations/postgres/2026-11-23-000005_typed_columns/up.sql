-- Typed columns that fail closed: every text column holding a status, kind, group or role list
-- accepts only the names the code knows (see src/db/types.rs). PostgreSQL adds CHECK constraints;
-- SQLite cannot add one to an existing table, so triggers refuse the same values with the same
-- constraint names. tests/migrations.rs checks both sets list the same names as the Rust enums.

ALTER TABLE units ADD CONSTRAINT units_kind_known CHECK (kind IN ('pemda', 'sekretariat', 'dinas', 'badan', 'kecamatan', 'kelurahan', 'bagian', 'bidang', 'seksi', 'subbagian', 'upt', 'lainnya'));

ALTER TABLE employees ADD CONSTRAINT employees_job_level_known CHECK (job_level IN ('jpt', 'administrator', 'pengawas', 'pelaksana', 'fungsional'));

ALTER TABLE employees ADD CONSTRAINT employees_roles_known CHECK (roles IN ('', 'admin', 'auditor', 'admin,auditor'));

ALTER TABLE service_clients ADD CONSTRAINT service_clients_scopes_known CHECK (scopes IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'organization:read rating_tickets:issue', 'employees:read organization:read rating_tickets:issue'));

ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_known CHECK (actor_kind IN ('employee', 'service_client', 'cli', 'citizen'));

ALTER TABLE periods ADD CONSTRAINT periods_frequency_known CHECK (frequency IN ('monthly', 'quarterly'));

ALTER TABLE periods ADD CONSTRAINT periods_status_known CHECK (status IN ('planning', 'running', 'evaluating', 'closed'));

ALTER TABLE skps ADD CONSTRAINT skps_status_known CHECK (status IN ('draft', 'submitted', 'approved', 'returned'));

ALTER TABLE skp_targets ADD CONSTRAINT skp_targets_kind_known CHECK (kind IN ('utama', 'tambahan'));

ALTER TABLE skp_targets ADD CONSTRAINT skp_targets_perspective_known CHECK (perspective IN ('penerima_layanan', 'proses_bisnis', 'penguatan_internal', 'anggaran'));

ALTER TABLE skp_aspects ADD CONSTRAINT skp_aspects_aspect_known CHECK (aspect IN ('kuantitas', 'kualitas', 'waktu', 'biaya'));

ALTER TABLE peer_assignments ADD CONSTRAINT peer_assignments_rater_group_known CHECK (rater_group IN ('peer', 'subordinate'));
