//! Replicas: several ecsdeck processes on one PostgreSQL share users,
//! sessions, the audit trail and the history (the store), and also the
//! AWS work. Per environment one replica leads (`election`: a PostgreSQL
//! advisory lock); only the leader's refresher reads AWS and records
//! history, and what it reads is shared (`shared`: the `fleet_snapshots`
//! table) so followers serve pages from it. On SQLite (one process) no
//! election runs: the process always leads.
//!
//! Like `commands` and `state`, this module wires layers: it implements
//! the fleet's `SharedModel` over the store; it may import `fleet`,
//! `domain` and `store`.

mod election;
mod shared;

pub use election::{ElectionTiming, Leadership};
pub use shared::StoreModel;
