//! Service endpoints, error bodies, reference data, the OpenAPI document and request limits.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{alliance_body, json, plain, spawn_app, text};

/// The value of an unlabelled or labelled sample in Prometheus text.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

on_both_engines! {
    async fn health_is_ok_and_metrics_count_requests_by_kind_and_class(engine) {
        let app = spawn_app(engine).await;
        let (status, body) = text(plain().get(app.url("/healthz")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "ok");
        let _ = plain().get(app.url("/healthz")).send().await.unwrap();
        let _ = plain().get(app.url("/no-such-page")).send().await.unwrap();

        let res = plain().get(app.url("/metrics")).send().await.unwrap();
        let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
        let (status, metrics) = text(res).await;
        assert_eq!(status, StatusCode::OK);
        assert!(metrics.contains("# TYPE lienket_http_requests_total counter"), "{metrics}");
        assert_eq!(
            sample(&metrics, "lienket_http_requests_total{method=\"read\",status=\"2xx\"}"),
            Some(2.0),
            "{metrics}"
        );
        assert_eq!(
            sample(&metrics, "lienket_http_requests_total{method=\"read\",status=\"4xx\"}"),
            Some(1.0),
            "{metrics}"
        );
        assert_eq!(sample(&metrics, "lienket_alliances"), Some(5.0), "{metrics}");
        assert_eq!(sample(&metrics, "lienket_users_active"), Some(4.0), "{metrics}");
    }

    async fn an_unknown_page_is_a_vietnamese_404_and_an_unknown_api_path_is_a_json_404(engine) {
        let app = spawn_app(engine).await;
        let res = plain().get(app.url("/khong-co-trang-nay")).send().await.unwrap();
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("Không tìm thấy trang"), "{page}");
        assert!(page.contains("<html lang=\"vi\">"));

        let (status, body) = json(plain().get(app.url("/api/v1/nope")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        let vi = body["error"]["message"].as_str().unwrap().to_string();
        assert!(vi.contains("không tồn tại"), "{vi}");

        let res = plain()
            .get(app.url("/api/v1/nope"))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap();
        let (status, body) = json(res).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        let en = body["error"]["message"].as_str().unwrap();
        assert!(en.contains("does not exist"), "{en}");
        assert_ne!(vi, en);
    }

    async fn the_provinces_of_2025_and_their_wards_are_served_and_addresses_are_parsed(engine) {
        let app = spawn_app(engine).await;
        let (status, provinces) =
            json(plain().get(app.url("/api/v1/admin-units/provinces")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let provinces = provinces.as_array().expect("a list");
        assert_eq!(provinces.len(), 34);
        let ha_noi = provinces.iter().find(|p| p["code"] == "01").expect("province 01");
        assert_eq!(ha_noi["name"], "Thành phố Hà Nội");

        let (status, wards) =
            json(plain().get(app.url("/api/v1/admin-units/provinces/01/wards")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let wards = wards.as_array().expect("a list");
        assert!(!wards.is_empty());
        assert_eq!(Some(wards.len() as u64), ha_noi["ward_count"].as_u64());

        let (status, body) =
            json(plain().get(app.url("/api/v1/admin-units/provinces/99/wards")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");

        let res = plain()
            .get(app.url("/api/v1/addresses/parse"))
            .query(&[("q", "phường Văn Quán, quận Hà Đông, Hà Nội")])
            .send()
            .await
            .unwrap();
        let (status, parsed) = json(res).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(parsed["scheme"], "legacy", "{parsed}");
        assert_eq!(parsed["ward_2025"]["code"], "09556", "{parsed}");
        let alternatives = parsed["alternatives"].as_array().expect("alternatives");
        assert!(
            alternatives.iter().any(|a| a["ward_2025"]["code"] == "00643"),
            "00643 missing from the alternatives: {parsed}"
        );

        let long: String = "phuong Van Quan, quan Ha Dong, Ha Noi; ".chars().cycle().take(10_000).collect();
        let res = plain().get(app.url("/api/v1/addresses/parse")).query(&[("q", long)]).send().await.unwrap();
        let (status, _) = json(res).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("admin").await;
        let mut big = alliance_body("LON");
        big["address"] = Value::String("x".repeat(3 * 1024 * 1024));
        let res = plain()
            .post(app.url("/api/v1/alliances"))
            .bearer_auth(&token)
            .json(&big)
            .send()
            .await
            .expect("the server answers instead of dropping the connection");
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(app.store.alliance_by_code("LON").await.is_err());
    }
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_describes_alliances_and_address_parsing() {
    let app = spawn_app(crate::helpers::Engine::Sqlite).await;
    let (status, doc) = json(plain().get(app.url("/api/v1/openapi.json")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/alliances",
        "/api/v1/alliances/{id}",
        "/api/v1/addresses/parse",
        "/api/v1/me",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    assert!(doc["paths"]["/api/v1/alliances"].get("post").is_some());
    assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
}
