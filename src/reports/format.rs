//! The one report-format layer: a report is a row type ([`Tabular`]) and a function that reads
//! one page of rows; [`respond`] serves it as a paginated JSON page, a CSV or JSON Lines file
//! streamed page by page, or an XLSX workbook, as the client asked ([`ReportFormat::negotiate`]).
//! The score table, the distribution, the citizen index and the audit export are all served here.
//!
//! A file holds every row and is one consistent snapshot: a blocking thread follows the page
//! function's cursors from the start inside one read transaction ([`Database::read_blocking`]:
//! REPEATABLE READ, read-only on PostgreSQL; one read transaction on SQLite), [`FILE_PAGE`] rows at
//! a time, and hands each encoded page to the response through a channel of [`CHUNKS_IN_FLIGHT`]
//! pages, so memory stays a few pages however large the organisation and a slow client slows the
//! reader instead of filling memory. (The XLSX is written in rust_xlsxwriter's constant-memory
//! mode, its rows going to a temporary file; only the compressed workbook is held to send it.)

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::stream;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::{AnyConnection, Database};
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageRequest, MAX_LIMIT};

/// Rows per page when a file is written: the largest page a client may ask for.
pub const FILE_PAGE: i64 = MAX_LIMIT;

pub const CSV: &str = "text/csv";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// JSON Lines, the one media type the service sends it as (`application/x-ndjson` is accepted in
/// `Accept` too).
pub const JSON_LINES: &str = "application/jsonl";
/// Encoded pages waiting for a slow client before the reader waits too.
pub const CHUNKS_IN_FLIGHT: usize = 2;

/// A report as text (CSV, JSON Lines), for the spec.
#[derive(ToSchema)]
#[schema(value_type = String)]
pub struct ReportText(pub String);

/// A report as a binary file (XLSX), for the spec.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ReportFile(pub Vec<u8>);

/// How a report is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// A page of rows (`limit`, `cursor`, `next_cursor`).
    Json,
    /// Every row, streamed: UTF-8 with a byte-order mark, a header row, RFC 4180 quoting.
    Csv,
    /// Every row in a workbook: numbers as numbers, the header row frozen.
    Xlsx,
    /// Every row, streamed, one JSON object a line (for scripts; carries the inputs when asked).
    Jsonl,
}

impl ReportFormat {
    /// The `format` parameter if given, else the first known media type of `Accept`, else JSON.
    pub fn negotiate(param: Option<ReportFormat>, req: &HttpRequest) -> ReportFormat {
        Self::negotiate_among(param, req, &[Self::Json, Self::Csv, Self::Xlsx, Self::Jsonl]).unwrap_or(Self::Json)
    }

    /// As [`ReportFormat::negotiate`] for a report served in `offered` formats only; `None` when
    /// neither the parameter nor `Accept` names one of them.
    pub fn negotiate_among(param: Option<ReportFormat>, req: &HttpRequest, offered: &[Self]) -> Option<ReportFormat> {
        if let Some(format) = param {
            return Some(format);
        }
        let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        accept
            .split(',')
            .filter(|item| !item.split(';').skip(1).any(|p| p.trim().replace(' ', "") == "q=0"))
            .map(|item| item.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .filter_map(|media| match media.as_str() {
                "application/json" => Some(ReportFormat::Json),
                CSV => Some(ReportFormat::Csv),
                XLSX => Some(ReportFormat::Xlsx),
                JSON_LINES | "application/x-ndjson" => Some(ReportFormat::Jsonl),
                _ => None,
            })
            .find(|format| offered.contains(format))
    }

    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Jsonl => "jsonl",
        }
    }
}

/// One cell of a row, typed so a workbook stores numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Integer(i64),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<crate::db::types::EmployeeId> for Cell {
    fn from(id: crate::db::types::EmployeeId) -> Self {
        Cell::Text(id.into_string())
    }
}

impl From<crate::db::types::UnitId> for Cell {
    fn from(id: crate::db::types::UnitId) -> Self {
        Cell::Text(id.into_string())
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_string())
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}

impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Cell::Integer(value.into())
    }
}

impl From<u64> for Cell {
    fn from(value: u64) -> Self {
        Cell::Integer(value as i64)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl Cell {
    /// As CSV writes it: numbers in full precision with a dot, so that they read back exactly.
    #[cfg(test)]
    fn text(&self) -> String {
        let mut number = String::new();
        String::from_utf8_lossy(self.csv_field(&mut number)).into_owned()
    }

    /// The bytes of the cell's CSV field; a number is written into `number` (reused cell to cell).
    fn csv_field<'a>(&'a self, number: &'a mut String) -> &'a [u8] {
        use std::fmt::Write;
        number.clear();
        match self {
            Cell::Text(text) => return text.as_bytes(),
            Cell::Number(value) => write!(number, "{value}"),
            Cell::Integer(value) => write!(number, "{value}"),
            Cell::Empty => return b"",
        }
        .expect("writing to a String cannot fail");
        number.as_bytes()
    }
}

/// A report's row: JSON by its serde form, CSV and XLSX by its cells under [`Tabular::COLUMNS`].
pub trait Tabular: Serialize + Send + 'static {
    /// The header row; [`Tabular::cells`] gives one cell per column, in this order.
    const COLUMNS: &'static [&'static str];
    /// The worksheet's name (at most 31 characters).
    const SHEET: &'static str;
    fn cells(&self) -> Vec<Cell>;
}

/// Reads one page of a report's rows after the request's cursor.
pub type PageFn<R> = Arc<dyn Fn(&mut AnyConnection, &PageRequest) -> ApiResult<Page<R>> + Send + Sync>;

/// A report ready to serve: its pages and the file name of its downloads (without extension).
pub struct Report<R> {
    pub pages: PageFn<R>,
    pub file_stem: String,
}

/// A file name of safe characters only: organisation code, report, period, date.
pub fn file_stem(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect())
        .collect::<Vec<String>>()
        .join("_")
}

/// Serves `report` in `format`: for JSON the page `page` asks for; for files every row, in one
/// read transaction.
pub async fn respond<R: Tabular>(
    db: &Database,
    format: ReportFormat,
    page: PageRequest,
    report: Report<R>,
) -> ApiResult<HttpResponse> {
    let Report { pages, file_stem } = report;
    if format == ReportFormat::Json {
        let body = db.read(move |conn| pages(conn, &page)).await?;
        return Ok(HttpResponse::Ok().json(body));
    }
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![header::DispositionParam::Filename(format!("{file_stem}.{}", format.extension()))],
    };
    let mut response = HttpResponse::Ok();
    response.insert_header(disposition).insert_header((header::CACHE_CONTROL, "private, no-store"));
    match format {
        ReportFormat::Json => unreachable!("served above"),
        ReportFormat::Xlsx => {
            let db = db.clone();
            let bytes = web::block(move || db.read_blocking(|conn| workbook(conn, &pages))).await??;
            Ok(response.content_type(XLSX).body(bytes))
        }
        ReportFormat::Csv | ReportFormat::Jsonl => {
            let chunks = stream_rows(db.clone(), format, pages).await?;
            let content_type = match format {
                ReportFormat::Csv => HeaderValue::from_static("text/csv; charset=utf-8"),
                _ => HeaderValue::from_static(JSON_LINES),
            };
            Ok(response.insert_header((header::CONTENT_TYPE, content_type)).streaming(chunks))
        }
    }
}

/// A piece of the body, or why the reader stopped (actix's error type cannot cross threads).
type Chunk = Result<web::Bytes, &'static str>;

/// Every row as CSV or JSON Lines, page by page, read in one transaction on a blocking thread.
/// Answers once the first page is read, so that a failure before any byte is sent is still a
/// problem document; a later failure ends the body early with an error (the client sees a broken
/// transfer, never a complete-looking short file). When the client goes away the reader stops.
async fn stream_rows<R: Tabular>(
    db: Database,
    format: ReportFormat,
    pages: PageFn<R>,
) -> ApiResult<impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>>> {
    let (started_tx, started) = tokio::sync::oneshot::channel::<ApiResult<()>>();
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(CHUNKS_IN_FLIGHT);
    // Not awaited: the thread runs while the response streams, and ends on its own.
    drop(actix_web::rt::task::spawn_blocking(move || {
        let mut started_tx = Some(started_tx);
        let written = db.read_blocking(|conn| {
            let mut head = Vec::new();
            if format == ReportFormat::Csv {
                // The byte-order mark makes spreadsheet programs read the file as UTF-8.
                head.extend_from_slice("\u{feff}".as_bytes());
                head.extend(csv_lines(&[R::COLUMNS.iter().map(|c| c.to_string()).collect()])?);
            }
            let mut request = PageRequest { limit: FILE_PAGE, after: None };
            loop {
                let page = pages(conn, &request)?;
                let mut chunk = std::mem::take(&mut head);
                chunk.extend(encode(format, &page.items)?);
                if let Some(started) = started_tx.take() {
                    // The handler is gone only if the client went away before the answer.
                    if started.send(Ok(())).is_err() {
                        return Ok(());
                    }
                }
                if tx.blocking_send(Ok(web::Bytes::from(chunk))).is_err() {
                    return Ok(()); // the client went away
                }
                match page.next_cursor {
                    Some(cursor) => request = PageRequest::new(Some(FILE_PAGE), Some(&cursor))?,
                    None => return Ok(()),
                }
            }
        });
        if let Err(e) = written {
            match started_tx.take() {
                Some(started) => drop(started.send(Err(e))),
                None => {
                    log::error!("report file stopped: {e}");
                    drop(tx.blocking_send(Err("the report stopped")));
                }
            }
        }
    }));
    started.await.map_err(|_| ApiError::internal("the report's reader ended before its first page"))??;
    Ok(stream::unfold(rx, |mut rx| async move {
        let chunk = rx.recv().await?;
        Some((chunk.map_err(actix_web::error::ErrorInternalServerError), rx))
    }))
}

/// Rows as CSV or JSON Lines.
fn encode<R: Tabular>(format: ReportFormat, rows: &[R]) -> ApiResult<Vec<u8>> {
    match format {
        ReportFormat::Csv => {
            // Each cell straight into the writer: no text copied per cell (a year's file has 400,000).
            let mut writer = csv_writer();
            let mut number = String::new();
            for row in rows {
                for cell in row.cells() {
                    writer.write_field(cell.csv_field(&mut number)).map_err(ApiError::internal)?;
                }
                writer.write_record(None::<&[u8]>).map_err(ApiError::internal)?;
            }
            writer.into_inner().map_err(ApiError::internal)
        }
        _ => {
            let mut out = Vec::new();
            for row in rows {
                serde_json::to_writer(&mut out, row).map_err(ApiError::internal)?;
                out.push(b'\n');
            }
            Ok(out)
        }
    }
}

/// Records as RFC 4180 CSV: fields quoted when they hold a comma, a quote or a line break,
/// quotes doubled, lines ending in CRLF.
fn csv_lines(records: &[Vec<String>]) -> ApiResult<Vec<u8>> {
    let mut writer = csv_writer();
    for record in records {
        writer.write_record(record).map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
}

/// Every row in a workbook of one sheet, page by page (all in the caller's transaction).
fn workbook<R: Tabular>(conn: &mut AnyConnection, pages: &PageFn<R>) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::internal(format!("writing the workbook: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let decimal = Format::new().set_num_format("0.00");
    let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
    sheet.set_name(R::SHEET).map_err(failed)?;
    for (col, name) in R::COLUMNS.iter().enumerate() {
        sheet.set_column_width(col as u16, (name.len() as f64 + 2.0).max(12.0)).map_err(failed)?;
        sheet.write_string_with_format(0, col as u16, *name, &bold).map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    let mut row_number: u32 = 1;
    let mut request = PageRequest { limit: FILE_PAGE, after: None };
    loop {
        let page = pages(conn, &request)?;
        for row in &page.items {
            for (col, cell) in row.cells().into_iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Text(text) => sheet.write_string(row_number, col, text).map(|_| ()),
                    Cell::Number(value) => sheet.write_number_with_format(row_number, col, value, &decimal).map(|_| ()),
                    Cell::Integer(value) => sheet.write_number(row_number, col, value as f64).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(failed)?;
            }
            row_number += 1;
        }
        match page.next_cursor {
            Some(cursor) => request = PageRequest::new(Some(FILE_PAGE), Some(&cursor))?,
            None => break,
        }
    }
    book.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_parameter_wins_then_the_first_known_accepted_type() {
        let req =
            |accept: &str| actix_web::test::TestRequest::default().insert_header(("accept", accept)).to_http_request();
        assert_eq!(ReportFormat::negotiate(Some(ReportFormat::Xlsx), &req("text/csv")), ReportFormat::Xlsx);
        assert_eq!(ReportFormat::negotiate(None, &req("text/csv")), ReportFormat::Csv);
        assert_eq!(ReportFormat::negotiate(None, &req("text/html, text/csv;q=0.9")), ReportFormat::Csv);
        assert_eq!(ReportFormat::negotiate(None, &req("text/csv;q=0, application/json")), ReportFormat::Json);
        assert_eq!(ReportFormat::negotiate(None, &req(XLSX)), ReportFormat::Xlsx);
        assert_eq!(ReportFormat::negotiate(None, &req("application/x-ndjson")), ReportFormat::Jsonl);
        assert_eq!(ReportFormat::negotiate(None, &req("application/jsonl")), ReportFormat::Jsonl);
        let files = [ReportFormat::Jsonl, ReportFormat::Csv];
        assert_eq!(ReportFormat::negotiate_among(None, &req(XLSX), &files), None);
        assert_eq!(ReportFormat::negotiate_among(None, &req("text/html, text/csv"), &files), Some(ReportFormat::Csv));
        assert_eq!(ReportFormat::negotiate(None, &req("*/*")), ReportFormat::Json);
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_nothing_else() {
        let lines =
            csv_lines(&[vec!["Sitorus, S.H.".into(), "Ra\"hmat\"".into(), "D'Arcy".into(), "Zoë".into()]]).unwrap();
        assert_eq!(String::from_utf8(lines).unwrap(), "\"Sitorus, S.H.\",\"Ra\"\"hmat\"\"\",D'Arcy,Zoë\r\n");
        assert_eq!(Cell::from(Some(92.5)).text(), "92.5");
        assert_eq!(Cell::from(None::<f64>).text(), "");
        assert_eq!((Cell::from(" Zoë, S.H. ").text(), Cell::from(-7).text()), (" Zoë, S.H. ".into(), "-7".into()));
    }

    #[derive(Serialize)]
    struct Line(Vec<(Option<String>, Option<f64>, Option<i32>)>);

    impl Tabular for Line {
        const COLUMNS: &'static [&'static str] = &[];
        const SHEET: &'static str = "Lines";
        fn cells(&self) -> Vec<Cell> {
            self.0.iter().flat_map(|(t, n, i)| [Cell::from(t.clone()), Cell::from(*n), Cell::from(*i)]).collect()
        }
    }

    proptest::proptest! {
        /// A file's rows (nine cells each) are written cell by cell as the records of their texts.
        #[test]
        fn rows_are_written_as_their_cells_texts(
            lines in proptest::collection::vec(proptest::collection::vec(
                (proptest::option::of("[a-z ,\"\n']{0,6}"), proptest::option::of(-1e6f64..1e6), proptest::option::of(proptest::num::i32::ANY)),
                3), 0..4)
        ) {
            let lines: Vec<Line> = lines.into_iter().map(Line).collect();
            let texts: Vec<Vec<String>> = lines.iter().map(|l| l.cells().iter().map(Cell::text).collect()).collect();
            proptest::prop_assert_eq!(encode(ReportFormat::Csv, &lines).unwrap(), csv_lines(&texts).unwrap());
        }
    }

    #[test]
    fn file_names_keep_safe_characters_only() {
        assert_eq!(file_stem(&["kota-contoh", "skor", "2026", "", "2026-11-23"]), "kota-contoh_skor_2026_2026-11-23");
        assert_eq!(file_stem(&["a b/\"c\""]), "a_b__c_");
    }
}
