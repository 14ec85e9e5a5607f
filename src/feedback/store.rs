//! Reading and writing feedback threads and their messages.

use diesel::prelude::*;

use super::{FeedbackMessage, FeedbackThread, FeedbackThreadSummary};
use crate::db::schema::{feedback_messages, feedback_threads};
use crate::db::AnyConnection;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = feedback_threads)]
pub struct ThreadRow {
    pub id: String,
    pub organization_id: String,
    pub employee_id: String,
    pub supervisor_id: String,
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
    pub author_id: String,
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
