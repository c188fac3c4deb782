//! The figures of the coordination programme are what the data says: the demonstration
//! programme's indicators of a year and the dashboards, checked against counts the test makes
//! itself with plain SQL, on both engines (the figures are grouped queries written once for
//! both).

use lienket_domain::ids::AllianceId;
use lienket_domain::programme::Measure;

use crate::helpers::spawn_app;

on_both_engines! {
    async fn the_demo_programme_is_counted_from_its_activities_reports_certificates_and_events(engine) {
        let app = spawn_app(engine).await;
        let programmes = app.store.programmes().await.expect("programmes");
        assert_eq!(programmes.len(), 1, "the demo has the 2023–2025 programme");
        let p = &programmes[0];
        assert_eq!(p.period(), (2023, 2025));
        assert_eq!(p.areas.len(), 9);
        assert_eq!(p.signatories.len(), 5);
        assert_eq!(p.plans.len(), 3, "a plan for each year, the host rotating");
        let hosts: std::collections::BTreeSet<_> = p.plans.iter().map(|y| y.host_alliance_id).collect();
        assert_eq!(hosts.len(), 3);
        let hn = AllianceId(app.alliance_id("HN").await);
        for year in [2023, 2024, 2025] {
            let f = app.store.year_figures(p, year).await.expect("figures");
            let sql = |what: &str| format!("SELECT {what} FROM activities WHERE year = {year} AND state = 'done'");
            assert_eq!(f.get(None, Measure::Activities), app.db.scalar(&sql("COUNT(*)")).await, "{year}");
            assert!(f.get(None, Measure::Activities) >= 9, "{year}: the demo holds most of its plan");
            assert_eq!(
                f.get(None, Measure::Participants),
                app.db.scalar(&sql("CAST(COALESCE(SUM(participants), 0) AS BIGINT)")).await
            );
            // An alliance counts the activities it led: the alliances' figures add up.
            let hn_activities = app
                .db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM activities WHERE year = {year} AND state = 'done' \
                     AND lead_alliance_id = {}",
                    hn.0
                ))
                .await;
            assert_eq!(f.get(Some(hn), Measure::Activities), hn_activities, "{year}");
            let led: i64 = f
                .by_alliance
                .values()
                .map(|m| m.get(&Measure::Activities).copied().unwrap_or(0))
                .sum();
            assert_eq!(led, f.get(None, Measure::Activities), "{year}");
            let reports = app
                .db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM activity_reports r JOIN organisations o ON o.id = r.organisation_id \
                     WHERE r.year = {year} AND r.period = 'year' AND r.status IN ('submitted', 'accepted') \
                     AND o.alliance_id = {}",
                    hn.0
                ))
                .await;
            assert_eq!(f.get(Some(hn), Measure::ReportsFiled), reports, "{year}");
            let certificates = app
                .db
                .scalar(&format!(
                    "SELECT COUNT(DISTINCT product_id) FROM product_certifications WHERE state <> 'revoked' \
                     AND decision_date >= '{year}-01-01' AND decision_date <= '{year}-12-31'"
                ))
                .await;
            assert_eq!(f.get(None, Measure::OcopProducts), certificates, "{year}");
            let events = app
                .db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM events WHERE status = 'published' \
                     AND starts_on >= '{year}-01-01' AND starts_on <= '{year}-12-31'"
                ))
                .await;
            assert_eq!(f.get(None, Measure::Events), events, "{year}");
            // Organisations supported are counted once, whichever alliance they belong to.
            let sum: i64 = f
                .by_alliance
                .values()
                .map(|m| m.get(&Measure::OrganisationsSupported).copied().unwrap_or(0))
                .sum();
            assert_eq!(sum, f.get(None, Measure::OrganisationsSupported));
            assert!(sum > 0, "{year}: cooperatives took part");
        }
        // The 2023 OCOP week's 97 exhibitors count in 2023.
        let f2023 = app.store.year_figures(p, 2023).await.expect("figures");
        assert!(f2023.get(None, Measure::Exhibitors) >= 97);

        let review = app.store.review_figures(p, 2024).await.expect("review figures");
        assert!(review.previous.is_some(), "2024 is compared with 2023");
        let registered: i64 = review.registry.values().map(|r| r.total()).sum();
        assert_eq!(
            registered,
            app.db
                .scalar("SELECT COUNT(*) FROM organisations WHERE status <> 'dissolved' \
                         AND (founded_on IS NULL OR founded_on <= '2024-12-31')")
                .await
        );
        let hn_reports = review.reports.get(&hn.0).expect("Hà Nội's reports");
        assert!(hn_reports.reports > 0 && hn_reports.revenue > 0);
        // Typed figures and targets of the demo: the manual indicator (loans disbursed) has
        // actuals, every indicator a target for every alliance; models replicated and requests
        // answered are computed.
        let manual = p.indicators.iter().find(|i| i.measure == Measure::Manual).expect("a manual indicator");
        assert_eq!(manual.code, "VTD");
        assert!(review.actual(manual, None).is_some());
        for code in ["MH", "TV"] {
            assert!(p.indicators.iter().any(|i| i.code == code && i.measure.computed()), "{code} is computed");
        }
        let computed = p.indicators.iter().find(|i| i.measure == Measure::Activities).expect("activities");
        assert_eq!(review.actual(computed, Some(hn)), Some(review.year.get(Some(hn), Measure::Activities)));
        assert!(review.target(computed, None).expect("targets") >= 5, "every alliance has a target");

        // Dashboards: registered organisations grow to what the register holds.
        let d = app.store.dashboard(None, 2021, 2026).await.expect("dashboard");
        let last = d.years.last().expect("years");
        assert_eq!(
            last.registered,
            app.db.scalar("SELECT COUNT(*) FROM organisations WHERE status <> 'dissolved' \
                           AND (founded_on IS NULL OR founded_on <= '2026-12-31')").await
        );
        assert!(d.years.windows(2).all(|w| w[0].registered <= w[1].registered));
        assert_eq!(
            d.years.iter().find(|y| y.year == 2023).map(|y| y.events),
            Some(f2023.get(None, Measure::Events))
        );
        let hn_dash = app.store.dashboard(Some(hn), 2021, 2026).await.expect("Hà Nội's dashboard");
        let hn_total: i64 = hn_dash.by_kind.values().sum();
        assert_eq!(
            hn_total,
            app.db
                .scalar(&format!("SELECT COUNT(*) FROM organisations WHERE status <> 'dissolved' AND alliance_id = {}", hn.0))
                .await
        );
        assert!(hn_total < d.by_kind.values().sum::<i64>());
    }
}

on_both_engines! {
    async fn content_areas_keep_their_ids_when_one_is_inserted_renamed_or_removed(engine) {
        use lienket_domain::programme::{AREAS_2023_2025, ProgrammeForm};
        let app = spawn_app(engine).await;
        let p = app.store.programmes().await.expect("programmes").remove(0);
        let actor = lienket_store::Actor::system("test");
        let form = |areas: Vec<&str>| ProgrammeForm {
            name: p.name.clone(),
            number: p.number.clone().unwrap_or_default(),
            first_year: "2023".into(),
            last_year: "2025".into(),
            signed_on: "30/03/2023".into(),
            signatories: p.signatories.iter().map(|a| a.0.to_string()).collect(),
            areas: areas.join("\n"),
            summary: String::new(),
        };
        // A new area inserted second: the others keep their ids and move down one.
        let mut areas: Vec<&str> = AREAS_2023_2025.to_vec();
        areas.insert(1, "Chuyển đổi số trong hợp tác xã");
        let draft = form(areas.clone()).parse().expect("valid");
        let after = app.store.update_programme(&actor, p.id, p.version, &draft).await.expect("saved");
        assert_eq!(after.areas.len(), 10);
        assert_eq!(after.areas[0].id, p.areas[0].id);
        assert_eq!(after.areas[2].id, p.areas[1].id, "the second area moved to third");
        assert_eq!(after.areas[2].number, 3);
        assert_eq!(after.areas[2].name, p.areas[1].name);
        // A rename in place keeps the id.
        areas[0] = "Thông tin, tuyên truyền chính sách về kinh tế tập thể";
        let draft = form(areas.clone()).parse().expect("valid");
        let renamed = app.store.update_programme(&actor, p.id, after.version, &draft).await.expect("saved");
        assert_eq!(renamed.areas[0].id, p.areas[0].id);
        assert_eq!(renamed.areas[0].name, areas[0]);
        // Removing an area activities use is refused; removing the unused new one is not.
        let without_used: Vec<&str> = areas.iter().copied().filter(|a| *a != AREAS_2023_2025[8]).collect();
        let draft = form(without_used).parse().expect("valid");
        let refused = app.store.update_programme(&actor, p.id, renamed.version, &draft).await;
        assert!(
            matches!(refused, Err(lienket_store::StoreError::Refused("err-programme-area-in-use"))),
            "{refused:?}"
        );
        areas.remove(1);
        let draft = form(areas).parse().expect("valid");
        let back = app.store.update_programme(&actor, p.id, renamed.version, &draft).await.expect("saved");
        let ids: Vec<i64> = back.areas.iter().map(|a| a.id).collect();
        assert_eq!(ids, p.areas.iter().map(|a| a.id).collect::<Vec<_>>());
    }
}

on_both_engines! {
    async fn new_organisations_are_those_founded_in_the_year_and_those_that_joined_another_alliance(engine) {
        let app = spawn_app(engine).await;
        let p = app.store.programmes().await.expect("programmes").remove(0);
        let (hn, hp) = (AllianceId(app.alliance_id("HN").await), AllianceId(app.alliance_id("HP").await));
        let actor = lienket_store::Actor::system("test");
        // Three of Hải Phòng's organisations join Hà Nội: one founded before 2024 that joins in
        // 2024, one whose founding moves to 2024 and that joins the same year, one that joined in 2023.
        let candidate = |not: &str| {
            format!(
                "SELECT MIN(id) FROM organisations WHERE alliance_id = {} AND id NOT IN \
                 (SELECT organisation_id FROM organisation_memberships){not}",
                hp.0
            )
        };
        let old = app.db.scalar(&candidate(" AND founded_on < '2024-01-01'")).await;
        let young = app.db.scalar(&candidate(&format!(" AND founded_on < '2024-01-01' AND id <> {old}"))).await;
        let earlier = app.db.scalar(&candidate(&format!(" AND id NOT IN ({old}, {young})"))).await;
        let new = |f: &lienket_store::YearFigures, a: Option<AllianceId>| f.get(a, Measure::NewOrganisations);
        let before = app.store.year_figures(&p, 2024).await.expect("figures");
        let before_2023 = app.store.year_figures(&p, 2023).await.expect("figures");
        app.db.execute(&format!("UPDATE organisations SET founded_on = '2024-02-10' WHERE id = {young}")).await;
        for (org, joined) in [(old, (2024, 5, 1)), (young, (2024, 6, 1)), (earlier, (2023, 3, 1))] {
            app.store
                .add_membership(&actor, lienket_domain::ids::OrganisationId(org), hn, Some(joined))
                .await
                .expect("joining Hà Nội");
        }
        let after = app.store.year_figures(&p, 2024).await.expect("figures");
        assert_eq!(new(&after, Some(hn)), new(&before, Some(hn)) + 2, "two joined Hà Nội in 2024");
        assert_eq!(new(&after, Some(hp)), new(&before, Some(hp)) + 1, "Hải Phòng counts the one founded");
        assert_eq!(
            new(&after, None),
            new(&before, None) + 2,
            "all together, the one founded and joining in the year counts once"
        );
        let after_2023 = app.store.year_figures(&p, 2023).await.expect("figures");
        assert_eq!(new(&after_2023, Some(hn)), new(&before_2023, Some(hn)) + 1, "one joined in 2023");
        // Per alliance a sum, all together each organisation once.
        let sum: i64 = after.by_alliance.keys().map(|a| new(&after, Some(AllianceId(*a)))).sum();
        assert!(sum > new(&after, None), "{sum}");
        // A company founded in 2024 (an OCOP producer of the registry) is no new organisation of
        // the collective economy, nor a registered one on the dashboard.
        let dash_before = app.store.dashboard(Some(hp), 2024, 2024).await.expect("dashboard").years[0].registered;
        app.db.execute(&format!(
            "UPDATE organisations SET kind = 'enterprise', founded_on = '2024-03-01' WHERE id = {earlier}"
        )).await;
        let with_company = app.store.year_figures(&p, 2024).await.expect("figures");
        assert_eq!(new(&with_company, Some(hp)), new(&after, Some(hp)), "a company is not counted");
        let dash = app.store.dashboard(Some(hp), 2024, 2024).await.expect("dashboard").years[0].registered;
        assert_eq!(dash, dash_before - 1, "the company leaves the registered count");
    }
}
