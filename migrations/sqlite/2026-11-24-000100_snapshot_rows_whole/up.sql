-- PostgreSQL only (a frozen score's row kept whole instead of toasted); SQLite has no toasting.
SELECT 1;
