//! Browser tests: people use LiênKết in headless Chromium, on a desktop window and on a 360 px
//! phone screen: the administrator's dashboard, a catalogue search, a register upload, and a
//! fair from its announcement to an exhibitor's check-in.
//!
//! Drives Debian's `chromedriver` over the W3C WebDriver protocol with plain HTTP calls.
//! Runs when `/usr/bin/chromedriver` exists; with `LIENKET_TEST_BROWSER=1` (set by CI) a
//! missing browser is a failure, not a skip. Screenshots land in `target/browser/`.

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
    process: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Driver {
    async fn start() -> Option<Driver> {
        let required = std::env::var("LIENKET_TEST_BROWSER").is_ok_and(|v| v == "1");
        if !std::path::Path::new(CHROMEDRIVER).exists() {
            assert!(
                !required,
                "LIENKET_TEST_BROWSER=1 but {CHROMEDRIVER} is missing: apt-get install chromium chromium-driver"
            );
            eprintln!("skipping the browser test: {CHROMEDRIVER} not installed");
            return None;
        }
        let port = free_port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("lienket-chrome-{}-{port}", std::process::id()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.display()),
                         "--window-size=1280,900", "--lang=vi"]
            }
        }}});
        let res: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("json");
        let session = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {res}"))
            .to_string();
        Some(Driver {
            http,
            base,
            session,
            process,
        })
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = self.http.request(method, url);
        let req = if body.is_null() { req } else { req.json(&body) };
        let res: Value = req
            .send()
            .await
            .expect("webdriver call")
            .json()
            .await
            .expect("webdriver json");
        if let Some(err) = res["value"].get("error") {
            panic!("webdriver {path}: {err} {}", res["value"]["message"]);
        }
        res["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/click"), json!({}))
            .await;
    }

    async fn js(&self, script: &str) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
        .await
    }

    async fn current_path(&self) -> String {
        self.js("return location.pathname")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.current_path().await != path {
            assert!(
                Instant::now() < deadline,
                "never reached {path}; at {}",
                self.current_path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls a script until it returns a non-null value (pages load after a click returns).
    async fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self.js(script).await;
            if !v.is_null() {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn screenshot(&self, name: &str) {
        let b64 = self.cmd(reqwest::Method::GET, "/screenshot", Value::Null).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("png");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }

    /// How many pixels the page is wider than the window (0 when nothing scrolls sideways).
    async fn sideways_overflow(&self) -> i64 {
        self.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            .await
            .as_i64()
            .unwrap_or(-1)
    }

    async fn resize(&self, width: u32, height: u32) {
        self.cmd(
            reqwest::Method::POST,
            "/window/rect",
            json!({"width": width, "height": height}),
        )
        .await;
    }
}

async fn spawn_demo() -> (String, tokio::sync::oneshot::Sender<()>) {
    let dir = std::env::temp_dir().join(format!("lienket-browser-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = lienket_store::DatabaseUrl::sqlite_file(&dir.join("lienket.db"));
    let store = lienket_store::Store::open(&url).await.expect("store");
    lienket::demo::seed(&store).await.expect("demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let places = lienket::server::Places::in_data_dir(&dir);
    let state = lienket::server::state(store, lienket_web::WebConfig::default(), &places)
        .await
        .expect("state");
    tokio::spawn(lienket_web::serve(listener, state, async {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), tx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_admin_signs_in_and_sees_the_dashboard_on_desktop_and_phone() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (base, _stop) = spawn_demo().await;

    // An anonymous visitor opening the dashboard is sent to sign in, then brought back.
    driver.goto(&format!("{base}/dashboard")).await;
    driver.wait_for_path("/login").await;
    driver.type_into("#username", "admin").await;
    driver.type_into("#password", lienket::demo::DEMO_PASSWORD).await;
    driver.click("form.form button[type=submit]").await;
    driver.wait_for_path("/dashboard").await;
    let heading = driver
        .js("return document.querySelector('main h1').textContent")
        .await;
    assert_eq!(heading.as_str(), Some("Bảng điều khiển"));
    let figures = driver
        .js("return document.querySelectorAll('.figure').length")
        .await;
    assert_eq!(figures.as_u64(), Some(4), "the dashboard shows its four figures");
    driver.screenshot("dashboard-desktop.png").await;

    // The same page on a 360 px phone: nothing overflows sideways.
    driver.resize(360, 780).await;
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the page scrolls sideways at 360 px"
    );
    driver.screenshot("dashboard-phone.png").await;

    // A wrong password shows the one message that does not reveal whether the account exists.
    driver.resize(1280, 900).await;
    driver.click("header form button[type=submit]").await;
    driver.wait_for_path("/").await;
    driver.goto(&format!("{base}/login")).await;
    driver.type_into("#username", "admin").await;
    driver.type_into("#password", "not the password").await;
    driver.click("form.form button[type=submit]").await;
    let alert = driver
        .wait_for("const a = document.querySelector('.alert'); return a ? a.textContent : null")
        .await;
    assert_eq!(alert.as_str(), Some("Tên đăng nhập hoặc mật khẩu không đúng."));
    driver.cmd(reqwest::Method::DELETE, "", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_on_a_phone_searches_the_catalogue_and_opens_a_product() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (base, _stop) = spawn_demo().await;
    driver.resize(360, 780).await;
    driver.goto(&format!("{base}/catalog")).await;

    // Typing without accents brings suggestions as you type (htmx).
    driver.type_into("#q", "nuoc ma").await;
    let first = driver
        .wait_for("const a = document.querySelector('#suggestions a'); return a ? a.textContent : null")
        .await;
    let first = first.as_str().unwrap_or_default().to_string();
    assert!(
        lienket_domain::text::fold(&first).contains("nuoc mam"),
        "the first suggestion completes the words typed: {first}"
    );

    // Searching lists products with star badges; nothing overflows sideways at 360 px.
    driver.click(".catalog-search button[type=submit]").await;
    driver.wait_for_path("/catalog").await;
    let cards = driver
        .wait_for("const n = document.querySelectorAll('.pcard').length; return n > 0 ? n : null")
        .await;
    assert!(cards.as_u64().unwrap_or(0) >= 3, "several fish sauces are found");
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the catalogue scrolls sideways at 360 px"
    );
    driver.screenshot("catalog-phone.png").await;

    // The first product's page shows its QR code and its producer.
    driver.click(".pcard a").await;
    let qr = driver
        .wait_for(
            "const s = document.querySelector('.qr-code svg'); return s ? s.getAttribute('viewBox') : null",
        )
        .await;
    assert!(
        qr.as_str().is_some_and(|v| v.starts_with("0 0 ")),
        "a QR code is drawn"
    );
    let path = driver.current_path().await;
    assert!(path.starts_with("/p/"), "{path}");
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the product page scrolls sideways at 360 px"
    );
    driver.screenshot("product-phone.png").await;
    driver.cmd(reqwest::Method::DELETE, "", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_upload_a_register_with_visible_progress_and_commit_it_once() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (base, _stop) = spawn_demo().await;
    // A 5,000-row register as CSV, the way Excel saves "CSV UTF-8".
    let mut csv = String::from(
        "\u{feff}STT,Mã số thuế,Tên HTX,Loại hình,Lĩnh vực,Ngày thành lập,Số thành viên,Vốn điều lệ,Địa chỉ\r\n",
    );
    for i in 0..5000 {
        csv.push_str(&format!(
            "{},01097{i:05},Hợp tác xã Thử nghiệm Số {i},Hợp tác xã,Nông nghiệp,12/05/2021,9,\"500.000.000\",\"Phường Ba Đình, Thành phố Hà Nội\"\r\n",
            i + 1
        ));
    }
    let file = std::env::temp_dir().join(format!("lienket-upload-{}.csv", free_port()));
    std::fs::write(&file, csv).expect("write the register");

    driver.goto(&format!("{base}/login?next=/imports")).await;
    driver.type_into("#username", "canbo.hanoi").await;
    driver.type_into("#password", lienket::demo::DEMO_PASSWORD).await;
    driver.click("form.form button[type=submit]").await;
    driver.wait_for_path("/imports").await;
    // Remember every label the progress line shows (sessionStorage outlives the page swap).
    driver
        .js("const box = document.querySelector('.upload-progress'); \
             sessionStorage.setItem('seen', ''); \
             new MutationObserver(() => { if (!box.hidden) sessionStorage.setItem('seen', \
               sessionStorage.getItem('seen') + '|' + box.textContent.trim()); }) \
               .observe(box, {subtree: true, childList: true, characterData: true, attributes: true}); \
             return null")
        .await;
    driver
        .type_into("#file", file.to_str().expect("a UTF-8 path"))
        .await;
    driver.click("form[data-progress] button[type=submit]").await;
    let total = driver
        .wait_for(
            "return location.pathname.startsWith('/imports/') ? \
             document.querySelector('.figure .num').textContent : null",
        )
        .await;
    assert_eq!(total.as_str(), Some("5000"), "every row was read");
    let seen = driver.js("return sessionStorage.getItem('seen')").await;
    let seen = seen.as_str().unwrap_or_default().to_string();
    assert!(
        seen.contains("Đang tải tệp lên"),
        "the upload share was shown: {seen}"
    );
    driver.screenshot("import-preview.png").await;

    // The commit button cannot be pressed twice.
    driver.click("form[data-busy] button[type=submit]").await;
    let flash = driver
        .wait_for(
            "const a = document.querySelector('.flash'); \
             return a && a.textContent.includes('Đã ghi') ? a.textContent : null",
        )
        .await;
    assert_eq!(flash.as_str(), Some("Đã ghi toàn bộ tệp vào sổ thành viên."));
    let status = driver
        .js("return document.querySelector('main p strong').textContent")
        .await;
    assert_eq!(status.as_str(), Some("Đã ghi vào sổ"), "the import is committed");
    let _ = std::fs::remove_file(&file);
    driver.cmd(reqwest::Method::DELETE, "", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_announce_a_fair_a_representative_applies_on_a_phone_and_is_checked_in() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (base, _stop) = spawn_demo().await;
    let sign_in = |user: &'static str, next: String| {
        let driver = &driver;
        let base = &base;
        async move {
            driver.goto(&format!("{base}/login?next={next}")).await;
            driver.type_into("#username", user).await;
            driver.type_into("#password", lienket::demo::DEMO_PASSWORD).await;
            driver.click("form.form button[type=submit]").await;
            driver
                .wait_for_path(next.split('?').next().unwrap_or_default())
                .await;
        }
    };

    // Hà Nội staff announce a fair whose applications are open now.
    sign_in("canbo.hanoi", "/events/new".into()).await;
    driver
        .type_into("#title", "Hội chợ thử nghiệm nông sản sạch")
        .await;
    driver
        .type_into(
            "#venue",
            "Số 5 Nguyễn Trãi, phường Văn Quán, quận Hà Đông, Hà Nội",
        )
        .await;
    driver
        .js(
            "const d = n => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10); \
             document.querySelector('#applications_open_on').value = d(-1); \
             document.querySelector('#applications_close_on').value = d(10); \
             document.querySelector('#starts_on').value = d(20); \
             document.querySelector('#ends_on').value = d(22); return null",
        )
        .await;
    driver
        .type_into("input[name=booth_name]", "Gian tiêu chuẩn")
        .await;
    driver.type_into("input[name=booth_size]", "3 × 3 m").await;
    driver.type_into("input[name=booth_capacity]", "2").await;
    driver.click("form.form button[type=submit]").await;
    let path = driver
        .wait_for("return /^\\/events\\/\\d+$/.test(location.pathname) ? location.pathname : null")
        .await;
    let event_path = path.as_str().unwrap_or_default().to_string();
    driver
        .click("form[action$='/status'] button[value=published]")
        .await;
    driver
        .wait_for(
            "const f = document.querySelector('.flash'); \
             return f && f.textContent.includes('công bố') ? f.textContent : null",
        )
        .await;
    driver.click("header form button[type=submit]").await;
    driver.wait_for_path("/").await;

    // The cooperative's representative applies from a phone with one of its products.
    driver.resize(360, 780).await;
    sign_in("daidien.htx", format!("{event_path}/apply")).await;
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the application form scrolls sideways at 360 px"
    );
    driver.click("input[name=products]").await;
    driver.type_into("#contact_name", "Nguyễn Văn An").await;
    driver.type_into("#contact_phone", "0912 345 678").await;
    driver.click("button[name=action][value=submit]").await;
    let flash = driver
        .wait_for(
            "const f = document.querySelector('.flash'); \
             return f && f.textContent.includes('Đã gửi') ? f.textContent : null",
        )
        .await;
    assert_eq!(
        flash.as_str(),
        Some("Đã gửi đăng ký. Ban tổ chức sẽ xem xét và phản hồi.")
    );
    assert_eq!(driver.current_path().await, event_path);
    driver.screenshot("event-applied-phone.png").await;
    driver.click("header form button[type=submit]").await;
    driver.wait_for_path("/").await;

    // Staff approve it and give it a booth; on the day they check the exhibitor in by phone.
    driver.resize(1280, 900).await;
    sign_in("canbo.hanoi", format!("{event_path}/applications")).await;
    driver.click("button[name=decision][value=approved]").await;
    driver
        .wait_for(
            "const f = document.querySelector('.flash'); \
             return f && f.textContent.includes('quyết định') ? f.textContent : null",
        )
        .await;
    driver
        .goto(&format!("{base}{event_path}/applications?state=approved"))
        .await;
    driver.type_into("input[name=numbers]", "b07").await;
    driver.click("form[action$='/booths'] button[type=submit]").await;
    let booths = driver
        .wait_for(
            "const f = document.querySelector('.flash'); \
             return f && f.textContent.includes('bố trí') ? document.querySelector('input[name=numbers]').value : null",
        )
        .await;
    assert_eq!(booths.as_str(), Some("B07"), "booth numbers are kept in capitals");
    driver.resize(360, 780).await;
    driver.goto(&format!("{base}{event_path}/checkin")).await;
    driver.click(".checkin-list form button[type=submit]").await;
    let message = driver
        .wait_for("const m = document.querySelector('#checkin-message'); return m ? m.textContent : null")
        .await;
    assert!(
        message
            .as_str()
            .is_some_and(|m| m.starts_with("Đã xác nhận Hợp tác xã Nông nghiệp Đông Dư có mặt lúc")),
        "{message}"
    );
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the check-in page scrolls sideways at 360 px"
    );
    driver.screenshot("event-checkin-phone.png").await;
    driver.cmd(reqwest::Method::DELETE, "", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_record_an_activity_on_a_phone_and_write_the_review_of_the_year_they_host() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (base, _stop) = spawn_demo().await;
    driver.resize(360, 780).await;
    driver.goto(&format!("{base}/login?next=/programmes")).await;
    driver.type_into("#username", "canbo.hanoi").await;
    driver.type_into("#password", lienket::demo::DEMO_PASSWORD).await;
    driver.click("form.form button[type=submit]").await;
    driver.wait_for_path("/programmes").await;
    let programme = driver
        .js("const a = [...document.querySelectorAll('main a')].find(a => /^\\/programmes\\/\\d+$/.test(a.getAttribute('href'))); \
             return a ? a.getAttribute('href') : null")
        .await;
    let programme = programme
        .as_str()
        .expect("the demo programme is listed")
        .to_string();

    // Hà Nội's staff record a training course of 2023 from a phone.
    driver
        .goto(&format!("{base}{programme}/activities/new?year=2023"))
        .await;
    driver
        .type_into("#title", "Tập huấn thử nghiệm kỹ năng livestream bán hàng")
        .await;
    driver
        .js("document.querySelector('#kind').value = 'training'; \
             document.querySelector('input[name=areas]').checked = true; \
             document.querySelector('#starts_on').value = '2023-06-15'; \
             document.querySelector('#ends_on').value = ''; \
             document.querySelector('#state').value = 'done'; return null")
        .await;
    driver.type_into("#place", "Hà Nội").await;
    driver.type_into("#participants", "1.250").await;
    driver
        .type_into("#outcome", "Học viên thực hành bán hàng trực tuyến.")
        .await;
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the activity form scrolls sideways at 360 px"
    );
    driver.click("form.form button[type=submit]").await;
    let activity = driver
        .wait_for("return /^\\/activities\\/\\d+$/.test(location.pathname) ? location.pathname : null")
        .await;
    assert!(activity.as_str().is_some());
    let shown = driver
        .js("return document.querySelector('main').textContent")
        .await;
    let shown = shown.as_str().unwrap_or_default();
    assert!(
        shown.contains("Tập huấn thử nghiệm kỹ năng livestream bán hàng"),
        "{shown}"
    );
    assert!(shown.contains("1.250") || shown.contains("1250"), "{shown}");
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the activity page scrolls sideways at 360 px"
    );
    driver.screenshot("activity-phone.png").await;

    // Hà Nội hosted 2023: its staff write the lessons of the review, which shows them with the
    // new activity among the results.
    driver.goto(&format!("{base}{programme}/reviews/2023/edit")).await;
    driver
        .js("document.querySelector('#lessons').value = 'Bài học thử nghiệm: thống nhất kế hoạch với các sở, ngành từ đầu năm.'; return null")
        .await;
    driver.click("form.form button[type=submit]").await;
    driver.wait_for_path(&format!("{programme}/reviews/2023")).await;
    let review = driver
        .js("return document.querySelector('main').textContent")
        .await;
    let review = review.as_str().unwrap_or_default();
    assert!(review.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{review}");
    assert!(
        review.contains("thống nhất kế hoạch với các sở, ngành"),
        "{review}"
    );
    assert!(
        review.contains("Tập huấn thử nghiệm kỹ năng livestream bán hàng"),
        "{review}"
    );
    let charts = driver
        .js("return document.querySelectorAll('main svg').length")
        .await;
    assert!(charts.as_u64().unwrap_or(0) >= 1, "the review has charts");
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the review scrolls sideways at 360 px"
    );
    driver.screenshot("review-phone.png").await;
    let docx = driver
        .js("const a = document.querySelector('a[href$=\".docx\"]'); return a ? a.getAttribute('href') : null")
        .await;
    assert!(docx.as_str().is_some(), "the review links its DOCX");

    // The dashboard's charts fit the phone too.
    driver.goto(&format!("{base}/dashboards")).await;
    let charts = driver
        .wait_for("const n = document.querySelectorAll('main svg').length; return n ? n : null")
        .await;
    assert!(charts.as_u64().unwrap_or(0) >= 4, "the dashboard has its charts");
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the dashboard scrolls sideways at 360 px"
    );
    driver.screenshot("dashboards-phone.png").await;
    driver.cmd(reqwest::Method::DELETE, "", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_representative_asks_for_support_on_a_phone_and_reads_the_alliances_answer() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (base, _stop) = spawn_demo().await;
    let sign_in = |user: &'static str, next: &'static str| {
        let driver = &driver;
        let base = &base;
        async move {
            driver.cmd(reqwest::Method::DELETE, "/cookie", Value::Null).await;
            driver.goto(&format!("{base}/login?next={next}")).await;
            driver.type_into("#username", user).await;
            driver.type_into("#password", lienket::demo::DEMO_PASSWORD).await;
            driver.click("form.form button[type=submit]").await;
            driver.wait_for_path(next).await;
        }
    };

    // The cooperative's representative asks from a phone; forgetting the topic is explained.
    driver.resize(360, 780).await;
    sign_in("daidien.htx", "/support/new").await;
    driver
        .type_into("#title", "Thử nghiệm: hồ sơ vay vốn mua máy sấy")
        .await;
    driver
        .type_into(
            "#body",
            "Hợp tác xã cần vay 500 triệu đồng để mua máy sấy nông sản.",
        )
        .await;
    driver.click("form.form button[type=submit]").await;
    let finding = driver
        .wait_for("const e = document.querySelector('#topic-err'); return e ? e.textContent : null")
        .await;
    assert_eq!(
        finding.as_str(),
        Some("Vui lòng chọn lĩnh vực cần tư vấn, hỗ trợ.")
    );
    let kept = driver.js("return document.querySelector('#body').value").await;
    assert!(
        kept.as_str().unwrap_or_default().contains("500 triệu"),
        "what was typed is kept"
    );
    driver
        .js("document.querySelector('#topic').value = 'finance'; return null")
        .await;
    driver.click("form.form button[type=submit]").await;
    let request = driver
        .wait_for("return /^\\/support\\/\\d+$/.test(location.pathname) ? location.pathname : null")
        .await;
    let request = request.as_str().expect("the request's page").to_string();
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the request scrolls sideways at 360 px"
    );
    driver.screenshot("support-asked-phone.png").await;

    // Hà Nội's staff find it among the requests waiting for them (the oldest first) and answer
    // on a desktop.
    driver.resize(1280, 900).await;
    sign_in("canbo.hanoi", "/support").await;
    let waiting = driver
        .js("return [...document.querySelectorAll('main table tbody tr')] \
             .filter(r => r.querySelector('.support-open, .support-awaiting')) \
             .map(r => r.querySelector('a').getAttribute('href'))")
        .await;
    let waiting: Vec<&str> = waiting
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        waiting.last(),
        Some(&request.as_str()),
        "the new request waits last in line: {waiting:?}"
    );
    driver.goto(&format!("{base}{request}")).await;
    driver
        .type_into(
            "#body",
            "Liên minh gửi mẫu phương án vay; cán bộ Quỹ sẽ liên hệ trong tuần.",
        )
        .await;
    driver.click("form.reply button[type=submit]").await;
    driver
        .wait_for("return document.querySelectorAll('.message.from-staff').length || null")
        .await;

    // The representative reads the answer on the phone.
    driver.resize(360, 780).await;
    sign_in("daidien.htx", "/support").await;
    driver.goto(&format!("{base}{request}")).await;
    let page = driver
        .js("return document.querySelector('main').textContent")
        .await;
    let page = page.as_str().unwrap_or_default();
    assert!(page.contains("Đã trả lời"), "{page}");
    assert!(page.contains("cán bộ Quỹ sẽ liên hệ trong tuần"), "{page}");
    assert_eq!(
        driver.sideways_overflow().await,
        0,
        "the thread scrolls sideways at 360 px"
    );
    driver.screenshot("support-answered-phone.png").await;
    driver.cmd(reqwest::Method::DELETE, "", Value::Null).await;
}
