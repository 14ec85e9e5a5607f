-- Wrong passwords per account (NIP, known or not, so the lock reveals nothing), for the lockout
-- that stops a guess spread over many addresses. A row exists only after a failure and goes with
-- the next successful login: nothing is written on the success path of an account without one.
CREATE TABLE login_failures (
    nip TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL CHECK (failures > 0),
    last_failed_at BIGINT NOT NULL,
    locked_until BIGINT
);
