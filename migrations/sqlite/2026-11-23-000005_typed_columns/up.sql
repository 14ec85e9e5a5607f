-- Typed columns that fail closed: every text column holding a status, kind, group or role list
-- accepts only the names the code knows (see src/db/types.rs). PostgreSQL adds CHECK constraints;
-- SQLite cannot add one to an existing table, so triggers refuse the same values with the same
-- constraint names. tests/migrations.rs checks both sets list the same names as the Rust enums.

CREATE TRIGGER units_kind_known_insert BEFORE INSERT ON units
WHEN NEW.kind NOT IN ('pemda', 'sekretariat', 'dinas', 'badan', 'kecamatan', 'kelurahan', 'bagian', 'bidang', 'seksi', 'subbagian', 'upt', 'lainnya')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: units_kind_known'); END;

CREATE TRIGGER units_kind_known_update BEFORE UPDATE OF kind ON units
WHEN NEW.kind NOT IN ('pemda', 'sekretariat', 'dinas', 'badan', 'kecamatan', 'kelurahan', 'bagian', 'bidang', 'seksi', 'subbagian', 'upt', 'lainnya')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: units_kind_known'); END;

CREATE TRIGGER employees_job_level_known_insert BEFORE INSERT ON employees
WHEN NEW.job_level NOT IN ('jpt', 'administrator', 'pengawas', 'pelaksana', 'fungsional')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: employees_job_level_known'); END;

CREATE TRIGGER employees_job_level_known_update BEFORE UPDATE OF job_level ON employees
WHEN NEW.job_level NOT IN ('jpt', 'administrator', 'pengawas', 'pelaksana', 'fungsional')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: employees_job_level_known'); END;

CREATE TRIGGER employees_roles_known_insert BEFORE INSERT ON employees
WHEN NEW.roles NOT IN ('', 'admin', 'auditor', 'admin,auditor')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: employees_roles_known'); END;

CREATE TRIGGER employees_roles_known_update BEFORE UPDATE OF roles ON employees
WHEN NEW.roles NOT IN ('', 'admin', 'auditor', 'admin,auditor')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: employees_roles_known'); END;

CREATE TRIGGER service_clients_scopes_known_insert BEFORE INSERT ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'organization:read rating_tickets:issue', 'employees:read organization:read rating_tickets:issue')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;

CREATE TRIGGER service_clients_scopes_known_update BEFORE UPDATE OF scopes ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'organization:read rating_tickets:issue', 'employees:read organization:read rating_tickets:issue')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;

CREATE TRIGGER audit_events_actor_kind_known_insert BEFORE INSERT ON audit_events
WHEN NEW.actor_kind NOT IN ('employee', 'service_client', 'cli', 'citizen')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_events_actor_kind_known'); END;

CREATE TRIGGER audit_events_actor_kind_known_update BEFORE UPDATE OF actor_kind ON audit_events
WHEN NEW.actor_kind NOT IN ('employee', 'service_client', 'cli', 'citizen')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_events_actor_kind_known'); END;

CREATE TRIGGER periods_frequency_known_insert BEFORE INSERT ON periods
WHEN NEW.frequency NOT IN ('monthly', 'quarterly')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: periods_frequency_known'); END;

CREATE TRIGGER periods_frequency_known_update BEFORE UPDATE OF frequency ON periods
WHEN NEW.frequency NOT IN ('monthly', 'quarterly')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: periods_frequency_known'); END;

CREATE TRIGGER periods_status_known_insert BEFORE INSERT ON periods
WHEN NEW.status NOT IN ('planning', 'running', 'evaluating', 'closed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: periods_status_known'); END;

CREATE TRIGGER periods_status_known_update BEFORE UPDATE OF status ON periods
WHEN NEW.status NOT IN ('planning', 'running', 'evaluating', 'closed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: periods_status_known'); END;

CREATE TRIGGER skps_status_known_insert BEFORE INSERT ON skps
WHEN NEW.status NOT IN ('draft', 'submitted', 'approved', 'returned')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skps_status_known'); END;

CREATE TRIGGER skps_status_known_update BEFORE UPDATE OF status ON skps
WHEN NEW.status NOT IN ('draft', 'submitted', 'approved', 'returned')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skps_status_known'); END;

CREATE TRIGGER skp_targets_kind_known_insert BEFORE INSERT ON skp_targets
WHEN NEW.kind NOT IN ('utama', 'tambahan')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skp_targets_kind_known'); END;

CREATE TRIGGER skp_targets_kind_known_update BEFORE UPDATE OF kind ON skp_targets
WHEN NEW.kind NOT IN ('utama', 'tambahan')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skp_targets_kind_known'); END;

CREATE TRIGGER skp_targets_perspective_known_insert BEFORE INSERT ON skp_targets
WHEN NEW.perspective NOT IN ('penerima_layanan', 'proses_bisnis', 'penguatan_internal', 'anggaran')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skp_targets_perspective_known'); END;

CREATE TRIGGER skp_targets_perspective_known_update BEFORE UPDATE OF perspective ON skp_targets
WHEN NEW.perspective NOT IN ('penerima_layanan', 'proses_bisnis', 'penguatan_internal', 'anggaran')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skp_targets_perspective_known'); END;

CREATE TRIGGER skp_aspects_aspect_known_insert BEFORE INSERT ON skp_aspects
WHEN NEW.aspect NOT IN ('kuantitas', 'kualitas', 'waktu', 'biaya')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skp_aspects_aspect_known'); END;

CREATE TRIGGER skp_aspects_aspect_known_update BEFORE UPDATE OF aspect ON skp_aspects
WHEN NEW.aspect NOT IN ('kuantitas', 'kualitas', 'waktu', 'biaya')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: skp_aspects_aspect_known'); END;

CREATE TRIGGER peer_assignments_rater_group_known_insert BEFORE INSERT ON peer_assignments
WHEN NEW.rater_group NOT IN ('peer', 'subordinate')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: peer_assignments_rater_group_known'); END;

CREATE TRIGGER peer_assignments_rater_group_known_update BEFORE UPDATE OF rater_group ON peer_assignments
WHEN NEW.rater_group NOT IN ('peer', 'subordinate')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: peer_assignments_rater_group_known'); END;
