//! Everything the sandbox knows, behind one lock.

use crate::sandbox::clock::SimClock;
use crate::sandbox::ecr::EcrStore;
use crate::sandbox::ecs::EcsState;
use crate::sandbox::logs::LogStore;

#[derive(Debug)]
pub struct World {
    pub clock: SimClock,
    pub ecs: EcsState,
    pub ecr: EcrStore,
    pub logs: LogStore,
}

impl World {
    pub fn new(clock: SimClock) -> Self {
        Self {
            clock,
            ecs: EcsState::default(),
            ecr: EcrStore::new(),
            logs: LogStore::new(),
        }
    }
}
