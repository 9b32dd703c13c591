//! Panels of what AWS's other services say about a service or task: the
//! load balancer's target health (and, later, autoscaling).

pub mod targets;
