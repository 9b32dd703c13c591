//! The audit trail: every attempted action, recorded before AWS is called
//! (`audit_begin`, status `pending`) and completed after (`audit_finish`).
//! A record left `pending` tells that the process stopped mid-action.
//! `action_id` is UNIQUE: a replayed form cannot start a second record.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, is_unique_violation, now_ms};

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditStatus {
    Pending,
    Ok,
    Error,
    Denied,
}

impl AuditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Ok => "ok",
            Self::Error => "error",
            Self::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "ok" => Self::Ok,
            "error" => Self::Error,
            "denied" => Self::Denied,
            _ => return None,
        })
    }
}

/// What `audit_begin` records (the caller fills it from the request).
#[derive(Clone, Debug, Default)]
pub struct AuditRecord {
    pub user: String,
    pub role: String,
    pub client_addr: String,
    pub env: String,
    pub cluster: String,
    /// The service or task acted on.
    pub target: String,
    /// e.g. `scale`, `redeploy`, `deploy-image`, `rollback`, `stop-task`.
    pub action: String,
    /// The action's parameters as JSON.
    pub params: serde_json::Value,
    /// The state before, in words (e.g. `desired 2`).
    pub before: Option<String>,
    pub request_id: Option<String>,
    /// The form's one-time action id; a second `audit_begin` with the same
    /// id fails with `StoreError::Duplicate`.
    pub action_id: Option<String>,
}

/// How an action ended (`audit_finish`).
#[derive(Clone, Debug)]
pub struct AuditResult {
    pub status: AuditStatus,
    /// The state after, in words (e.g. `desired 4`).
    pub after: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// AWS's request id, when there was a call.
    pub request_id: Option<String>,
}

impl AuditResult {
    pub fn ok(after: impl Into<String>) -> Self {
        Self {
            status: AuditStatus::Ok,
            after: Some(after.into()),
            error_code: None,
            error_message: None,
            request_id: None,
        }
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: AuditStatus::Error,
            after: None,
            error_code: Some(code.into()),
            error_message: Some(message.into()),
            request_id: None,
        }
    }
}

/// One row of the trail.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub finished_ms: Option<i64>,
    pub user: String,
    pub role: String,
    pub client_addr: String,
    pub env: String,
    pub cluster: String,
    pub target: String,
    pub action: String,
    pub params: serde_json::Value,
    pub before: Option<String>,
    pub after: Option<String>,
    pub status: AuditStatus,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    pub action_id: Option<String>,
}

/// Filters for `audit_list`; `None` matches everything.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub env: Option<String>,
    pub cluster: Option<String>,
    pub target: Option<String>,
    pub action: Option<String>,
    pub status: Option<AuditStatus>,
}

const COLUMNS: &str = "id, at_ms, finished_ms, user_name, role, client_addr, env, cluster, \
target, action, params, before_state, after_state, status, error_code, error_message, \
request_id, action_id";

fn entry_from(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    let params: String = row.try_get("params")?;
    let status: String = row.try_get("status")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at_ms: row.try_get("at_ms")?,
        finished_ms: row.try_get("finished_ms")?,
        user: row.try_get("user_name")?,
        role: row.try_get("role")?,
        client_addr: row.try_get("client_addr")?,
        env: row.try_get("env")?,
        cluster: row.try_get("cluster")?,
        target: row.try_get("target")?,
        action: row.try_get("action")?,
        params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
        before: row.try_get("before_state")?,
        after: row.try_get("after_state")?,
        status: AuditStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("audit status {status}")))?,
        error_code: row.try_get("error_code")?,
        error_message: row.try_get("error_message")?,
        request_id: row.try_get("request_id")?,
        action_id: row.try_get("action_id")?,
    })
}

impl Store {
    /// Records an attempted action as `pending` and returns its id. Call it
    /// before calling AWS; `Duplicate` means the action id was used before
    /// (a double submit): do not call AWS again.
    pub async fn audit_begin(&self, rec: &AuditRecord) -> Result<i64, StoreError> {
        self.audit_insert(rec, AuditStatus::Pending, None).await
    }

    /// Records a refused attempt: `code` says why in a word (`role`,
    /// `scope`, `csrf`, `read-only`…), `message` what the user was told.
    pub async fn audit_denied(
        &self,
        rec: &AuditRecord,
        code: &str,
        message: &str,
    ) -> Result<i64, StoreError> {
        self.audit_insert(rec, AuditStatus::Denied, Some((code, message)))
            .await
    }

    async fn audit_insert(
        &self,
        rec: &AuditRecord,
        status: AuditStatus,
        error: Option<(&str, &str)>,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let finished = (status != AuditStatus::Pending).then_some(now);
        let row = sqlx::query(
            "INSERT INTO audit (at_ms, finished_ms, user_name, role, client_addr, env, cluster, \
             target, action, params, before_state, status, error_code, error_message, request_id, \
             action_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             RETURNING id",
        )
        .bind(now)
        .bind(finished)
        .bind(&rec.user)
        .bind(&rec.role)
        .bind(&rec.client_addr)
        .bind(&rec.env)
        .bind(&rec.cluster)
        .bind(&rec.target)
        .bind(&rec.action)
        .bind(rec.params.to_string())
        .bind(rec.before.as_deref())
        .bind(status.as_str())
        .bind(error.map(|e| e.0))
        .bind(error.map(|e| e.1))
        .bind(rec.request_id.as_deref())
        .bind(rec.action_id.as_deref())
        .fetch_one(self.pool())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Duplicate("this action was already submitted".to_string())
            } else {
                e.into()
            }
        })?;
        Ok(row.try_get::<i64, _>("id")?)
    }

    /// Completes the record `id` with the action's outcome.
    pub async fn audit_finish(&self, id: i64, result: &AuditResult) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE audit SET finished_ms = $1, status = $2, after_state = $3, error_code = $4, \
             error_message = $5, request_id = COALESCE($6, request_id) WHERE id = $7",
        )
        .bind(now_ms())
        .bind(result.status.as_str())
        .bind(result.after.as_deref())
        .bind(result.error_code.as_deref())
        .bind(result.error_message.as_deref())
        .bind(result.request_id.as_deref())
        .bind(id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("no audit record {id}")));
        }
        Ok(())
    }

    /// The newest `limit` records matching `filter`, newest first.
    pub async fn audit_list(
        &self,
        filter: &AuditFilter,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM audit WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut add = |column: &str, value: Option<&str>| {
            if let Some(v) = value {
                binds.push(v.to_string());
                sql.push_str(&format!(" AND {column} = ${}", binds.len()));
            }
        };
        add("user_name", filter.user.as_deref());
        add("env", filter.env.as_deref());
        add("cluster", filter.cluster.as_deref());
        add("target", filter.target.as_deref());
        add("action", filter.action.as_deref());
        add("status", filter.status.map(AuditStatus::as_str));
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", limit.min(10_000)));
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(entry_from).collect()
    }
}
