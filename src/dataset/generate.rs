//! A synthetic dataset at any scale, the same for the same scale and seed: provinces with their
//! districts and communes, each province's party committee, commissions, people's committee and
//! council, departments and district bodies; posts held by successive officials; conferences
//! with organizers, chairs and attendees; directives with codes and links; tasks with due dates,
//! assignees and progress updates. Scale 1 is about 10,000 officials, 50,000 conferences,
//! 200,000 participations, 20,000 directives and 100,000 tasks.
//!
//! Names and dates are drawn at random, so that no list's sort order follows the order of ids.

use super::format::*;
use chrono::{Datelike, Days, NaiveDate};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];
const MIDDLE: [&str; 12] =
    ["Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Ngọc", "Thu", "Mạnh", "Xuân", "Hồng"];
const GIVEN: [&str; 24] = [
    "Dũng", "Hùng", "Lan", "Mai", "Sơn", "Tuấn", "Hải", "Bình", "An", "Hà", "Khoa", "Long", "Phương", "Thảo", "Trang",
    "Nam", "Quân", "Hiếu", "Đạt", "Linh", "Hương", "Nga", "Tâm", "Thắng",
];
const PLACES: [&str; 24] = [
    "Hà Giang",
    "Cao Bằng",
    "Lào Cai",
    "Yên Bái",
    "Tuyên Quang",
    "Thái Nguyên",
    "Lạng Sơn",
    "Bắc Kạn",
    "Phú Thọ",
    "Sơn La",
    "Điện Biên",
    "Lai Châu",
    "Hòa Bình",
    "Nghệ An",
    "Thanh Hóa",
    "Quảng Trị",
    "Kon Tum",
    "Gia Lai",
    "Đắk Lắk",
    "Lâm Đồng",
    "Bến Tre",
    "Cà Mau",
    "Sóc Trăng",
    "An Giang",
];
const COMMISSIONS: [(&str, &str); 5] = [
    ("Ban Dân vận", "DV"),
    ("Ban Tuyên giáo", "TG"),
    ("Ban Tổ chức", "TC"),
    ("Ban Kiểm tra", "KT"),
    ("Ban Nội chính", "NC"),
];
const DEPARTMENTS: [&str; 8] = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Nông nghiệp",
    "Sở Xây dựng",
    "Sở Tư pháp",
    "Sở Công Thương",
];
const TOPICS: [&str; 16] = [
    "chuyển đổi số",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "công tác dân vận",
    "cải cách hành chính",
    "phòng, chống tham nhũng",
    "phát triển du lịch",
    "bảo vệ rừng",
    "xây dựng Đảng",
    "giáo dục và đào tạo",
    "y tế cơ sở",
    "quốc phòng, an ninh",
    "thu hút đầu tư",
    "dân tộc và tôn giáo",
    "phòng, chống dịch",
    "văn hóa cơ sở",
];
const DIRECTIVE_TYPES: [(&str, &str, bool); 6] = [
    // (type abbreviation, title word, party form `n-TYPE/ISSUER` rather than state form `n/TYPE-ISSUER`)
    ("NQ", "Nghị quyết", true),
    ("CT", "Chỉ thị", true),
    ("ĐA", "Đề án", true),
    ("KH", "Kế hoạch", true),
    ("QĐ", "Quyết định", false),
    ("KH", "Kế hoạch", false),
];

/// How big a dataset to make, and from which seed.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// 1 is about 10,000 officials and 50,000 conferences; 0.01 a hundredth of that.
    pub scale: f64,
    /// The same seed gives the same dataset.
    pub seed: u64,
}

fn scaled(scale: f64, at_one: f64) -> usize {
    ((at_one * scale).round() as usize).max(1)
}

fn date(year: i32, day_of_year: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, day_of_year.clamp(1, 365)).unwrap_or(NaiveDate::MIN)
}

/// One province and what it holds, as keys.
struct Province {
    area: String,
    party_committee: String,
    standing_committee: String,
    peoples_committee: String,
    bodies: Vec<String>,
    officials: Vec<String>,
}

/// Generates the dataset of `spec`.
pub fn generate(spec: Spec) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut ds = Dataset::default();
    let provinces = scaled(spec.scale, 63.0);
    let official_count = scaled(spec.scale, 10_000.0);

    ds.areas.push(Area { key: "vn".into(), name: "Việt Nam".into(), kind: "COUNTRY".into(), ..Area::default() });
    ds.sources = (0..scaled(spec.scale, 500.0))
        .map(|i| Source {
            key: format!("report-{i}"),
            title: format!("Bản tin hoạt động số {i}"),
            url: Some(format!("https://baocao.example.vn/tin/{i}")),
            publisher: Some("Báo địa phương".into()),
            published_at: None,
            published_on: None,
            author: None,
        })
        .collect();

    let mut all_posts: Vec<(String, usize)> = Vec::new();
    let mut province_bodies = Vec::with_capacity(provinces);
    for p in 0..provinces {
        let place = format!("{} {}", PLACES[p % PLACES.len()], p / PLACES.len() + 1);
        let area = format!("p{p}");
        ds.areas.push(Area {
            key: area.clone(),
            name: format!("tỉnh {place}"),
            kind: "PROVINCE".into(),
            parent: Some("vn".into()),
            ..Area::default()
        });
        let org = |ds: &mut Dataset, key: String, name: String, kind: &str, parent: Option<&str>, area: &str| {
            ds.organizations.push(Organization {
                key: key.clone(),
                name,
                short_name: None,
                kind: kind.into(),
                parent: parent.map(str::to_owned),
                area: Some(area.to_owned()),
                started_on: None,
                ended_on: None,
                ended_as: None,
                successor: None,
            });
            key
        };
        let party = org(&mut ds, format!("tu-{p}"), format!("Tỉnh ủy {place}"), "PARTY_COMMITTEE", None, &area);
        let standing = org(
            &mut ds,
            format!("btv-{p}"),
            format!("Ban Thường vụ Tỉnh ủy {place}"),
            "STANDING_COMMITTEE",
            Some(&party),
            &area,
        );
        let peoples = org(&mut ds, format!("ubnd-{p}"), format!("UBND tỉnh {place}"), "PEOPLES_COMMITTEE", None, &area);
        let mut bodies = vec![party.clone(), standing.clone(), peoples.clone()];
        for (name, code) in COMMISSIONS {
            bodies.push(org(
                &mut ds,
                format!("{}-{p}", code.to_lowercase()),
                format!("{name} Tỉnh ủy {place}"),
                "COMMISSION",
                Some(&party),
                &area,
            ));
        }
        bodies.push(org(&mut ds, format!("hdnd-{p}"), format!("HĐND tỉnh {place}"), "PEOPLES_COUNCIL", None, &area));
        bodies.push(org(
            &mut ds,
            format!("mttq-{p}"),
            format!("Ủy ban MTTQ tỉnh {place}"),
            "FATHERLAND_FRONT",
            None,
            &area,
        ));
        for (d, name) in DEPARTMENTS.iter().enumerate() {
            bodies.push(org(
                &mut ds,
                format!("so-{p}-{d}"),
                format!("{name} tỉnh {place}"),
                "DEPARTMENT",
                Some(&peoples),
                &area,
            ));
        }
        for d in 0..10 {
            let district = format!("p{p}-d{d}");
            ds.areas.push(Area {
                key: district.clone(),
                name: format!("huyện {} {d}", GIVEN[(p + d) % GIVEN.len()]),
                kind: "DISTRICT".into(),
                parent: Some(area.clone()),
                ..Area::default()
            });
            for c in 0..10 {
                ds.areas.push(Area {
                    key: format!("{district}-c{c}"),
                    name: format!("xã {} {c}", GIVEN[(p + d + c) % GIVEN.len()]),
                    kind: "COMMUNE".into(),
                    parent: Some(district.clone()),
                    ..Area::default()
                });
            }
            bodies.push(org(
                &mut ds,
                format!("hu-{p}-{d}"),
                format!("Huyện ủy {d} tỉnh {place}"),
                "PARTY_COMMITTEE",
                Some(&party),
                &district,
            ));
            bodies.push(org(
                &mut ds,
                format!("ubnd-{p}-{d}"),
                format!("UBND huyện {d} tỉnh {place}"),
                "PEOPLES_COMMITTEE",
                None,
                &district,
            ));
        }
        for body in &bodies {
            let titles: &[&str] = match body.split('-').next().unwrap_or("") {
                "tu" | "hu" => &["Bí thư", "Phó Bí thư"],
                "ubnd" => &["Chủ tịch", "Phó Chủ tịch"],
                "hdnd" | "mttq" => &["Chủ tịch"],
                "so" => &["Giám đốc", "Phó Giám đốc"],
                "btv" => &["Ủy viên"],
                _ => &["Trưởng ban", "Phó Trưởng ban"],
            };
            for (t, title) in titles.iter().enumerate() {
                let seats = if title.starts_with("Phó") || *title == "Ủy viên" { 3 } else { 1 };
                let key = format!("post-{body}-{t}");
                ds.posts.push(Post {
                    key: key.clone(),
                    title: format!("{title} {}", organization_name(&ds, body)),
                    organization: body.clone(),
                    seats: Some(seats),
                });
                all_posts.push((key, p));
            }
        }
        province_bodies.push(Province {
            area,
            party_committee: party,
            standing_committee: standing,
            peoples_committee: peoples,
            bodies,
            officials: Vec::new(),
        });
    }

    for i in 0..official_count {
        let name = format!(
            "{} {} {}",
            FAMILY[rng.random_range(0..FAMILY.len())],
            MIDDLE[rng.random_range(0..MIDDLE.len())],
            GIVEN[rng.random_range(0..GIVEN.len())]
        );
        let key = format!("official-{i}");
        province_bodies[i % provinces].officials.push(key.clone());
        ds.officials.push(Official { key, name, tenures: Vec::new() });
    }

    // Every post is held by successive officials of its province from 2010 on.
    for (post, p) in &all_posts {
        let officials = &province_bodies[*p].officials;
        let mut start = date(2010, rng.random_range(1..365));
        let end_of_record = date(2026, 330);
        while start < end_of_record {
            let length = Days::new(rng.random_range(700..1900));
            let end = start + length;
            let holder = &officials[rng.random_range(0..officials.len())];
            let index: usize = holder.trim_start_matches("official-").parse().unwrap_or(0);
            let ended = (end < end_of_record).then(|| end.to_string());
            ds.officials[index].tenures.push(Tenure {
                post: post.clone(),
                started_on: Some(start.to_string()),
                ended_on: ended,
                sources: Vec::new(),
                attested: Vec::new(),
            });
            start = end + Days::new(1);
        }
    }

    // Directives: a few central ones, then each province's.
    let central = scaled(spec.scale, 200.0).min(200);
    for n in 0..central {
        let (kind, word, _) = DIRECTIVE_TYPES[n % 2];
        ds.directives.push(Directive {
            key: format!("tw-{n}"),
            code: Some(format!("{}-{kind}/TW", n + 1)),
            kind: None,
            number: None,
            title: format!("{word} của Bộ Chính trị về {}", TOPICS[n % TOPICS.len()]),
            issuer: None,
            issued_on: Some(date(2011 + (n % 12) as i32, rng.random_range(1..365)).to_string()),
            period_start: None,
            period_end: None,
            status: Some("IN_EFFECT".into()),
            links: Vec::new(),
            sources: Vec::new(),
        });
    }
    let directive_count = scaled(spec.scale, 20_000.0);
    for n in 0..directive_count {
        let p = rng.random_range(0..provinces);
        let (kind, word, party) = DIRECTIVE_TYPES[rng.random_range(0..DIRECTIVE_TYPES.len())];
        let number = n / provinces + 1;
        let year = rng.random_range(2012..2027);
        let (code, issuer) = if party {
            (format!("{number}-{kind}/TU"), province_bodies[p].standing_committee.clone())
        } else {
            (format!("{number}/{year}/{kind}-UBND"), province_bodies[p].peoples_committee.clone())
        };
        let topic = TOPICS[rng.random_range(0..TOPICS.len())];
        let links = if rng.random_bool(0.3) {
            vec![DirectiveLink {
                relation: "IMPLEMENTS".into(),
                directive: format!("tw-{}", rng.random_range(0..central)),
                sources: Vec::new(),
            }]
        } else {
            Vec::new()
        };
        ds.directives.push(Directive {
            key: format!("d-{n}"),
            code: Some(code),
            kind: None,
            number: None,
            title: format!("{word} về {topic} giai đoạn {year}-{}", year + 5),
            issuer: Some(issuer),
            issued_on: Some(date(year, rng.random_range(1..365)).to_string()),
            period_start: Some(year.to_string()),
            period_end: Some((year + 5).to_string()),
            status: Some(["IN_EFFECT", "IN_EFFECT", "COMPLETED", "SUPERSEDED"][rng.random_range(0..4)].into()),
            links,
            sources: Vec::new(),
        });
    }

    let conference_count = scaled(spec.scale, 50_000.0);
    let kinds = ["CONFERENCE", "CONFERENCE", "MEETING", "WORKING_SESSION", "THEMATIC_CONFERENCE", "DIALOGUE"];
    let formats = ["IN_PERSON", "IN_PERSON", "ONLINE", "HYBRID"];
    for c in 0..conference_count {
        let p = rng.random_range(0..provinces);
        let province = &province_bodies[p];
        let on = date(rng.random_range(2015..2027), rng.random_range(1..365));
        let topic = TOPICS[rng.random_range(0..TOPICS.len())];
        let organizer = province.bodies[rng.random_range(0..province.bodies.len())].clone();
        let mut organizers = vec![organizer];
        if rng.random_bool(0.2) {
            organizers.push(province.party_committee.clone());
            organizers.dedup();
        }
        let mut chosen: Vec<&String> =
            province.officials.choose_multiple(&mut rng, 4.min(province.officials.len())).collect();
        chosen.shuffle(&mut rng);
        let mut participants = Vec::new();
        for (i, official) in chosen.iter().enumerate() {
            let role = match i {
                0 => "CHAIR",
                1 if rng.random_bool(0.3) => "CHAIR",
                1 => "SPEAKER",
                2 => "REPORTER",
                _ => "ATTENDEE",
            };
            participants.push(Participant {
                official: (*official).clone(),
                role: role.into(),
                capacity: None,
                organization: None,
                sources: Vec::new(),
            });
        }
        let directives = if rng.random_bool(0.5) {
            let d = rng.random_range(0..directive_count);
            let relation = ["DEPLOYS", "REVIEWS", "DISCUSSES"][rng.random_range(0..3)];
            vec![ConferenceDirective { directive: format!("d-{d}"), relation: relation.into(), sources: Vec::new() }]
        } else {
            Vec::new()
        };
        let part_of_day = ["MORNING", "AFTERNOON"][rng.random_range(0..2)];
        let district = rng.random_range(0..10);
        ds.conferences.push(Conference {
            key: format!("c-{c}"),
            title: format!(
                "{} về {topic} năm {}",
                ["Hội nghị", "Hội nghị sơ kết", "Họp", "Buổi làm việc"][rng.random_range(0..4)],
                on.year()
            ),
            kind: kinds[rng.random_range(0..kinds.len())].into(),
            format: Some(formats[rng.random_range(0..formats.len())].into()),
            date: on.to_string(),
            date_inferred: false,
            date_note: None,
            part_of_day: Some(part_of_day.into()),
            starts_at: None,
            ends_at: None,
            time_zone: None,
            venue: None,
            area: Some(if rng.random_bool(0.7) {
                province.area.clone()
            } else {
                format!("{}-d{district}", province.area)
            }),
            organizers,
            participants,
            bodies: Vec::new(),
            directives,
            sources: vec![Citation::Key(format!("report-{}", c % ds.sources.len()))],
        });
    }

    let task_count = scaled(spec.scale, 100_000.0);
    let today = date(2026, 330);
    for t in 0..task_count {
        let c = rng.random_range(0..conference_count);
        let conference = &ds.conferences[c];
        let held: NaiveDate = conference.date.parse().unwrap_or(today);
        let province_index = conference
            .area
            .as_deref()
            .and_then(|a| a.trim_start_matches('p').split('-').next()?.parse::<usize>().ok())
            .unwrap_or(0);
        let province = &province_bodies[province_index];
        let due = held + Days::new(rng.random_range(15..240));
        let mut assignees = vec![Actor {
            organization: Some(province.bodies[rng.random_range(0..province.bodies.len())].clone()),
            official: None,
            sources: Vec::new(),
        }];
        if rng.random_bool(0.2) {
            let other = province.bodies[rng.random_range(0..province.bodies.len())].clone();
            if assignees[0].organization.as_ref() != Some(&other) {
                assignees.push(Actor { organization: Some(other), official: None, sources: Vec::new() });
            }
        }
        let mut updates = Vec::new();
        let mut when = held;
        for _ in 0..rng.random_range(0..4) {
            when = when + Days::new(rng.random_range(5..90));
            if when > today {
                break;
            }
            let status = if when > due || rng.random_bool(0.3) { "DONE" } else { "IN_PROGRESS" };
            updates.push(TaskUpdate {
                date: when.to_string(),
                status: status.into(),
                progress_percent: Some(if status == "DONE" { 100 } else { rng.random_range(10..90) }),
                note: None,
            });
            if status == "DONE" {
                break;
            }
        }
        let chair = conference.participants.first().map(|p| p.official.clone());
        ds.tasks.push(Task {
            key: format!("t-{t}"),
            title: format!("Tham mưu triển khai {} ({})", TOPICS[rng.random_range(0..TOPICS.len())], t),
            description: None,
            status: None,
            due_on: Some(due.to_string()),
            time_zone: None,
            conference: Some(conference.key.clone()),
            assigned_by: chair.map(|official| Actor {
                organization: None,
                official: Some(official),
                sources: Vec::new(),
            }),
            directive: conference.directives.first().map(|d| d.directive.clone()),
            assignees,
            updates,
            sources: Vec::new(),
        });
    }
    ds
}

fn organization_name(ds: &Dataset, key: &str) -> String {
    ds.organizations.iter().rev().find(|o| o.key == key).map(|o| o.name.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_one_has_the_promised_sizes() {
        let ds = generate(Spec { scale: 1.0, seed: 1 });
        assert_eq!(ds.officials.len(), 10_000);
        assert_eq!(ds.conferences.len(), 50_000);
        let participations: usize = ds.conferences.iter().map(|c| c.participants.len()).sum();
        assert_eq!(participations, 200_000);
        assert_eq!(ds.directives.len(), 20_200);
        assert_eq!(ds.tasks.len(), 100_000);
    }
}
