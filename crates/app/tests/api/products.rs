//! OCOP products: a representative creates and publishes, staff certify, the public searches,
//! reads the product page and its QR code; withdrawn products answer 410; images are checked by
//! content; bulk creation through the API is all or none; hostile queries never fail.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, between, count_after, field_error, form_html, form_values, location, plain, row_links,
    set_value, spawn_app, text,
};

/// The organisation of the demonstration representative `daidien.htx` (managed by Hà Nội).
const OWN: &str = "Hợp tác xã Nông nghiệp Đông Dư";

/// A complete product form as a representative types it.
const GOOD: [(&str, &str); 11] = [
    ("name", "Nước mắm cốt cá cơm Đông Dư"),
    ("group", "thuc_pham"),
    ("set", "9"),
    ("description", "Nước mắm ủ chượp 12 tháng trong thùng gỗ."),
    ("unit", "chai"),
    ("net_quantity", "500 ml"),
    ("shelf_life", "24 tháng"),
    ("origin_province", "01"),
    ("price_min", "85.000"),
    ("price_max", "120000"),
    ("barcode", "8934567890120"),
];

/// The new-product form of `org`, filled with [`GOOD`] and `status`.
async fn product_form(app: &TestApp, client: &Client, org: i64, status: &str) -> Vec<(String, String)> {
    let (code, page) = app
        .page(client, &format!("/organisations/{org}/products/new"))
        .await;
    assert_eq!(code, StatusCode::OK, "{page}");
    let mut form = form_values(form_html(&page, "class=\"form\""));
    for (k, v) in GOOD {
        set_value(&mut form, k, v);
    }
    set_value(&mut form, "status", status);
    form
}

/// Creates a product through the form; returns its id.
async fn create(app: &TestApp, client: &Client, org: i64, status: &str) -> i64 {
    let form = product_form(app, client, org, status).await;
    let res = app
        .post_form(client, &format!("/organisations/{org}/products/new"), &form)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
    location(&res)
        .trim_start_matches("/products/")
        .parse()
        .expect("the new product's id")
}

async fn product_code(app: &TestApp, id: i64) -> String {
    app.db
        .texts(&format!("SELECT code FROM products WHERE id = {id}"))
        .await
        .pop()
        .expect("the product")
}

async fn search(app: &TestApp, q: &str) -> Value {
    let res = plain()
        .get(app.url("/api/v1/products/search"))
        .query(&[("q", q), ("limit", "10")])
        .send()
        .await
        .expect("search");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("json")
}

/// An anonymous `GET` of JSON.
async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    crate::helpers::json(plain().get(app.url(path)).send().await.expect("GET")).await
}

fn codes(results: &Value) -> Vec<String> {
    results["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The status form of the product page, set to `status`.
async fn set_status(
    app: &TestApp,
    client: &Client,
    id: i64,
    status: &str,
    reason: &str,
) -> reqwest::Response {
    let (_, page) = app.page(client, &format!("/products/{id}")).await;
    let mut form = form_values(form_html(&page, &format!("action=\"/products/{id}/status\"")));
    set_value(&mut form, "status", status);
    set_value(&mut form, "reason", reason);
    app.post_form(client, &format!("/products/{id}/status"), &form)
        .await
}

on_both_engines! {
    async fn a_representative_publishes_a_product_that_the_public_then_finds_and_scans(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let org = app.organisation_id(OWN).await;

        // Every problem is reported beside its field, nothing is saved.
        let mut bad = product_form(&app, &rep, org, "published").await;
        set_value(&mut bad, "barcode", "8934567890128");
        set_value(&mut bad, "set", "11");
        set_value(&mut bad, "price_min", "200.000");
        let before = app.db.scalar("SELECT COUNT(*) FROM products").await;
        let res = app.post_form(&rep, &format!("/organisations/{org}/products/new"), &bad).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "barcode").is_some_and(|e| e.contains("số kiểm tra")), "{page}");
        assert!(field_error(&page, "set").is_some(), "a tea set in the food group is refused");
        assert!(field_error(&page, "price_max").is_some() || field_error(&page, "price_min").is_some());
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM products").await, before);

        // A draft is not public.
        let id = create(&app, &rep, org, "draft").await;
        let code = product_code(&app, id).await;
        let (status, _) = app.page(&plain(), &format!("/p/{code}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!codes(&search(&app, "nuoc mam ca com dong du").await).contains(&code));

        // Published: found at once, without accents, with a typo, by Telex leftovers.
        let res = set_status(&app, &rep, id, "published", "").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        for q in ["nước mắm cốt cá cơm", "nuoc mam cot ca com", "nuowcs mawms cootj", "nươc mắm Đông Dư"] {
            assert!(codes(&search(&app, q).await).contains(&code), "{q} does not find the new product");
        }
        let (status, page) = app.page(&plain(), &format!("/p/{code}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Nước mắm cốt cá cơm Đông Dư") && page.contains(OWN));
        assert!(page.contains("<svg") && page.contains(&format!("/p/{code}/qr.png")));
        assert!(page.contains("85.000") && page.contains("24 tháng"), "{page}");
        // Anonymous visitors share one rendered page, but each gets a form token of its own.
        let token = |page: &str| between(page, "name=\"csrf-token\" content=\"", "\"").map(String::from);
        let (status, again) = app.page(&plain(), &format!("/p/{code}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!again.contains('\u{1}'), "no placeholder is left in the page");
        assert!(token(&again).is_some_and(|t| t.len() >= 16), "{again}");
        assert_ne!(token(&page), token(&again), "two visitors never share a token");

        // The QR code downloads as SVG and PNG.
        let svg = plain().get(app.url(&format!("/p/{code}/qr.svg"))).send().await.expect("svg");
        assert_eq!(svg.headers()["content-type"], "image/svg+xml");
        assert!(svg.text().await.expect("body").contains("viewBox"));
        let png = plain().get(app.url(&format!("/p/{code}/qr.png"))).send().await.expect("png");
        assert_eq!(png.headers()["content-type"], "image/png");
        assert!(png.bytes().await.expect("body").starts_with(b"\x89PNG"));

        // The producer's public profile and its label sheet list it.
        let (_, profile) = app.page(&plain(), &format!("/producers/{org}")).await;
        assert!(profile.contains(&format!("/p/{code}")));
        let (_, labels) = app.page(&plain(), &format!("/producers/{org}/labels")).await;
        assert!(labels.contains(&code) && labels.contains("<svg"));

        // Withdrawn: a reason is required, then the page answers 410 with a message.
        let res = set_status(&app, &rep, id, "withdrawn", "").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = set_status(&app, &rep, id, "withdrawn", "Ngừng sản xuất").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (status, page) = app.page(&plain(), &format!("/p/{code}")).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(page.contains("ngừng công bố"), "{page}");
        let (status, body) = get_json(&app, &format!("/api/v1/products/{code}")).await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(!codes(&search(&app, "nuoc mam ca com dong du").await).contains(&code));
    }

    async fn staff_certify_and_the_stars_follow_the_score_and_the_expiry(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let org = app.organisation_id(OWN).await;
        let id = create(&app, &rep, org, "published").await;
        let code = product_code(&app, id).await;

        // The representative may not record a certification.
        let (_, page) = app.page(&rep, &format!("/products/{id}")).await;
        assert!(!page.contains(&format!("action=\"/products/{id}/certifications")));
        let staff = app.login("canbo.hanoi").await;
        let csrf = app.csrf(&staff, &format!("/products/{id}")).await;
        let certify = |a: &'static str, b: &'static str, c: &'static str, date: &'static str| {
            let form = reqwest::multipart::Form::new()
                .text("score_a", a)
                .text("score_b", b)
                .text("score_c", c)
                .text("decision_no", "số 858/qđ-ubnd")
                .text("decision_date", date)
                .text("level", "province")
                .text("issuer", "UBND Thành phố Hà Nội");
            staff
                .post(app.url(&format!("/products/{id}/certifications?_csrf={csrf}")))
                .multipart(form)
                .send()
        };
        // Part A is worth at most 40 points under 148/QĐ-TTg.
        let res = certify("45", "20", "25", "15/03/2024").await.expect("post");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.db.scalar(&format!("SELECT COUNT(*) FROM product_certifications WHERE product_id = {id}")).await,
            0
        );

        // 30 + 20 + 25 = 75 points: 4 stars, valid 36 months, typed stars never used.
        let res = certify("30", "20", "25", "15/03/2024").await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let row = app
            .db
            .texts(&format!(
                "SELECT CAST(stars AS TEXT) || ' ' || expires_on || ' ' || decision_no FROM product_certifications WHERE product_id = {id}"
            ))
            .await;
        assert_eq!(row, ["4 2027-03-15 858/QĐ-UBND"]);
        let found = search(&app, "nuoc mam cot ca com").await;
        let item = found["items"].as_array().expect("items").iter().find(|i| i["code"] == code.as_str()).cloned().expect("found");
        assert_eq!(item["stars"], 4);

        // A certificate decided 40 months ago has expired: no stars anywhere, "expired" shown.
        let res = certify("30", "20", "25", "01/01/2023").await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.db.scalar(&format!("SELECT COUNT(*) FROM product_certifications WHERE product_id = {id} AND state = 'superseded'")).await,
            1,
            "the re-certification keeps the history"
        );
        let (_, page) = app.page(&plain(), &format!("/p/{code}")).await;
        assert!(page.contains("Đã hết hiệu lực"), "{page}");
        assert!(!page.contains("class=\"ocop-badge\""), "an expired certificate shows no star badge");
        let (_, body) = get_json(&app, &format!("/api/v1/products/{code}")).await;
        assert_eq!(body["stars"], Value::Null);
        assert_eq!(body["certificate_valid"], false);
        let found = search(&app, "nuoc mam cot ca com").await;
        let item = found["items"].as_array().expect("items").iter().find(|i| i["code"] == code.as_str()).cloned().expect("found");
        assert_eq!(item["stars"], Value::Null);

        // The staff list names it among expired certificates, and none is shown as valid.
        let (status, page) = app.page(&staff, "/products/certificates").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("/products/{id}\"")), "{page}");
        assert!(page.contains("Không có sản phẩm nào có giấy chứng nhận hết hạn mà vẫn hiển thị số sao"));
    }

    async fn images_are_checked_by_content_and_served_in_three_sizes(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let org = app.organisation_id(OWN).await;
        let id = create(&app, &rep, org, "published").await;
        let csrf = app.csrf(&rep, &format!("/products/{id}")).await;
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            rep.post(app.url(&format!("/products/{id}/images?_csrf={csrf}")))
                .multipart(reqwest::multipart::Form::new().part("image", part))
                .send()
        };
        // A text file named .jpg is refused with a message, and nothing is stored.
        let res = upload("anh.jpg", b"this is not a picture at all".to_vec()).await.expect("post");
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("role=\"alert\""), "{page}");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM product_images").await, 0);

        // A real PNG becomes a display and a thumbnail JPEG.
        let png = lienket_office::qr::qr_png("https://lienket.example/p/TEST", 20).expect("png");
        let res = upload("nuoc-mam.png", png).await.expect("post");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let thumb = app.db.texts(&format!("SELECT thumb_key FROM product_images WHERE product_id = {id}")).await;
        assert_eq!(thumb.len(), 1);
        let res = plain().get(app.url(&format!("/media/{}", thumb[0]))).send().await.expect("thumb");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        assert!(res.headers()["cache-control"].to_str().unwrap_or_default().contains("immutable"));
        // Paths outside the product images are not served.
        let res = plain().get(app.url("/media/..%2F..%2Fetc%2Fpasswd")).send().await.expect("get");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    async fn bulk_creation_through_the_api_is_all_or_none_and_searchable_at_once(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("daidien.htx").await;
        let org = app.organisation_id(OWN).await;
        let other = app.organisation_id("Hợp tác xã Nước mắm Nam Ô").await;
        let product = |name: &str, barcode: &str| json!({
            "organisation_id": org, "name": name, "group": "Đồ uống", "set": "11",
            "barcode": barcode, "status": "published",
            "certification": {"score_a": "36", "score_b": "20", "score_c": "30,5",
                "decision_no": "1203/QĐ-UBND", "decision_date": "10/10/2025", "level": "province"}
        });
        let before = app.db.scalar("SELECT COUNT(*) FROM products").await;
        let (status, body) = app
            .post_api(&token, "/api/v1/products", &json!({"products": [
                product("Trà xanh Đông Dư", ""), product("Trà sen Đông Dư", "123")
            ]}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "products[1].barcode", "{body}");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM products").await, before, "nothing is created");

        // Another cooperative's products are refused to a representative.
        let mut foreign = product("Nước mắm Nam Ô", "");
        foreign["organisation_id"] = json!(other);
        let (status, body) = app.post_api(&token, "/api/v1/products", &json!({"products": [foreign]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "products[0].organisation_id");

        let (status, body) = app
            .post_api(&token, "/api/v1/products", &json!({"products": [
                product("Trà xanh Đông Dư", ""), product("Trà sen Đông Dư", "")
            ]}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let created: Vec<String> = body["codes"].as_array().expect("codes").iter().map(|c| c.as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(created.len(), 2);
        let found = search(&app, "tra sen dong du").await;
        assert_eq!(codes(&found).first(), Some(&created[1]), "{found}");
        assert_eq!(found["items"][0]["stars"], 4, "86.5 points is 4 stars");

        // Open data lists published products as CSV (with BOM) and JSON.
        let csv = plain().get(app.url("/api/v1/open-data/products.csv")).send().await.expect("csv");
        let bytes = csv.bytes().await.expect("body");
        assert!(bytes.starts_with("\u{feff}code,name".as_bytes()));
        assert!(String::from_utf8_lossy(&bytes).contains(&created[0]));
        let (status, all) = get_json(&app, "/api/v1/open-data/products.json").await;
        assert_eq!(status, StatusCode::OK);
        assert!(all.as_array().expect("list").iter().any(|p| p["code"] == created[1].as_str()));
    }

    async fn hostile_queries_get_a_page_never_an_error(engine) {
        let app = spawn_app(engine).await;
        let long = "mắm ".repeat(2_500);
        let queries = [
            long.as_str(),
            "!!!???...,,,;;;",
            "'; DROP TABLE products; --",
            "<script>alert(1)</script>",
            "\"unbalanced (quote",
            "🍜🐟🍵",
            "рыбный соус 鱼露 nước mắm",
            "title:x AND name:[a TO z]",
            "",
        ];
        for q in queries {
            let res = plain().get(app.url("/catalog")).query(&[("q", q)]).send().await.expect("catalog");
            let status = res.status();
            let page = res.text().await.unwrap_or_default();
            assert_eq!(status, StatusCode::OK, "{q:.40}");
            assert!(!page.contains("<script>alert(1)</script>"), "the query is escaped");
            let res = plain().get(app.url("/api/v1/products/search")).query(&[("q", q)]).send().await.expect("api");
            assert_eq!(res.status(), StatusCode::OK, "{q:.40}");
            let res = plain().get(app.url("/catalog/suggest")).query(&[("q", q)]).send().await.expect("suggest");
            assert_eq!(res.status(), StatusCode::OK, "{q:.40}");
        }
        // Facets, sorting and paging over the demonstration catalogue.
        let (status, page) = app.page(&plain(), "/catalog?q=ch%C3%A8&sort=stars&page=2").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("sản phẩm"));
        let (status, _) = app.page(&plain(), "/catalog?page=999999&stars=abc&province=%00").await;
        assert_eq!(status, StatusCode::OK);
        // A misspelt word with nothing found offers a correction.
        let found = search(&app, "mieenx").await;
        assert!(found["total"].as_u64().is_some());
    }

    async fn only_the_producer_and_its_alliance_change_a_product(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let org = app.organisation_id(OWN).await;
        let id = create(&app, &rep, org, "draft").await;
        let other = app.organisation_id("Hợp tác xã Nước mắm Nam Ô").await;
        let (status, _) = app.page(&rep, &format!("/organisations/{other}/products/new")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let res = plain().get(app.url(&format!("/products/{id}"))).send().await.expect("get");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the staff page asks anonymous visitors to sign in");
        assert!(location(&res).starts_with("/login"));
        let coordinator = app.login("dieuphoi").await;
        let (status, _) = app.page(&coordinator, &format!("/products/{id}")).await;
        assert_eq!(status, StatusCode::OK, "coordinators read every product");
        let (status, page) = app.page(&coordinator, &format!("/products/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains(&format!("action=\"/products/{id}/certifications")), "only the managing alliance certifies");
    }

    async fn the_registry_filters_organisations_with_valid_ocop_products(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let today = time::OffsetDateTime::now_utc().date();
        let today = format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day());
        let with: std::collections::BTreeSet<i64> = app
            .db
            .ints(&format!(
                "SELECT DISTINCT organisation_id FROM products WHERE status = 'published' \
                 AND stars IS NOT NULL AND cert_expires_on >= '{today}'"
            ))
            .await
            .into_iter()
            .collect();
        let all = app.db.scalar("SELECT COUNT(*) FROM organisations").await as u64;
        assert!(!with.is_empty() && (with.len() as u64) < all, "the demo has both kinds");
        let (status, page) = app.page(&coordinator, "/organisations?ocop=yes").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(count_after(&page, "Tổng số: "), with.len() as u64);
        for (href, _) in row_links(&page) {
            if let Some(id) = href.strip_prefix("/organisations/").and_then(|i| i.parse::<i64>().ok()) {
                assert!(with.contains(&id), "organisation {id} has no valid OCOP product");
            }
        }
        let (_, page) = app.page(&coordinator, "/organisations?ocop=no").await;
        assert_eq!(count_after(&page, "Tổng số: "), all - with.len() as u64);

        // A certificate revoked today takes its organisation out of the filter.
        let org = *with.iter().next().expect("one");
        let (pid, cid) = {
            let rows = app
                .db
                .ints(&format!(
                    "SELECT p.id FROM products p WHERE p.organisation_id = {org} AND p.status = 'published' \
                     AND p.stars IS NOT NULL AND p.cert_expires_on >= '{today}'"
                ))
                .await;
            let pid = rows[0];
            let cid = app
                .db
                .scalar(&format!("SELECT id FROM product_certifications WHERE product_id = {pid} AND state = 'current'"))
                .await;
            (pid, cid)
        };
        let others = app
            .db
            .scalar(&format!(
                "SELECT COUNT(*) FROM products WHERE organisation_id = {org} AND id <> {pid} AND status = 'published' \
                 AND stars IS NOT NULL AND cert_expires_on >= '{today}'"
            ))
            .await;
        let staff = app.login("admin").await;
        let (_, page) = app.page(&staff, &format!("/products/{pid}")).await;
        let mut form = form_values(form_html(&page, &format!("action=\"/products/{pid}/certifications/{cid}/revoke\"")));
        set_value(&mut form, "reason", "Không còn đáp ứng tiêu chí");
        let res = app.post_form(&staff, &format!("/products/{pid}/certifications/{cid}/revoke"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (_, page) = app.page(&coordinator, "/organisations?ocop=yes").await;
        let expected = if others > 0 { with.len() } else { with.len() - 1 };
        assert_eq!(count_after(&page, "Tổng số: "), expected as u64);
    }

    async fn a_search_hit_says_what_the_product_itself_says(engine) {
        let app = spawn_app(engine).await;
        let mut seen = 0;
        for q in ["mật ong", "nuoc mam", "chè", "gạo"] {
            let found = search(&app, q).await;
            for item in found["items"].as_array().expect("items") {
                let code = item["code"].as_str().expect("a code");
                let (status, product) = get_json(&app, &format!("/api/v1/products/{code}")).await;
                assert_eq!(status, StatusCode::OK);
                for key in ["code", "name", "producer", "province", "stars", "group", "set_no", "certificate_expires_on", "url"] {
                    assert_eq!(item[key], product[key], "{q}: {code}: {key}");
                }
                seen += 1;
            }
        }
        assert!(seen >= 10, "the demo catalogue answers these searches ({seen} hits)");
    }
}
