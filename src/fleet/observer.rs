//! What the fleet model read, told to whoever records it (the history
//! recorder, `crate::recorder`), without any call of its own: every
//! service and task the model describes for its pages or its refresher
//! passes through here once per read. The fleet does not know the store;
//! an observer is attached once, after start-up (`Fleet::observe`).

use std::sync::{Arc, OnceLock};

use crate::domain::{Service, Task};

/// Told about every read of services and tasks. Called on the reading
/// task: it must return at once (queue, never wait on I/O).
pub trait Observer: Send + Sync {
    /// Services as DescribeServices returned them (events, deployments).
    fn services(&self, services: &[Service]);
    /// Tasks as DescribeTasks returned them (running and stopped).
    fn tasks(&self, tasks: &[Task]);
}

/// The fleet's observer slot (empty until `Fleet::observe`), cheap to
/// clone into a load.
#[derive(Clone, Default)]
pub(super) struct ObserverSlot(Arc<OnceLock<Arc<dyn Observer>>>);

impl ObserverSlot {
    pub(super) fn services(&self, services: &[Service]) {
        if let Some(o) = self.0.get()
            && !services.is_empty()
        {
            o.services(services);
        }
    }

    pub(super) fn tasks(&self, tasks: &[Task]) {
        if let Some(o) = self.0.get()
            && !tasks.is_empty()
        {
            o.tasks(tasks);
        }
    }
}

impl super::Fleet {
    /// Attaches the observer every later read is told about; a second
    /// call is ignored (one recorder per environment).
    pub fn observe(&self, observer: Arc<dyn Observer>) {
        let _ = self.observer.0.set(observer);
    }

    /// The attached observer, if any (to carry it over to a fleet built
    /// with other timing).
    pub fn observer(&self) -> Option<Arc<dyn Observer>> {
        self.observer.0.get().cloned()
    }
}
