//! Reading and writing feedback threads and their messages.

use diesel::prelude::*;

use super::{FeedbackMessage, FeedbackThread, FeedbackThreadSummary};
use crate::db::schema::{feedback_messages, feedback_threads, skp_targets, skps};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::error::{ApiError, ApiResult};
use crate::pagination::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = feedback_threads)]
pub struct ThreadRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub employee_id: EmployeeId,
    pub supervisor_id: EmployeeId,
    pub target_lineage_id: Option<String>,
    pub achievement_id: Option<String>,
    pub message_count: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl ThreadRow {
    pub fn summary(self) -> FeedbackThreadSummary {
        FeedbackThreadSummary {
            id: self.id,
            employee_id: self.employee_id,
            supervisor_id: self.supervisor_id,
            target_id: self.target_lineage_id,
            achievement_id: self.achievement_id,
            message_count: self.message_count,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = feedback_messages)]
pub struct MessageRow {
    pub id: String,
    pub thread_id: String,
    pub author_id: EmployeeId,
    pub body: String,
    pub created_at: chrono::NaiveDateTime,
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<ThreadRow> {
    feedback_threads::table
        .find(id)
        .select(ThreadRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("feedback"))
}

/// A page of the threads about `employee`, oldest first, those written to since `updated_since`.
pub fn threads_of(
    conn: &mut AnyConnection,
    employee: &EmployeeId,
    page: &PageRequest,
    updated_since: Option<chrono::NaiveDateTime>,
) -> ApiResult<Vec<ThreadRow>> {
    let mut q = feedback_threads::table.filter(feedback_threads::employee_id.eq(employee)).into_boxed();
    if let Some(after) = page.after.clone() {
        q = q.filter(feedback_threads::id.gt(after));
    }
    if let Some(since) = updated_since {
        q = q.filter(feedback_threads::updated_at.ge(since));
    }
    Ok(q.order(feedback_threads::id.asc()).limit(page.fetch_limit()).select(ThreadRow::as_select()).load(conn)?)
}

/// The lineage id and the period of a target (by id or lineage id) of one of `employee`'s SKPs.
pub fn target_of(conn: &mut AnyConnection, employee: &EmployeeId, wanted: &str) -> ApiResult<Option<(String, String)>> {
    Ok(skp_targets::table
        .inner_join(skps::table)
        .filter(skps::employee_id.eq(employee))
        .filter(skp_targets::id.eq(wanted).or(skp_targets::lineage_id.eq(wanted)))
        .select((skp_targets::lineage_id, skps::period_id))
        .first(conn)
        .optional()?)
}

/// Starts a thread with its first message.
pub fn insert(conn: &mut AnyConnection, thread: &ThreadRow, message: &MessageRow) -> ApiResult<()> {
    diesel::insert_into(feedback_threads::table).values(thread).execute(conn)?;
    append(conn, thread, message)
}

/// The thread with its messages in the order they were written (ids are time-ordered).
pub fn load(conn: &mut AnyConnection, row: ThreadRow) -> ApiResult<FeedbackThread> {
    let messages: Vec<MessageRow> = feedback_messages::table
        .filter(feedback_messages::thread_id.eq(&row.id))
        .order(feedback_messages::id.asc())
        .select(MessageRow::as_select())
        .load(conn)?;
    Ok(FeedbackThread {
        messages: messages
            .into_iter()
            .map(|m| FeedbackMessage {
                by_employee: m.author_id == row.employee_id,
                id: m.id,
                author_id: m.author_id,
                body: m.body,
                created_at: m.created_at.and_utc(),
            })
            .collect(),
        id: row.id,
        organization_id: row.organization_id,
        employee_id: row.employee_id,
        supervisor_id: row.supervisor_id,
        target_id: row.target_lineage_id,
        achievement_id: row.achievement_id,
        message_count: row.message_count,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

/// Appends a message and moves the thread's `updated_at` (what `updated_since` syncs on).
pub fn append(conn: &mut AnyConnection, thread: &ThreadRow, message: &MessageRow) -> ApiResult<()> {
    diesel::insert_into(feedback_messages::table).values(message).execute(conn)?;
    diesel::update(feedback_threads::table.find(&thread.id))
        .set((
            feedback_threads::message_count.eq(feedback_threads::message_count + 1),
            feedback_threads::updated_at.eq(message.created_at),
        ))
        .execute(conn)?;
    Ok(())
}
