//! Several environments in one dashboard (`serve --config FILE`): two
//! sandboxes as two regions render together on the overview with
//! environment and region columns and a filter; an environment whose
//! region is down or black-holes shows that on its own rows while the
//! other's pages keep answering; the header switches environments.

use std::time::Duration;

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

/// Longer than any page takes with a healthy environment on any machine,
/// far shorter than the app's own AWS timeouts for a black-holed region
/// (three attempts of a 10 s read timeout each).
const WITHOUT_WAITING: Duration = Duration::from_secs(20);

fn two_envs(east: &str, west: &str) -> String {
    env_toml("prod-us", "us-east-1", east, &[]) + &env_toml("prod-eu", "eu-west-1", west, &[])
}

fn row(env: &str, cluster: &str) -> String {
    format!("table.clusters tr[data-cluster=\"{cluster}\"][data-env=\"{env}\"]")
}

#[tokio::test]
async fn two_regions_render_together_with_environment_columns_and_a_filter() {
    let east = start_sandbox(SandboxConfig::one_cluster("orders", 2, 1).with_speed(0.0001)).await;
    let west = start_sandbox_in(
        "eu-west-1",
        SandboxConfig::one_cluster("billing", 3, 1).with_speed(0.0001),
    )
    .await;
    let app = TestApp::new(
        app_state_from_config(&two_envs(&east.endpoint_url(), &west.endpoint_url())).await,
    );
    let viewer = app.session("viewer").await;

    let page = viewer.get("/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for (env, region, cluster, services) in [
        ("prod-us", "us-east-1", "orders", 2),
        ("prod-eu", "eu-west-1", "billing", 3),
    ] {
        let r = row(env, cluster);
        assert_eq!(page.texts(&format!("{r} td.env")), [env], "{}", page.body);
        assert_eq!(page.texts(&format!("{r} td.region")), [region]);
        assert_eq!(page.numbers(&r)[0], services, "services of {cluster}");
        assert_eq!(
            page.attr(&format!("{r} td a"), "href").as_deref(),
            Some(format!("/{env}/clusters/{cluster}").as_str())
        );
    }
    assert_eq!(page.count("table.clusters tr[data-cluster]"), 2);
    assert_eq!(page.count("table.environments tr[data-env]"), 2);
    // Each environment read its own sandbox.
    for sb in [&east, &west] {
        assert!(calls(&sandbox_stats(sb).await, "ecs:ListClusters") >= 1);
    }

    // The filter is a GET parameter: by environment, or by cluster name in
    // any case; the live region polls with it.
    let eu = viewer.get("/?q=prod-eu").await;
    assert_eq!(eu.count("table.clusters tr[data-cluster]"), 1);
    assert!(eu.exists(&row("prod-eu", "billing")));
    assert_eq!(
        eu.attr("input[name=q]", "value").as_deref(),
        Some("prod-eu")
    );
    assert_eq!(
        eu.attr("#overview", "hx-get").as_deref(),
        Some("/?q=prod-eu")
    );
    let orders = viewer.get("/?q=ORDERS").await;
    assert_eq!(orders.count("table.clusters tr[data-cluster]"), 1);
    assert!(orders.exists(&row("prod-us", "orders")));
    let none = viewer.get("/?q=nothing-like-this").await;
    assert_eq!(none.count("table.clusters tr[data-cluster]"), 0);
    assert!(
        none.texts("table.clusters td")
            .join(" ")
            .contains("No cluster matches")
    );

    // The header's switcher: the same screen where every environment has
    // it, the overview narrowed to the environment otherwise.
    let images = viewer.get("/prod-eu/images").await;
    assert_eq!(images.status, 200);
    assert_eq!(
        images
            .attr(".env-switcher a[data-env=\"prod-us\"]", "href")
            .as_deref(),
        Some("/prod-us/images")
    );
    let cluster = viewer.get("/prod-eu/clusters/billing").await;
    assert_eq!(cluster.status, 200);
    assert_eq!(
        cluster.texts(".env-switcher summary"),
        ["prod-eu · eu-west-1"]
    );
    assert_eq!(
        cluster
            .attr(".env-switcher a[data-env=\"prod-us\"]", "href")
            .as_deref(),
        Some("/?q=prod-us")
    );
    assert!(cluster.exists(".env-switcher a[data-env=\"prod-eu\"][aria-current]"));

    // Each sandbox is really in its environment's region: the ARNs AWS
    // hands out, as the cluster pages show them, carry it.
    for (env, cluster, arn) in [
        (
            "prod-eu",
            "billing",
            "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
        ),
        (
            "prod-us",
            "orders",
            "arn:aws:ecs:us-east-1:123456789012:cluster/orders",
        ),
    ] {
        let page = viewer.get(&format!("/{env}/clusters/{cluster}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.texts("h1 + .arn"), [arn]);
    }
    let service = viewer
        .get("/prod-eu/clusters/billing/services/svc-00000")
        .await;
    assert_eq!(service.status, 200, "{}", service.body);
    assert_eq!(
        service.texts("h1 + .arn"),
        ["arn:aws:ecs:eu-west-1:123456789012:service/billing/svc-00000"]
    );
}

#[tokio::test]
async fn a_stopped_region_shows_its_error_on_its_rows_only() {
    let east = start_sandbox(SandboxConfig::one_cluster("orders", 2, 1).with_speed(0.0001)).await;
    let west = start_sandbox_in(
        "eu-west-1",
        SandboxConfig::one_cluster("billing", 1, 1).with_speed(0.0001),
    )
    .await;
    let west_url = west.endpoint_url();
    west.shutdown().await;
    let app = TestApp::new(app_state_from_config(&two_envs(&east.endpoint_url(), &west_url)).await);
    let viewer = app.session("viewer").await;

    let error_row = "table.clusters tr.env-error[data-env=\"prod-eu\"]";
    let page = poll_until("prod-eu's error row", WITHOUT_WAITING, || async {
        let page = viewer.get("/").await;
        assert_eq!(page.status, 200, "{}", page.body);
        page.exists(error_row).then_some(page)
    })
    .await;
    let text = page.texts(error_row).join(" ");
    assert!(text.contains("Region unreachable"), "{text}");
    assert!(text.contains("eu-west-1"), "{text}");
    assert!(
        page.exists(&row("prod-us", "orders")),
        "the other region renders"
    );
    assert!(!page.exists("tr.env-error[data-env=\"prod-us\"]"));
    assert!(
        page.texts("table.environments tr[data-env=\"prod-eu\"]")
            .join(" ")
            .contains("Unreadable")
    );
    // The other environment's pages are unaffected.
    let orders = viewer.get("/prod-us/clusters/orders").await;
    assert_eq!(orders.status, 200);
    assert_eq!(orders.count("tr[data-service]"), 2);
}

#[tokio::test]
async fn a_black_holed_region_never_holds_up_the_others() {
    let east = start_sandbox(SandboxConfig::one_cluster("orders", 2, 1).with_speed(0.0001)).await;
    let (hole, task) = blackhole().await;
    let app = TestApp::new(app_state_from_config(&two_envs(&east.endpoint_url(), &hole)).await);
    let viewer = app.session("viewer").await;

    // The healthy environment's pages answer while the other region takes
    // connections and never answers.
    let orders = tokio::time::timeout(WITHOUT_WAITING, viewer.get("/prod-us/clusters/orders"))
        .await
        .expect("a page of the healthy environment does not wait for the dead one");
    assert_eq!(orders.status, 200);
    // The overview answers with the healthy rows, and says the other is
    // still being read (its read goes on in the background).
    let page = tokio::time::timeout(WITHOUT_WAITING, viewer.get("/"))
        .await
        .expect("the overview does not wait for a black-holed region");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.exists(&row("prod-us", "orders")), "{}", page.body);
    let loading = page.texts("tr.env-loading[data-env=\"prod-eu\"]").join(" ");
    assert!(loading.contains("Still reading"), "{}", page.body);
    // A poll of the live region answers the same way.
    let live = tokio::time::timeout(WITHOUT_WAITING, viewer.get_htmx("/"))
        .await
        .expect("the live region does not wait either");
    assert!(live.exists(&row("prod-us", "orders")));
    task.abort();
}

#[tokio::test]
async fn a_region_that_stops_after_its_first_read_shows_stale_rows_only() {
    let east = start_sandbox(SandboxConfig::one_cluster("orders", 2, 1).with_speed(0.0001)).await;
    let west = start_sandbox_in(
        "eu-west-1",
        SandboxConfig::one_cluster("billing", 1, 1).with_speed(0.0001),
    )
    .await;
    let clock = ecsdeck::clock::Clock::manual();
    let timing = ecsdeck::fleet::CacheTiming {
        clock: clock.clone(),
        ..Default::default()
    };
    let state = app_state_from_config(&two_envs(&east.endpoint_url(), &west.endpoint_url())).await;
    let app = TestApp::new(with_cache_timing(state, timing.clone()));
    let viewer = app.session("viewer").await;
    let first = viewer.get("/").await;
    assert!(first.exists(&row("prod-eu", "billing")), "{}", first.body);
    assert_eq!(first.count("table.clusters tr.stale"), 0);

    // The region goes away; once the copies are old, the next refresh fails.
    west.shutdown().await;
    clock.advance(timing.live);
    let page = poll_until("prod-eu's rows marked stale", WITHOUT_WAITING, || async {
        clock.advance(timing.live);
        let page = viewer.get("/").await;
        assert_eq!(page.status, 200, "{}", page.body);
        page.exists(&format!("{}.stale", row("prod-eu", "billing")))
            .then_some(page)
    })
    .await;
    assert!(
        page.exists(&row("prod-us", "orders")) && page.count("table.clusters tr.stale") == 1,
        "only the stopped region's rows are stale: {}",
        page.body
    );
    let state = page
        .texts("table.environments tr[data-env=\"prod-eu\"]")
        .join(" ");
    assert!(
        state.contains("Stale") && state.contains("Region unreachable"),
        "{state}"
    );
    let healthy = page
        .texts("table.environments tr[data-env=\"prod-us\"]")
        .join(" ");
    assert!(healthy.contains("OK"), "{healthy}");
}
