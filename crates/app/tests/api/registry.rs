//! The member registry in the browser: who sees which organisations, the folded search, the
//! Vietnamese sort, the date filter and paging of the list; registering, editing (with its
//! optimistic concurrency) and changing the status of organisations through the forms.

use std::collections::BTreeSet;

use lienket_domain::text::collate;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::{
    TestApp, alerts, between, count_after, field_error, fields_with_errors, form_html, form_values,
    in_alliance, location, row_links, set_value, spawn_app, value_of,
};

/// The count line of the registry list.
const TOTAL: &str = "Tổng số: ";

/// The organisations listed on a registry page, as (id, name), in page order.
fn listed(page: &str) -> Vec<(i64, String)> {
    row_links(page)
        .into_iter()
        .filter_map(|(href, name)| Some((href.strip_prefix("/organisations/")?.parse().ok()?, name)))
        .collect()
}

fn ids(rows: &[(i64, String)]) -> BTreeSet<i64> {
    rows.iter().map(|(id, _)| *id).collect()
}

fn names(rows: &[(i64, String)]) -> Vec<String> {
    rows.iter().map(|(_, n)| n.clone()).collect()
}

/// A page of the registry list, which must answer 200.
async fn list(app: &TestApp, client: &Client, query: &str) -> String {
    let (status, page) = app.page(client, &format!("/organisations?{query}")).await;
    assert_eq!(status, StatusCode::OK, "/organisations?{query}: {page}");
    page
}

/// Every organisation the list shows for `query`, over all its pages of 50.
async fn list_all(app: &TestApp, client: &Client, query: &str) -> Vec<(i64, String)> {
    let first = list(app, client, query).await;
    let total = count_after(&first, TOTAL);
    let mut rows = listed(&first);
    for p in 2..=total.div_ceil(50) {
        rows.extend(listed(&list(app, client, &format!("{query}&page={p}")).await));
    }
    assert_eq!(
        rows.len() as u64,
        total,
        "the pages of {query:?} do not add up to the count"
    );
    rows
}

/// The ids a query on the database returns, as a set.
async fn db_ids(app: &TestApp, sql: &str) -> BTreeSet<i64> {
    app.db.ints(sql).await.into_iter().collect()
}

/// The registration form as shown to `client`, filled in with a valid new cooperative.
async fn new_cooperative_form(
    app: &TestApp,
    client: &Client,
    code: &str,
    name: &str,
) -> Vec<(String, String)> {
    let (status, page) = app.page(client, "/organisations/new").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut form = form_values(form_html(&page, "action=\"/organisations/new\""));
    assert_eq!(
        value_of(&form, "kind"),
        "cooperative",
        "the form starts as a cooperative"
    );
    for (field, value) in [
        ("registration_code", code),
        ("name", name),
        ("sector", "agriculture"),
        ("founded_on", "12/05/2021"),
        ("members_official", "9"),
        ("charter_capital", "500.000.000"),
        ("representative", "Nguyễn Văn Bình"),
        ("representative_title", "Giám đốc"),
        ("phone", "0912 345 678"),
        ("address", "Xã Bát Tràng, Thành phố Hà Nội"),
    ] {
        set_value(&mut form, field, value);
    }
    form
}

/// The edit form of an organisation as shown to `client`.
async fn edit_form(app: &TestApp, client: &Client, id: i64) -> Vec<(String, String)> {
    let (status, page) = app.page(client, &format!("/organisations/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    form_values(form_html(&page, &format!("action=\"/organisations/{id}/edit\"")))
}

/// One text column of one organisation.
async fn org_text(app: &TestApp, id: i64, column: &str) -> Option<String> {
    let rows = app
        .db
        .rows(&format!("SELECT {column} FROM organisations WHERE id = {id}"))
        .await;
    rows.first()
        .unwrap_or_else(|| panic!("no organisation {id}"))
        .try_get_by_index::<Option<String>>(0)
        .expect("a text column")
}

/// The (before, after) JSON of the change-log rows of one organisation, oldest first.
async fn org_changes(app: &TestApp, id: i64, op: &str) -> Vec<(String, Value, Value)> {
    let rows = app
        .db
        .rows(&format!(
            "SELECT actor_name, before, after FROM change_log \
             WHERE entity = 'organisation' AND entity_key = '{id}' AND op = '{op}' ORDER BY id"
        ))
        .await;
    rows.iter()
        .map(|r| {
            let json = |i| {
                r.try_get_by_index::<Option<String>>(i)
                    .expect("a text column")
                    .map_or(Value::Null, |t| serde_json::from_str(&t).expect("JSON"))
            };
            (r.try_get_by_index::<String>(0).expect("actor"), json(1), json(2))
        })
        .collect()
}

on_both_engines! {
    async fn ha_noi_staff_list_only_ha_noi_organisations_and_cannot_open_another_alliances(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);
        let own = db_ids(
            &app,
            &format!("SELECT id FROM organisations WHERE {}", in_alliance(hn)),
        )
        .await;
        let everyone = app.db.scalar("SELECT COUNT(*) FROM organisations").await;
        assert!(
            !own.is_empty() && (own.len() as i64) < everyone,
            "the demo has other alliances' members too"
        );

        // Asking for another alliance changes nothing: staff are held to their own.
        for query in [String::new(), format!("alliance={ct}")] {
            let first = list(&app, &staff, &query).await;
            assert_eq!(count_after(&first, TOTAL), own.len() as u64, "?{query}");
            assert_eq!(ids(&list_all(&app, &staff, &query).await), own, "?{query}");
        }

        let can_tho_org = app
            .db
            .scalar(&format!("SELECT MIN(id) FROM organisations WHERE alliance_id = {ct}"))
            .await;
        let can_tho_name = org_text(&app, can_tho_org, "name").await.unwrap();
        for path in [format!("/organisations/{can_tho_org}"), format!("/organisations/{can_tho_org}/edit")] {
            let (status, page) = app.page(&staff, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.contains("không có quyền"), "{page}");
            assert!(!page.contains(&can_tho_name), "the forbidden page shows the organisation: {page}");
        }
        let ha_noi_org = *own.iter().next().unwrap();
        let (status, page) = app.page(&staff, &format!("/organisations/{ha_noi_org}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    }

    async fn an_organisation_that_joins_a_second_alliance_is_listed_and_readable_there_but_kept_by_its_own(engine) {
        let app = spawn_app(engine).await;
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);
        let ha_noi = app.login("canbo.hanoi").await;
        let can_tho = app.new_staff("canbo.cantho", "CT").await;
        let rice = app.organisation_id("Hợp tác xã Gạo sạch Phong Điền").await;
        let joined = || async {
            let rows = list_all(&app, &ha_noi, "").await;
            ids(&rows).contains(&rice)
        };
        assert!(!joined().await, "a Cần Thơ member is not on the Hà Nội list before it joins");
        let (status, _) = app.page(&ha_noi, &format!("/organisations/{rice}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Only its managing alliance records the membership: Hà Nội cannot admit it by itself.
        let join = |client: &Client, alliance: i64, date: &str| {
            let (client, app, date) = (client.clone(), &app, date.to_string());
            async move {
                let path = format!("/organisations/{rice}");
                let csrf = app.csrf(&client, "/").await;
                let fields = vec![
                    ("_csrf".to_string(), csrf),
                    ("alliance".to_string(), alliance.to_string()),
                    ("joined_on".to_string(), date),
                ];
                let res = app.post_form(&client, &format!("{path}/memberships"), &fields).await;
                let status = res.status();
                (status, res.text().await.unwrap_or_default())
            }
        };
        let (status, _) = join(&ha_noi, hn, "").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, page) = join(&can_tho, hn, "31/02/2024").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an impossible date: {page}");
        assert!(alerts(&page).iter().any(|a| a.contains("ngày/tháng/năm")), "{:?}", alerts(&page));
        let (status, page) = join(&can_tho, ct, "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "its own managing alliance: {page}");
        assert!(alerts(&page).iter().any(|a| a.contains("đã là thành viên")), "{:?}", alerts(&page));
        let (status, page) = join(&can_tho, hn, "15/03/2024").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (status, page) = join(&can_tho, hn, "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "twice: {page}");
        assert!(alerts(&page).iter().any(|a| a.contains("đã là thành viên")), "{:?}", alerts(&page));
        assert_eq!(
            app.db
                .scalar(&format!("SELECT COUNT(*) FROM organisation_memberships WHERE organisation_id = {rice}"))
                .await,
            1
        );

        // Hà Nội now lists it (also under its own alliance filter) and reads it, but cannot change it.
        assert!(joined().await, "the Hà Nội list shows the new member");
        let (status, page) = app.page(&ha_noi, &format!("/organisations/{rice}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("15/03/2024"), "the joining date is shown");
        assert!(!page.contains("/memberships\""), "Hà Nội gets no membership form");
        let (status, _) = app.page(&ha_noi, &format!("/organisations/{rice}/edit")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let changes = org_changes(&app, rice, "update").await;
        let (_, before, after) = changes.last().expect("the membership is in the audit trail");
        assert_eq!(before["member_of"], serde_json::json!([]));
        assert_eq!(after["member_of"], serde_json::json!(["HN"]));

        // The managing alliance ends it; Hà Nội loses sight of it again.
        let csrf = app.csrf(&can_tho, "/").await;
        let res = app
            .post_form(
                &can_tho,
                &format!("/organisations/{rice}/memberships/{hn}/remove"),
                &[("_csrf".to_string(), csrf)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(!joined().await, "the Hà Nội list drops a member that left");
        let (status, _) = app.page(&ha_noi, &format!("/organisations/{rice}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn the_search_finds_che_whether_typed_without_accents_or_in_capitals(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let expected = db_ids(
            &app,
            &format!(
                "SELECT id FROM organisations WHERE search_folded LIKE '%che%' AND {}",
                in_alliance(hn)
            ),
        )
        .await;
        let phu_thinh = app.organisation_id("Hợp tác xã Chè Phú Thịnh").await;
        let bat_xat = app.organisation_id("Hợp tác xã Chè Shan tuyết Bát Xát").await;
        assert!(expected.contains(&phu_thinh) && expected.contains(&bat_xat));
        assert!(expected.len() <= 50, "one page holds every match");

        for q in ["che", "CHÈ", "chè"] {
            let page = list(&app, &staff, &format!("q={}", crate::helpers::urlencode(q))).await;
            let rows = listed(&page);
            assert_eq!(count_after(&page, TOTAL), expected.len() as u64, "q={q}");
            assert_eq!(ids(&rows), expected, "q={q}");
            assert!(names(&rows).contains(&"Hợp tác xã Chè Phú Thịnh".to_string()), "q={q}: {rows:?}");
        }
        // Every word must match, still without accents.
        let page = list(&app, &staff, "q=CHE+phu+thinh").await;
        assert_eq!(ids(&listed(&page)), BTreeSet::from([phu_thinh]));
        let page = list(&app, &staff, "q=khong+co+to+chuc+nao").await;
        assert_eq!(count_after(&page, TOTAL), 0);
        assert!(listed(&page).is_empty());
    }

    async fn sorting_by_name_follows_vietnamese_alphabetical_order_across_pages(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let mut expected = app.db.texts("SELECT name FROM organisations").await;
        assert_eq!(expected.len(), 100);
        expected.sort_by(|a, b| collate(a, b));
        let mut bytewise = expected.clone();
        bytewise.sort();
        assert_ne!(
            bytewise, expected,
            "the demo names would sort the same by bytes: the check proves nothing"
        );

        let first = names(&listed(&list(&app, &coordinator, "sort=name&dir=asc&page=1").await));
        let second = names(&listed(&list(&app, &coordinator, "sort=name&dir=asc&page=2").await));
        assert_eq!(first, expected[..50]);
        assert_eq!(second, expected[50..]);

        let descending = names(&listed(&list(&app, &coordinator, "sort=name&dir=desc&page=1").await));
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(descending, reversed[..50]);
    }

    async fn the_list_shows_fifty_organisations_a_page(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let all = db_ids(&app, "SELECT id FROM organisations").await;
        assert_eq!(all.len(), 100);

        let first = list(&app, &coordinator, "").await;
        assert_eq!(count_after(&first, TOTAL), 100);
        assert!(first.contains("Trang 1 / 2"), "{first}");
        assert!(first.contains("href=\"/organisations?page=2&sort=&dir=\" rel=\"next\""), "{first}");
        let second = list(&app, &coordinator, "page=2").await;
        assert!(second.contains("Trang 2 / 2"), "{second}");
        assert!(!second.contains("rel=\"next\""), "{second}");
        let (a, b) = (ids(&listed(&first)), ids(&listed(&second)));
        assert_eq!((a.len(), b.len()), (50, 50));
        assert!(a.is_disjoint(&b));
        assert_eq!(a.union(&b).copied().collect::<BTreeSet<_>>(), all);
        assert!(listed(&list(&app, &coordinator, "page=3").await).is_empty());

        // Filters are kept from page to page.
        let hn = app.alliance_id("HN").await;
        let of_hn = app
            .db
            .scalar(&format!("SELECT COUNT(*) FROM organisations WHERE {}", in_alliance(hn)))
            .await as usize;
        assert!(of_hn > 50, "Hà Nội needs two pages");
        let page = list(&app, &coordinator, &format!("alliance={hn}")).await;
        assert_eq!(listed(&page).len(), 50);
        assert!(page.contains(&format!("page=2&sort=&dir=&alliance={hn}\" rel=\"next\"")), "{page}");
        let page = list(&app, &coordinator, &format!("alliance={hn}&page=2")).await;
        assert_eq!(listed(&page).len(), of_hn - 50);
    }

    async fn the_founding_date_filter_takes_years_or_days_and_explains_a_bad_date(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        // Hợp tác xã Chè Phú Thịnh was founded on 02/02/2006, Bưởi Đoan Hùng on 11/11/2015.
        let phu_thinh = app.organisation_id("Hợp tác xã Chè Phú Thịnh").await;
        let doan_hung = app.organisation_id("Hợp tác xã Bưởi Đoan Hùng").await;
        assert_eq!(org_text(&app, phu_thinh, "founded_on").await.as_deref(), Some("2006-02-02"));
        assert_eq!(org_text(&app, doan_hung, "founded_on").await.as_deref(), Some("2015-11-11"));

        for (query, from, to) in [
            ("founded_from=2006&founded_to=2015", "2006-01-01", "2015-12-31"),
            ("founded_from=02/02/2006&founded_to=11/11/2015", "2006-02-02", "2015-11-11"),
            ("founded_from=3/2/2006&founded_to=10/11/2015", "2006-02-03", "2015-11-10"),
        ] {
            let expected = db_ids(
                &app,
                &format!(
                    "SELECT id FROM organisations WHERE founded_on >= '{from}' AND founded_on <= '{to}'"
                ),
            )
            .await;
            assert!(!expected.is_empty() && expected.len() < 100, "{query}");
            let page = list(&app, &coordinator, query).await;
            assert!(alerts(&page).is_empty(), "{query}: {:?}", alerts(&page));
            assert_eq!(count_after(&page, TOTAL), expected.len() as u64, "{query}");
            assert_eq!(ids(&list_all(&app, &coordinator, query).await), expected, "{query}");
        }
        // The bounds are inclusive, and a year means the whole year.
        let by_year = ids(&list_all(&app, &coordinator, "founded_from=2006&founded_to=2015").await);
        assert!(by_year.contains(&phu_thinh) && by_year.contains(&doan_hung));
        let by_day =
            ids(&list_all(&app, &coordinator, "founded_from=02/02/2006&founded_to=11/11/2015").await);
        assert!(by_day.contains(&phu_thinh) && by_day.contains(&doan_hung));
        let inside = ids(&list_all(&app, &coordinator, "founded_from=3/2/2006&founded_to=10/11/2015").await);
        assert!(!inside.contains(&phu_thinh) && !inside.contains(&doan_hung));

        // A date that does not exist is explained, kept in the box, and not applied.
        let page = list(&app, &coordinator, "founded_from=31/02/2020").await;
        assert_eq!(
            alerts(&page),
            ["Không đọc được ngày trong bộ lọc: nhập năm (2019) hoặc ngày/tháng/năm."]
        );
        assert!(page.contains("value=\"31/02/2020\""), "{page}");
        assert_eq!(count_after(&page, TOTAL), 100);
    }

    async fn a_cooperative_with_four_official_members_is_refused_beside_the_field(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let orgs = app.db.scalar("SELECT COUNT(*) FROM organisations").await;
        let changes = app.change_count().await;
        let mut form = new_cooperative_form(&app, &staff, "0109555001", "Hợp tác xã Hoa Tây Tựu").await;
        set_value(&mut form, "members_official", "4");

        let res = app.post_form(&staff, "/organisations/new", &form).await;
        let (status, page) = crate::helpers::text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert_eq!(fields_with_errors(&page), BTreeSet::from(["members_official".to_string()]));
        assert_eq!(
            field_error(&page, "members_official").as_deref(),
            Some("Theo Luật Hợp tác xã 2023, loại hình này cần ít nhất 5 thành viên chính thức.")
        );
        let shown = form_values(form_html(&page, "action=\"/organisations/new\""));
        assert_eq!(value_of(&shown, "name"), "Hợp tác xã Hoa Tây Tựu", "what was typed is kept");
        assert_eq!(value_of(&shown, "members_official"), "4");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM organisations").await, orgs);
        assert_eq!(app.change_count().await, changes);

        // The same form with the legal minimum is registered, in the staff's own alliance.
        set_value(&mut form, "members_official", "5");
        let res = app.post_form(&staff, "/organisations/new", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let hn = app.alliance_id("HN").await;
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM organisations WHERE registration_code = '0109555001' \
                     AND members_official = 5 AND alliance_id = {hn}"
                ))
                .await,
            1
        );
    }

    async fn a_registration_code_already_in_the_registry_is_a_conflict(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let orgs = app.db.scalar("SELECT COUNT(*) FROM organisations").await;
        let message = "Mã số này đã thuộc về một tổ chức khác trong sổ.";
        // Đông Dư holds 0109000100; the second spelling lost its leading zero in a spreadsheet.
        for code in ["0109000100", "109 000 100"] {
            let form = new_cooperative_form(&app, &staff, code, "Hợp tác xã Trùng Mã").await;
            let res = app.post_form(&staff, "/organisations/new", &form).await;
            let (status, page) = crate::helpers::text(res).await;
            assert_eq!(status, StatusCode::CONFLICT, "{code}: {page}");
            assert_eq!(field_error(&page, "registration_code").as_deref(), Some(message), "{code}");
            let shown = form_values(form_html(&page, "action=\"/organisations/new\""));
            assert_eq!(value_of(&shown, "name"), "Hợp tác xã Trùng Mã");
        }
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM organisations").await, orgs);

        // Editing another organisation to take the code is refused the same way.
        let que = app.organisation_id("Hợp tác xã Quế Văn Yên").await;
        let own_code = org_text(&app, que, "registration_code").await;
        let mut form = edit_form(&app, &staff, que).await;
        set_value(&mut form, "registration_code", "0109000100");
        let res = app.post_form(&staff, &format!("/organisations/{que}/edit"), &form).await;
        let (status, page) = crate::helpers::text(res).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert_eq!(field_error(&page, "registration_code").as_deref(), Some(message));
        assert_eq!(org_text(&app, que, "registration_code").await, own_code);
    }

    async fn a_representative_edits_their_own_organisation_only_and_registers_none(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let own = app.organisation_id("Hợp tác xã Nông nghiệp Đông Dư").await;
        // Same alliance, different organisation.
        let other = app.organisation_id("Hợp tác xã Gốm Bát Tràng").await;

        let mut form = edit_form(&app, &rep, own).await;
        set_value(&mut form, "representative", "Nguyễn Thị Lan");
        set_value(&mut form, "phone", "0987 654 321");
        let res = app.post_form(&rep, &format!("/organisations/{own}/edit"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/organisations/{own}"));
        assert_eq!(org_text(&app, own, "representative").await.as_deref(), Some("Nguyễn Thị Lan"));
        assert_eq!(org_text(&app, own, "phone").await.as_deref(), Some("+84987654321"));

        let other_before = (
            org_text(&app, other, "name").await,
            org_text(&app, other, "representative").await,
            org_text(&app, other, "status").await,
        );
        for path in [format!("/organisations/{other}"), format!("/organisations/{other}/edit")] {
            let (status, _) = app.page(&rep, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let csrf = value_of(&form, "_csrf").to_string();
        let res = app.post_form(&rep, &format!("/organisations/{other}/edit"), &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let status_change: Vec<(String, String)> = [
            ("_csrf", csrf.as_str()),
            ("version", "1"),
            ("status", "dissolved"),
            ("effective_on", "01/06/2025"),
            ("reason", "thử"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let res = app.post_form(&rep, &format!("/organisations/{other}/status"), &status_change).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            (
                org_text(&app, other, "name").await,
                org_text(&app, other, "representative").await,
                org_text(&app, other, "status").await,
            ),
            other_before
        );

        // No registering, and no registry list either.
        let orgs = app.db.scalar("SELECT COUNT(*) FROM organisations").await;
        let (status, _) = app.page(&rep, "/organisations/new").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let mut new = form.clone();
        set_value(&mut new, "registration_code", "0109555002");
        set_value(&mut new, "name", "Hợp tác xã Của Đại Diện");
        let res = app.post_form(&rep, "/organisations/new", &new).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM organisations").await, orgs);
        let (status, _) = app.page(&rep, "/organisations").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn when_two_staff_edit_at_once_the_second_save_is_refused_and_keeps_the_typing(engine) {
        let app = spawn_app(engine).await;
        let first = app.login("canbo.hanoi").await;
        let second = app.new_staff("canbo2.hanoi", "HN").await;
        let id = app.organisation_id("Hợp tác xã Gốm Bát Tràng").await;
        let path = format!("/organisations/{id}/edit");
        let original_representative = org_text(&app, id, "representative").await;
        let original_short_name = org_text(&app, id, "short_name").await;

        let mut a = edit_form(&app, &first, id).await;
        let mut b = edit_form(&app, &second, id).await;
        let version: i64 = value_of(&a, "version").parse().unwrap();
        assert_eq!(value_of(&b, "version"), version.to_string());

        set_value(&mut a, "name", "Hợp tác xã Gốm sứ Bát Tràng");
        let res = app.post_form(&first, &path, &a).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        set_value(&mut b, "representative", "Lê Văn Nam");
        set_value(&mut b, "short_name", "HTX Gốm BT");
        let res = app.post_form(&second, &path, &b).await;
        let (status, page) = crate::helpers::text(res).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(
            alerts(&page).iter().any(|a| a.starts_with("Bản ghi vừa được người khác thay đổi.")),
            "{:?}",
            alerts(&page)
        );
        let shown = form_values(form_html(&page, &format!("action=\"{path}\"")));
        assert_eq!(value_of(&shown, "representative"), "Lê Văn Nam");
        assert_eq!(value_of(&shown, "short_name"), "HTX Gốm BT");
        assert_eq!(value_of(&shown, "name"), "Hợp tác xã Gốm Bát Tràng", "the second user's name field");
        assert_eq!(value_of(&shown, "version"), (version + 1).to_string());

        // The database keeps the first save only.
        assert_eq!(org_text(&app, id, "name").await.as_deref(), Some("Hợp tác xã Gốm sứ Bát Tràng"));
        assert_eq!(org_text(&app, id, "representative").await, original_representative);
        assert_eq!(org_text(&app, id, "short_name").await, original_short_name);
        assert_eq!(
            app.db
                .scalar(&format!("SELECT CAST(version AS BIGINT) FROM organisations WHERE id = {id}"))
                .await,
            version + 1
        );
        let updates = org_changes(&app, id, "update").await;
        assert_eq!(updates.len(), 1);
        assert_eq!(updates[0].0, "canbo.hanoi");

        // Saving the re-shown form again is a deliberate choice, and it goes through.
        let res = app.post_form(&second, &path, &shown).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(org_text(&app, id, "representative").await.as_deref(), Some("Lê Văn Nam"));
        assert_eq!(org_changes(&app, id, "update").await.len(), 2);
    }

    async fn dissolving_an_organisation_is_kept_in_its_status_history_and_the_change_log(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let id = app.organisation_id("Hợp tác xã Quế Văn Yên").await;
        let path = format!("/organisations/{id}");
        let (status, page) = app.page(&staff, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Chưa có thay đổi trạng thái nào."), "{page}");
        let mut form = form_values(form_html(&page, &format!("action=\"{path}/status\"")));
        assert_eq!(value_of(&form, "status"), "active");
        let changes = app.change_count().await;

        // A reason is required.
        set_value(&mut form, "status", "dissolved");
        set_value(&mut form, "effective_on", "30/06/2025");
        let res = app.post_form(&staff, &format!("{path}/status"), &form).await;
        let (status, page) = crate::helpers::text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(alerts(&page).contains(&"Hãy ghi lý do thay đổi trạng thái.".to_string()), "{page}");
        assert_eq!(org_text(&app, id, "status").await.as_deref(), Some("active"));
        assert_eq!(app.change_count().await, changes);

        let reason = "Đại hội thành viên biểu quyết giải thể vì không còn đủ thành viên";
        set_value(&mut form, "reason", reason);
        let res = app.post_form(&staff, &format!("{path}/status"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(org_text(&app, id, "status").await.as_deref(), Some("dissolved"));
        let history = app
            .db
            .rows(&format!(
                "SELECT status, effective_on, reason, actor_name FROM organisation_status_history \
                 WHERE organisation_id = {id}"
            ))
            .await;
        assert_eq!(history.len(), 1);
        let h = |i| history[0].try_get_by_index::<Option<String>>(i).unwrap();
        assert_eq!(
            (h(0), h(1), h(2), h(3)),
            (
                Some("dissolved".into()),
                Some("2025-06-30".into()),
                Some(reason.into()),
                Some("canbo.hanoi".into())
            )
        );

        let (_, page) = app.page(&staff, &path).await;
        let shown = between(&page, "Lịch sử trạng thái</h2>", "</ul>").expect("the status history");
        assert!(shown.contains(&format!("30/06/2025: <strong>Giải thể</strong> — {reason}")), "{shown}");
        assert!(page.contains("class=\"badge status-dissolved\""), "{page}");

        let updates = org_changes(&app, id, "update").await;
        assert_eq!(updates.len(), 1);
        let (actor, before, after) = &updates[0];
        assert_eq!(actor, "canbo.hanoi");
        assert_eq!(before["status"], "active");
        assert_eq!(after["status"], "dissolved");
        assert_eq!(after["version"].as_i64(), before["version"].as_i64().map(|v| v + 1));
        assert_eq!(after["name"], before["name"]);
        assert_eq!(app.change_count().await, changes + 1);

        let page = list(&app, &staff, "status=dissolved").await;
        assert_eq!(ids(&listed(&page)), BTreeSet::from([id]));
    }

    async fn a_legacy_address_is_stored_with_its_2025_province_and_ward_and_shown_both_ways(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        // Xã Thanh Sơn of Hải Dương (legacy ward 10867) is part of Xã Thanh Hà (10813) of Hải
        // Phòng (31) since 1 July 2025.
        let typed = "xã Thanh Sơn, huyện Thanh Hà, tỉnh Hải Dương";
        let mut form =
            new_cooperative_form(&app, &staff, "0109555003", "Hợp tác xã Vải thiều Thanh Sơn").await;
        set_value(&mut form, "address", typed);
        let res = app.post_form(&staff, "/organisations/new", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        let id: i64 = location(&res)
            .strip_prefix("/organisations/")
            .and_then(|s| s.parse().ok())
            .expect("the new organisation's page");

        assert_eq!(org_text(&app, id, "address").await.as_deref(), Some(typed));
        assert_eq!(org_text(&app, id, "province_code").await.as_deref(), Some("31"));
        assert_eq!(org_text(&app, id, "ward_code").await.as_deref(), Some("10813"));
        assert_eq!(org_text(&app, id, "legacy_ward_code").await.as_deref(), Some("10867"));

        let (status, page) = app.page(&staff, &format!("/organisations/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            between(&page, "Địa bàn (từ 1/7/2025)</dt><dd>", "</dd>"),
            Some("Xã Thanh Hà, Thành phố Hải Phòng")
        );
        assert_eq!(
            between(&page, "Địa bàn cũ (trước 1/7/2025)</dt><dd>", "</dd>"),
            Some("Xã Thanh Sơn, Huyện Thanh Hà, Tỉnh Hải Dương")
        );
        // And the list finds it under its 2025 province.
        let page = list(&app, &staff, "province=31").await;
        assert!(ids(&listed(&page)).contains(&id));
    }
}
