// What a portal, an auditor's tool and a citizen-facing page do with the generated client. It is
// only type-checked (`tsc --noEmit --strict` in .ci/run): a renamed field, a removed operation or
// a changed type in openapi/openapi.json breaks the build here, as it would break these clients.
import createClient from "openapi-fetch";

import type { components, paths } from "./schema";

type ScoreReportRow = components["schemas"]["ScoreReportRow"];
type SkmScores = components["schemas"]["SkmScores"];

const baseUrl = "http://127.0.0.1:8080";
// One client per media type: the reports answer JSON, CSV, XLSX or JSON Lines, and the client's
// media type says which body type an answer has.
const api = createClient<paths, "application/json" | "application/problem+json">({ baseUrl });
const csvApi = createClient<paths, "text/csv" | "application/problem+json">({ baseUrl });
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** An auditor's tool: every row of a period's score table of one predicate, page by page. */
export async function scoreTable(token: string, organizationId: string, periodId: string): Promise<ScoreReportRow[]> {
  const rows: ScoreReportRow[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET("/api/v1/organizations/{id}/reports/scores", {
      params: {
        path: { id: organizationId },
        query: { period_id: periodId, predikat: "butuh_perbaikan", format: "json", limit: 200, cursor },
      },
      headers: auth(token),
    });
    if (error) throw new Error(`${error.code}: ${error.detail}`);
    rows.push(...data.items);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

/** The same table as a CSV file for a spreadsheet. */
export async function scoreTableCsv(token: string, organizationId: string, periodId: string): Promise<string> {
  const { data, error } = await csvApi.GET("/api/v1/organizations/{id}/reports/scores", {
    params: { path: { id: organizationId }, query: { period_id: periodId, format: "csv" } },
    headers: { ...auth(token), Accept: "text/csv" },
    parseAs: "text",
  });
  if (error) throw new Error(error.detail);
  return data;
}

/** One employee's score and the step that decided the predicate. */
export async function explainScore(token: string, employeeId: string, periodId: string): Promise<string> {
  const { data, error } = await api.GET("/api/v1/employees/{id}/score", {
    params: { path: { id: employeeId }, query: { period_id: periodId } },
    headers: auth(token),
  });
  if (error) throw new Error(error.detail);
  const card = data.explanation;
  const nilai = card.nilai_kinerja?.value ?? null;
  const predikat = card.predicate?.predikat ?? "not yet";
  return `${data.employee_name} (${data.nip}): nilai kinerja ${nilai ?? "-"}, predikat ${predikat}, policy v${card.policy_version}`;
}

/** A service desk issues a ticket; the citizen rates with it; the unit's index is read back. */
export async function citizenRating(portalToken: string, staffToken: string, unitId: string, periodId: string): Promise<number | null> {
  const ticket = await api.POST("/api/v1/rating-tickets", {
    body: { unit_id: unitId, reference: "LOKET-2026-0001", expires_in_hours: 24 },
    headers: auth(portalToken),
  });
  if (ticket.error) throw new Error(ticket.error.detail);
  const scores: SkmScores = {
    persyaratan: 4,
    prosedur: 3,
    waktu_penyelesaian: 3,
    biaya_tarif: 4,
    produk_layanan: 3,
    kompetensi_pelaksana: 4,
    perilaku_pelaksana: 4,
    penanganan_pengaduan: 3,
    sarana_prasarana: 3,
  };
  const rated = await api.POST("/api/v1/public/citizen-ratings", {
    body: { ticket: ticket.data.token, scores, comment: "Pelayanan cepat" },
  });
  if (rated.error) throw new Error(rated.error.detail);
  const index = await api.GET("/api/v1/units/{id}/citizen-index", {
    params: { path: { id: unitId }, query: { period_id: periodId } },
    headers: auth(staffToken),
  });
  if (index.error) throw new Error(index.error.detail);
  const result = index.data.result;
  return result.status === "index" ? result.converted : null;
}
