-- PostgreSQL only (lz4 compression of the stored scores); SQLite stores text uncompressed.
SELECT 1;
