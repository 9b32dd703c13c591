//! CloudWatch metrics in the read model: each cluster's last hour of CPU
//! and memory per service (the cluster table's sparklines, one
//! GetMetricData call per 500 series) and one service's charts per range.
//! Cached like everything else (a minute: CloudWatch's own resolution),
//! renewed by the refresher while watched, every call under the budget.

use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::shared::kind;
use super::{Fleet, Fresh};
use crate::aws::{AwsClients, AwsError, GET_METRIC_DATA_BATCH};
use crate::domain::{MetricQuery, MetricRange, MetricSeries, Timestamp};

/// What a cached metrics key holds: its series by query id, and the window.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    pub start: Timestamp,
    pub end: Timestamp,
    pub series: HashMap<String, MetricSeries>,
    /// GetMetricData calls the read took (⌈queries / 500⌉).
    pub calls: usize,
    /// For the cluster table: the services in query order (`row_ids`).
    pub services: Vec<String>,
}

impl Metrics {
    pub fn get(&self, id: &str) -> Option<&MetricSeries> {
        self.series.get(id).filter(|s| !s.points.is_empty())
    }

    /// The position of `service` in the cluster table's queries.
    pub fn service_index(&self, service: &str) -> Option<usize> {
        self.services
            .binary_search_by(|s| s.as_str().cmp(service))
            .ok()
    }
}

/// Query ids of one service's row in the cluster table.
pub fn row_ids(index: usize) -> (String, String) {
    (format!("s{index}_cpu"), format!("s{index}_mem"))
}

fn ecs(
    id: String,
    metric: &'static str,
    stat: &'static str,
    dims: Vec<(&'static str, String)>,
    period_s: i32,
) -> MetricQuery {
    MetricQuery {
        id,
        namespace: "AWS/ECS",
        metric,
        dimensions: dims,
        stat,
        period_s,
    }
}

/// Series of one service chart set: CPU and memory (average and maximum),
/// and with Container Insights the running task count and network.
pub fn service_queries(
    cluster: &str,
    service: &str,
    insights: bool,
    range: MetricRange,
) -> Vec<MetricQuery> {
    let dims = || {
        vec![
            ("ClusterName", cluster.to_string()),
            ("ServiceName", service.to_string()),
        ]
    };
    let p = range.period_s();
    let mut q = vec![
        ecs("cpu_avg".into(), "CPUUtilization", "Average", dims(), p),
        ecs("cpu_max".into(), "CPUUtilization", "Maximum", dims(), p),
        ecs("mem_avg".into(), "MemoryUtilization", "Average", dims(), p),
        ecs("mem_max".into(), "MemoryUtilization", "Maximum", dims(), p),
    ];
    if insights {
        for (id, metric) in [
            ("tasks", "RunningTaskCount"),
            ("net_rx", "NetworkRxBytes"),
            ("net_tx", "NetworkTxBytes"),
        ] {
            q.push(MetricQuery {
                namespace: "ECS/ContainerInsights",
                ..ecs(id.into(), metric, "Average", dims(), p)
            });
        }
    }
    q
}

/// The cluster table's series: per service (in `services`' order, sorted) CPU and
/// memory averages, then the cluster's utilization and reservation.
pub fn cluster_queries(cluster: &str, services: &[String]) -> Vec<MetricQuery> {
    let mut q = Vec::with_capacity(services.len() * 2 + 4);
    for (i, name) in services.iter().enumerate() {
        let dims = vec![
            ("ClusterName", cluster.to_string()),
            ("ServiceName", name.clone()),
        ];
        let (cpu, mem) = row_ids(i);
        q.push(ecs(cpu, "CPUUtilization", "Average", dims.clone(), 60));
        q.push(ecs(mem, "MemoryUtilization", "Average", dims, 60));
    }
    for (id, metric) in [
        ("c_cpu", "CPUUtilization"),
        ("c_mem", "MemoryUtilization"),
        ("c_cpu_res", "CPUReservation"),
        ("c_mem_res", "MemoryReservation"),
    ] {
        let dims = vec![("ClusterName", cluster.to_string())];
        q.push(ecs(id.into(), metric, "Average", dims, 60));
    }
    q
}

/// Reads `queries` over the last `span_ms`, 500 to a call, at most four
/// calls at once (each waits for its budget token).
async fn read(
    aws: AwsClients,
    queries: Arc<Vec<MetricQuery>>,
    span_ms: i64,
    services: Arc<Vec<String>>,
) -> Result<Arc<Metrics>, AwsError> {
    let end = Timestamp::now();
    let start = Timestamp::from_millis(end.millis() - span_ms);
    let chunks: Vec<Vec<MetricQuery>> = queries
        .chunks(GET_METRIC_DATA_BATCH)
        .map(<[MetricQuery]>::to_vec)
        .collect();
    let calls = chunks.len();
    let parts: Vec<Vec<MetricSeries>> = stream::iter(chunks)
        .map(|chunk| {
            let aws = aws.clone();
            async move { aws.metric_data(&chunk, start, end).await }
        })
        .buffered(4)
        .try_collect()
        .await?;
    let series = parts
        .into_iter()
        .flatten()
        .map(|s| (s.id.clone(), s))
        .collect();
    Ok(Arc::new(Metrics {
        start,
        end,
        series,
        calls,
        services: services.to_vec(),
    }))
}

impl Fleet {
    /// The last hour of `services`' CPU and memory in `cluster` (names
    /// from the cluster's own service list, never from a URL), if in
    /// memory; otherwise `None` at once, its first read started. The
    /// table fills in on its next refresh.
    pub fn cluster_metrics(
        &self,
        cluster: &str,
        mut services: Vec<String>,
    ) -> Result<Option<Arc<Metrics>>, AwsError> {
        services.sort();
        services.dedup();
        let (aws, shared) = (self.aws.clone(), self.shared.clone());
        let name = cluster.to_string();
        let services = Arc::new(services);
        let key = format!("{cluster}/metrics");
        // The read builds its queries, not every page view.
        self.metrics.get_or_start_dated(&key.clone(), move || {
            let queries = Arc::new(cluster_queries(&name, &services));
            let read = read(
                aws.clone(),
                queries,
                MetricRange::Hour.millis(),
                services.clone(),
            );
            shared.load(kind::METRICS, key.clone(), read)
        })
    }

    /// One service's charts over `range` (the service must exist: an
    /// unknown name costs no CloudWatch call).
    pub async fn service_metrics(
        &self,
        cluster: &str,
        service: &str,
        range: MetricRange,
    ) -> Result<Fresh<Arc<Metrics>>, AwsError> {
        let c = self.cluster(cluster).await?;
        self.service(&c.name, service).await?;
        let (cluster, insights) = (&c.name, c.container_insights);
        let aws = self.aws.clone();
        let queries = Arc::new(service_queries(cluster, service, insights, range));
        let key = format!("{cluster}/service/{service}/metrics/{}", range.as_str());
        self.metrics
            .get(&key, move || {
                read(aws.clone(), queries.clone(), range.millis(), Arc::default())
            })
            .await
    }
}
