-- A close writes every score's inputs and explanation (about 12 kB of JSON each, 1.2 GB for
-- 20,000 employees): PostgreSQL's default pglz compression of them took most of the close's time
-- in the database. lz4 compresses several times faster. A server built without lz4 (or older
-- than 14) keeps pglz: the migration then changes nothing.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE score_snapshots ALTER COLUMN result SET COMPRESSION lz4, ALTER COLUMN inputs SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'score_snapshots keeps the default compression: %', SQLERRM;
END
$$;
