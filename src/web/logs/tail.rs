//! `GET /{env}/logs/tail?…`: the live tail as server-sent events. Each
//! stream of the view is one subscription to the environment's shared
//! poller for it; their batches are merged, filtered by the view's terms,
//! rendered as escaped line HTML and sent as `lines` events, which htmx's
//! SSE extension appends to the viewer. Each tail holds its user's slots
//! (`TailHub::admit`) until the stream ends or the client goes away; past
//! the caps it is refused with 429 and the reason.
//!
//! A tail lasts longer than the request the guard checked: every
//! `recheck_every` it checks the session and user again
//! (`auth::still_signed_in`), and it ends — a last `end` event saying why —
//! once they are gone or changed, or when the server shuts down.

use std::convert::Infallible;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use tokio::time::Instant;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::lines::{LogLines, Moments, Tagger, line_views};
use super::params::LogParams;
use super::pattern::Terms;
use super::resolve;
use crate::auth::{AuthState, CurrentUser, still_signed_in};
use crate::domain::{LogEvent, Timestamp};
use crate::error::AppError;
use crate::fleet::logs::{REORDER_WINDOW, Reorder, Subscription, TailSource};
use crate::state::{AppState, Shutdown};
use crate::web::extract::{Env, Query};

enum Item {
    Lines(Arc<[LogEvent]>),
    /// The tail now polls instead of riding a Live Tail session, and why.
    Polling(String),
    /// This viewer fell behind and missed some batches.
    Skipped(u64),
}

fn items(sub: Subscription) -> impl Stream<Item = Item> + Send {
    let backlog = (!sub.backlog.is_empty()).then(|| Item::Lines(sub.backlog.into()));
    let live = BroadcastStream::new(sub.rx).map(|r| match r {
        Ok(batch) => Item::Lines(batch),
        Err(BroadcastStreamRecvError::Lagged(n)) => Item::Skipped(n),
    });
    futures::stream::iter(backlog).chain(live)
}

/// Holds each line for the reorder window and releases lines in event-time
/// order (`fleet::logs::Reorder`); other items pass at once.
fn in_time_order(items: BoxStream<'static, Item>) -> BoxStream<'static, Item> {
    let state = (items, Reorder::new(REORDER_WINDOW), false);
    futures::stream::unfold(state, |(mut items, mut held, mut ended)| async move {
        loop {
            if ended && held.held() == 0 {
                return None;
            }
            let due = held.next_due();
            let wait = async move {
                match due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                item = items.next(), if !ended => match item {
                    Some(Item::Lines(batch)) => held.push(batch.iter().cloned(), Instant::now()),
                    Some(other) => return Some((other, (items, held, ended))),
                    None => ended = true,
                },
                () = wait => {
                    let out = held.due(Instant::now());
                    if !out.is_empty() {
                        return Some((Item::Lines(out.into()), (items, held, ended)));
                    }
                }
            }
        }
    })
    .boxed()
}

/// One line, once, when the group's tail polls (from the start, or after
/// its Live Tail session was refused or cut short): the open page says so,
/// not only the next one. Reads the hub's memory every few seconds.
fn polling_notice(
    hub: Arc<crate::fleet::logs::TailHub>,
    group: String,
) -> impl Stream<Item = Item> + Send {
    futures::stream::unfold(Some((hub, group)), |state| async move {
        let (hub, group) = state?;
        let mut tick = tokio::time::interval(POLLING_CHECK);
        loop {
            tick.tick().await;
            if let TailSource::Polling(why) = hub.source(&group) {
                return Some((Item::Polling(why), None));
            }
        }
    })
}

/// How often an open tail looks whether its group fell back to polling.
const POLLING_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// Why the tail ended, once it must: the server stops, or every
/// `recheck_every` the session or user turns out gone or changed.
async fn tail_end(
    auth: AuthState,
    shutdown: Shutdown,
    session: Option<tower_sessions::session::Id>,
    user: CurrentUser,
) -> &'static str {
    let every = auth.config.recheck_every;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.started() => return "The server is shutting down; the live tail stopped.",
            _ = tick.tick() => {
                if let Err(ended) = still_signed_in(&auth, session, &user).await {
                    tracing::info!(user = %user.name, why = ?ended, "live tail ended");
                    return ended.message();
                }
            }
        }
    }
}

pub async fn tail_logs(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    env: Env,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let params = LogParams::parse(&pairs)?;
    if !params.is_viewer() {
        return Err(AppError::BadRequest(
            "The live tail needs group= and stream=, or service= and container=.".to_string(),
        ));
    }
    let resolved = resolve(&env, &state.settings, &params).await?;
    let terms = match (&resolved.terms, resolved.view.pattern.is_empty()) {
        (_, true) => None,
        (Some(t), false) => Some(t.clone()),
        (None, false) => {
            return Err(AppError::BadRequest(
                "The live tail follows term patterns only, not JSON or space-delimited ones."
                    .to_string(),
            ));
        }
    };
    // A browser reconnecting by itself sends the id of the last event it
    // got (the newest line's time): resume after it, not after the page.
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let after = resumed.or(params.after_ms).map(Timestamp::from_millis);
    let pass = env
        .tail
        .admit(&user.name, &resolved.view.group, &resolved.live)
        .map_err(|r| AppError::TooManyRequests(r.to_string()))?;
    let mut subs: Vec<_> = resolved
        .live
        .iter()
        .map(|s| items(env.tail.subscribe(&resolved.view.group, s, after)).boxed())
        .collect();
    subs.push(polling_notice(env.tail.clone(), resolved.view.group.clone()).boxed());
    let tagger = resolved.tagger;
    let moments = Moments::new(params.moment_query(), None);
    let merged = futures::stream::select_all(subs).boxed();
    // Several streams (a service's tasks): lines in event-time order.
    let merged = if resolved.live.len() > 1 {
        in_time_order(merged)
    } else {
        merged
    };
    let mut newest = after.map_or(0, Timestamp::millis);
    let events = merged
        .filter_map(move |item| {
            // The stream owns the pass: its slots free when the stream is
            // dropped (ended, or the client disconnected).
            let _held = &pass;
            if let Item::Lines(batch) = &item {
                newest = batch
                    .iter()
                    .map(|e| e.timestamp.millis())
                    .fold(newest, i64::max);
            }
            let event =
                render(item, &tagger, terms.as_ref(), &moments).map(|e| e.id(newest.to_string()));
            std::future::ready(event)
        })
        .boxed();
    let end = Box::pin(tail_end(
        state.auth.clone(),
        state.shutdown.clone(),
        session.id(),
        user,
    ));
    // Lines until the end comes; then its event, and the stream closes
    // (dropping the subscriptions and the pass).
    let events = futures::stream::unfold(Some((events, end)), |open| async move {
        let (mut events, mut end) = open?;
        tokio::select! {
            why = &mut end => Some((end_event(why), None)),
            event = events.next() => event.map(|e| (e, Some((events, end)))),
        }
    })
    .map(Ok::<_, Infallible>);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// A notice line in the tail (escaped: the reason may carry AWS's words).
#[derive(Template)]
#[template(
    source = "<div class=\"log-line log-gap\">{{ text }}</div>\n",
    ext = "html"
)]
struct TailNotice {
    text: String,
}

/// The last event: the reason, as a line of the viewer (`end` closes the
/// browser's EventSource, so it does not reconnect).
fn end_event(why: &'static str) -> Event {
    Event::default().event("end").data(format!(
        "<div class=\"log-line log-gap\">Live tail ended: {why}</div>"
    ))
}

fn render(item: Item, tagger: &Tagger, terms: Option<&Terms>, moments: &Moments) -> Option<Event> {
    let html = match item {
        Item::Lines(batch) => {
            let kept: Vec<LogEvent> = batch
                .iter()
                .filter(|e| terms.is_none_or(|t| t.matches(&e.message)))
                .cloned()
                .collect();
            if kept.is_empty() {
                return None;
            }
            let marks = terms.map(Terms::marks).unwrap_or_default();
            LogLines {
                lines: line_views(&kept, tagger, &marks, moments),
            }
            .render()
            .ok()?
        }
        Item::Polling(why) => TailNotice {
            text: format!("Following by polling GetLogEvents, not a Live Tail session: {why}"),
        }
        .render()
        .ok()?,
        Item::Skipped(n) => format!(
            "<div class=\"log-line log-gap\">… {n} batches skipped: this viewer fell behind the stream</div>\n"
        ),
    };
    Some(Event::default().event("lines").data(html.replace('\r', "")))
}
