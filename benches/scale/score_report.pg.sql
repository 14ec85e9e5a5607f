-- The yearly score report's rows as the service writes its CSV (the same bytes but for the
-- byte-order mark and CRLF line ends), from the same stored rows: the period's latest snapshot
-- of the year's scores, each employee's position, unit and supervisor on :day (the reporting line
-- in force then, else the employee record's). run.sh puts in :period, :label and :day, runs it as
-- `\copy (...) TO ... CSV HEADER` and compares the two files.
SELECT :label AS period, s.nip, s.employee_name AS name, e.position, u.code AS unit_code, u.name AS unit_name,
  sup.nip AS supervisor_nip, sup.name AS supervisor_name,
  (f->'results'->>'nilai_hasil_kerja')::float8 AS nilai_hasil_kerja, (f->'behaviour'->>'mean')::float8 AS behaviour_mean,
  (f->'citizen'->'index'->>'converted')::float8 AS citizen_index, (f->'nilai_kinerja'->>'value')::float8 AS nilai_kinerja,
  f->'ratings'->0->>'suggested' AS suggested_results, f->'ratings'->1->>'suggested' AS suggested_behaviour,
  f->'ratings'->0->>'final' AS final_results, f->'ratings'->1->>'final' AS final_behaviour,
  f->'predicate'->>'predikat' AS predikat, 'frozen' AS state, s.snapshot, s.policy_version, s.employee_id
FROM score_snapshots s
  -- Parsed once a row (OFFSET 0 keeps the planner from casting again for every field).
  CROSS JOIN LATERAL (SELECT s.figures::jsonb AS f OFFSET 0) j
  JOIN employees e ON e.id = s.employee_id
  JOIN units u ON u.id = s.unit_id
  LEFT JOIN (
    SELECT DISTINCT ON (r.employee_id) r.employee_id, r.supervisor_id FROM reporting_lines r
    WHERE r.effective_to IS NULL OR r.effective_to > :day
    ORDER BY r.employee_id, (r.effective_from <= :day) DESC,
      CASE WHEN r.effective_from <= :day THEN r.effective_from END DESC, r.effective_from
  ) l ON l.employee_id = s.employee_id
  LEFT JOIN employees sup ON sup.id = CASE WHEN l.employee_id IS NULL THEN e.supervisor_id ELSE l.supervisor_id END
WHERE s.period_id = :period AND s.scope = 'year'
  AND s.snapshot = (SELECT max(snapshot) FROM score_snapshots WHERE period_id = :period)
ORDER BY s.nip
