//! Panels of what AWS's other services say about a service or task: the
//! load balancer's target health and Application Auto Scaling.

pub mod autoscaling;
pub mod targets;
