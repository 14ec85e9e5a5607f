-- The yearly score report's rows as the service writes its CSV: as score_report.pg.sql, in
-- SQLite's terms. A number is the figure's JSON text, "4.0" written as the service writes it ("4").
SELECT :label AS period, s.nip, s.employee_name AS name, e.position, u.code AS unit_code, u.name AS unit_name,
  sup.nip AS supervisor_nip, sup.name AS supervisor_name,
  (SELECT CASE WHEN v LIKE '%.0' THEN substr(v, 1, length(v) - 2) ELSE v END FROM (SELECT nullif(s.figures -> '$.results.nilai_hasil_kerja', 'null') AS v)) AS nilai_hasil_kerja,
  (SELECT CASE WHEN v LIKE '%.0' THEN substr(v, 1, length(v) - 2) ELSE v END FROM (SELECT nullif(s.figures -> '$.behaviour.mean', 'null') AS v)) AS behaviour_mean,
  (SELECT CASE WHEN v LIKE '%.0' THEN substr(v, 1, length(v) - 2) ELSE v END FROM (SELECT nullif(s.figures -> '$.citizen.index.converted', 'null') AS v)) AS citizen_index,
  (SELECT CASE WHEN v LIKE '%.0' THEN substr(v, 1, length(v) - 2) ELSE v END FROM (SELECT nullif(s.figures -> '$.nilai_kinerja.value', 'null') AS v)) AS nilai_kinerja,
  s.figures ->> '$.ratings[0].suggested' AS suggested_results, s.figures ->> '$.ratings[1].suggested' AS suggested_behaviour,
  s.figures ->> '$.ratings[0].final' AS final_results, s.figures ->> '$.ratings[1].final' AS final_behaviour,
  s.figures ->> '$.predicate.predikat' AS predikat, 'frozen' AS state, s.snapshot, s.policy_version, s.employee_id
FROM score_snapshots s
  JOIN employees e ON e.id = s.employee_id
  JOIN units u ON u.id = s.unit_id
  LEFT JOIN employees sup ON sup.id = coalesce(
    (SELECT r.supervisor_id FROM reporting_lines r WHERE r.employee_id = s.employee_id
       AND (r.effective_to IS NULL OR r.effective_to > :day)
     ORDER BY (r.effective_from <= :day) DESC,
       CASE WHEN r.effective_from <= :day THEN r.effective_from END DESC, r.effective_from LIMIT 1),
    CASE WHEN NOT EXISTS (SELECT 1 FROM reporting_lines r WHERE r.employee_id = s.employee_id
       AND (r.effective_to IS NULL OR r.effective_to > :day)) THEN e.supervisor_id END)
WHERE s.period_id = :period AND s.scope = 'year'
  AND s.snapshot = (SELECT max(snapshot) FROM score_snapshots WHERE period_id = :period)
ORDER BY s.nip
