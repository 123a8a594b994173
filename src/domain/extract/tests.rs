//! The whole reading over reports written for the tests (tests/fixtures/reports), one pattern
//! family each.

use super::*;

fn read(text: &str) -> Draft {
    extract(text, &Source::default())
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/reports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("the fixture exists")
}

fn names(meeting: &Meeting, role: ParticipationRole) -> Vec<(&str, Vec<&str>)> {
    meeting
        .people
        .iter()
        .filter(|p| p.role == role)
        .map(|p| (p.name.value.as_str(), p.titles.iter().map(|t| t.value.as_str()).collect()))
        .collect()
}

#[test]
fn a_report_with_two_chairs_online_with_its_documents_and_tasks() {
    let draft = read(&fixture("two-chairs-online.txt"));
    assert_eq!(
        draft.source.url.as_deref(),
        Some("https://baotinhmau.example.vn/thoi-su/202403/tong-ket-de-an-02-12345/")
    );
    assert_eq!(draft.meetings.len(), 1);
    let m = &draft.meetings[0];
    assert_eq!(
        (m.date.day, m.date.month, m.date.year, m.date.inferred),
        (5, 3, Some(2024), true),
        "year from the page's stamp"
    );
    assert_eq!(draft.quote(m.date.span), "Chiều 5.3");
    assert_eq!(m.part_of_day, Some(PartOfDay::Afternoon));
    assert_eq!(m.format.as_ref().map(|f| f.value), Some(ConferenceFormat::Online));
    assert_eq!(m.organizers.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(), ["Tỉnh uỷ"]);
    assert_eq!(
        names(m, ParticipationRole::Chair),
        [
            ("Lò Văn Mạnh", vec!["Phó Bí thư Tỉnh uỷ", "Trưởng Ban chỉ đạo Quy chế dân chủ của tỉnh"]),
            ("Mùa Thị Hoa", vec!["Ủy viên BTV Tỉnh ủy", "Trưởng Ban Dân vận Tỉnh ủy"]),
        ],
        "a chair who also speaks stays a chair, once"
    );
    assert!(m.people.iter().all(|p| p.name.value != "MINH KHANG"), "the byline names no participant");
    let codes: Vec<_> =
        m.documents.iter().map(|d| (d.code.as_deref(), d.kind, d.issuer.as_deref(), d.issued_on)).collect();
    assert_eq!(
        codes,
        [
            (Some("02-ĐA/TU"), DirectiveKind::Scheme, Some("BTV Tỉnh uỷ"), NaiveDate::from_ymd_opt(2019, 4, 12)),
            (Some("15-NQ/TU"), DirectiveKind::Resolution, Some("Ban Chấp hành Đảng bộ tỉnh"), None),
        ]
    );
    assert_eq!(m.documents[0].relation, Some(ConferenceDirectiveRelation::Reviews));
    assert_eq!(m.documents[0].title.as_deref(), Some("Nâng cao chất lượng công tác dân vận ở cơ sở"));
    let tasks: Vec<_> = m.tasks.iter().map(|t| (t.assignees[0].value.as_str(), t.due_on)).collect();
    assert_eq!(
        tasks,
        [("các cấp, ngành", NaiveDate::from_ymd_opt(2024, 12, 31)), ("Ban Dân vận Tỉnh ủy", None)],
        "the lead-in's period bounds the first; 'trong thời gian tới' is no deadline"
    );
    // Every fact's words are in the text where the span says.
    for person in &m.people {
        assert_eq!(draft.quote(person.name.span), person.name.value);
    }
}

#[test]
fn a_listing_page_gives_one_meeting_per_dated_item_with_its_own_people() {
    let draft = read(&fixture("listing.txt"));
    assert_eq!(draft.meetings.len(), 2);
    let (first, second) = (&draft.meetings[0], &draft.meetings[1]);
    assert_eq!(first.organizers[0].value, "BTV Huyện uỷ Đồng Văn");
    assert_eq!(first.format.as_ref().map(|f| f.value), Some(ConferenceFormat::Online));
    assert!(first.people.is_empty(), "'lãnh đạo huyện' names no one");
    assert_eq!(second.format.as_ref().map(|f| f.value), Some(ConferenceFormat::InPerson), "tại phòng họp");
    assert_eq!(names(second, ParticipationRole::Chair)[0].0, "Phạm Quốc Bảo");
    assert_eq!(
        names(second, ParticipationRole::Attendee),
        [
            ("Vi Thị Nga", vec!["Ủy viên BTV Tỉnh ủy", "Chủ tịch Ủy ban MTTQ tỉnh"]),
            ("Đặng Minh Tú", vec!["Giám đốc Sở Tư pháp"]),
        ]
    );
    assert_eq!(second.date.year, Some(2024), "the stamp next to the item");
}

#[test]
fn no_year_printed_anywhere_is_no_year_and_a_repeated_item_is_one_meeting() {
    let draft = read(&fixture("no-year.txt"));
    assert_eq!(draft.meetings.len(), 1, "the item printed twice");
    let m = &draft.meetings[0];
    assert_eq!((m.date.day, m.date.month, m.date.year), (17, 9, None), "a document's 2016 is not the meeting's year");
    assert_eq!(m.format, None, "the report does not say");
    assert_eq!(m.organizers[0].value, "UBND tỉnh");
    assert_eq!(m.documents[0].code.as_deref(), Some("05-CT/TW"));
    assert_eq!(m.documents[0].issuer.as_deref(), Some("Bộ Chính trị"));
    let with_publication = extract(
        &fixture("no-year.txt"),
        &Source { published_on: NaiveDate::from_ymd_opt(2023, 1, 4), ..Source::default() },
    );
    assert_eq!(with_publication.meetings[0].date.year, Some(2022), "17/9 before a report of 4 January 2023");
    assert!(with_publication.meetings[0].date.inferred);
}

#[test]
fn a_period_dates_the_year_and_bounds_the_tasks() {
    let draft = read(&fixture("period-and-tasks.txt"));
    assert_eq!(draft.meetings.len(), 1);
    let m = &draft.meetings[0];
    assert_eq!((m.date.year, m.date.inferred), (Some(2022), true), "'tháng 10 năm 2022' dates 2.11");
    assert_eq!(names(m, ParticipationRole::Chair), [("Đinh Công Lý", vec!["Chủ tịch UBND huyện"])]);
    assert_eq!(names(m, ParticipationRole::Speaker), [("Kiều Văn Tâm", vec!["TUV", "Bí thư Huyện ủy"])]);
    let tasks: Vec<_> =
        m.tasks.iter().map(|t| (t.assignees[0].value.as_str(), t.due_on.map(|d| d.to_string()))).collect();
    assert_eq!(
        tasks,
        [
            ("các phòng, ban", Some("2022-12-20".to_owned())),
            ("MTTQ huyện và các đoàn thể", Some("2022-11-30".to_owned())),
            ("các xã", None),
        ],
        "'và các tháng tiếp theo' is too vague to be a due date"
    );
}

#[test]
fn people_who_lead_without_chairing() {
    let draft = read(&fixture("leaders.txt"));
    let m = &draft.meetings[0];
    assert!(names(m, ParticipationRole::Chair).is_empty());
    let leading: Vec<&str> = m.people.iter().filter(|p| p.leads).map(|p| p.name.value.as_str()).collect();
    assert_eq!(leading, ["Tạ Quang Huy", "Ninh Thị Lan"]);
    assert!(m.organizers.is_empty(), "people, not a body, hold the working session");
    assert_eq!(m.date.year, None);
}

#[test]
fn text_in_either_tone_mark_spelling_and_in_nfd_reads_alike() {
    let nfc = "Sáng 3/4, Huyện uỷ tổ chức hội nghị. Đồng chí Hà Văn Khoa, Bí thư Huyện ủy chủ trì hội nghị.";
    let nfd: String = nfc.nfd().collect();
    let a = read(nfc);
    let b = read(&nfd);
    assert_eq!(names(&a.meetings[0], ParticipationRole::Chair), names(&b.meetings[0], ParticipationRole::Chair));
    assert_eq!(names(&a.meetings[0], ParticipationRole::Chair)[0].0, "Hà Văn Khoa");
}

#[test]
fn a_page_with_no_meeting_gives_none_and_any_input_reads_without_failing() {
    assert!(read("Văn kiện Đại hội thể hiện tinh thần đổi mới sáng tạo.").meetings.is_empty());
    for text in ["", "\n\n", "Sáng", "Chiều 13.7,", "((((", "Các đồng chí: ; ; ,", "URL: x\n\n"] {
        let _ = read(text);
    }
}

#[test]
fn a_meeting_over_two_days_and_another_the_same_afternoon() {
    let draft = read(&fixture("same-day.txt"));
    assert_eq!(draft.meetings.len(), 2);
    let (session, later) = (&draft.meetings[0], &draft.meetings[1]);
    assert_eq!((session.date.day, session.date.month, session.date.year), (12, 7, Some(2023)), "the first of the days");
    assert_eq!(session.format.as_ref().map(|f| f.value), Some(ConferenceFormat::InPerson));
    assert_eq!(session.organizers[0].value, "HĐND tỉnh khóa XVIII");
    assert_eq!(
        names(session, ParticipationRole::Chair),
        [
            ("Lương Văn Tịnh", vec!["Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"]),
            ("Tẩn Thị Mai", vec!["Phó Chủ tịch HĐND tỉnh"])
        ]
    );
    let leader = session.people.iter().find(|p| p.name.value == "Trịnh Quốc Dân").expect("the guest who directs");
    assert!(leader.leads);
    assert_eq!(
        leader.titles.iter().map(|t| t.value.as_str()).collect::<Vec<_>>(),
        ["Thượng tướng", "Thứ trưởng Bộ Công an"]
    );
    assert_eq!(
        (later.date.day, later.date.year, later.part_of_day),
        (12, Some(2023), Some(PartOfDay::Afternoon)),
        "cùng ngày"
    );
    assert_eq!(later.organizers[0].value, "Ban Tổ chức Tỉnh ủy", "the body's name holds the verb's words");
    assert_eq!(later.documents[0].code.as_deref(), Some("21-KL/TW"), "a code printed with spaces");
    assert_eq!(names(later, ParticipationRole::Chair)[0].0, "Điểu Văn Khang");
}

/// Every entry of the vocabulary file is read in a sentence of its own: an entry a maintainer
/// adds is tested by the same loop.
#[test]
fn every_vocabulary_entry_reads_in_a_sentence() {
    // The phrases as the file writes them (capitals and all).
    let printed_phrases = |name: &str| -> Vec<String> {
        super::vocabulary::section(name).printed().map(|(phrase, _)| phrase.to_owned()).collect()
    };
    let capitalised = |phrase: &str| {
        let mut chars = phrase.chars();
        chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
    };
    for surname in printed_phrases("surnames") {
        let text = format!(
            "Sáng 2/6, Tỉnh ủy tổ chức hội nghị. Đồng chí {} Văn Tâm, Bí thư Tỉnh ủy chủ trì hội nghị.",
            capitalised(&surname)
        );
        let draft = read(&text);
        let chairs = names(&draft.meetings[0], ParticipationRole::Chair);
        assert_eq!(chairs.len(), 1, "family name {surname}: {chairs:?}");
        assert!(chairs[0].0.ends_with("Văn Tâm"), "family name {surname}: {chairs:?}");
    }
    for head in printed_phrases("title-heads") {
        let title = format!("{} Ủy ban nhân dân tỉnh", capitalised(&head));
        let text = format!("Sáng 2/6, Tỉnh ủy tổ chức hội nghị. Đồng chí Nguyễn Văn Tâm, {title} chủ trì hội nghị.");
        let draft = read(&text);
        assert_eq!(
            names(&draft.meetings[0], ParticipationRole::Chair),
            [("Nguyễn Văn Tâm", vec![title.as_str()])],
            "title {head}"
        );
        let first = format!("Sáng 2/6, Tỉnh ủy tổ chức hội nghị. {title} Nguyễn Văn Tâm chủ trì hội nghị.");
        let draft = read(&first);
        assert_eq!(
            names(&draft.meetings[0], ParticipationRole::Chair),
            [("Nguyễn Văn Tâm", vec![title.as_str()])],
            "title first: {head}"
        );
    }
    for kind in printed_phrases("meeting-kinds") {
        let text = format!("Chiều 5/3, UBND tỉnh tổ chức {kind} về công tác cải cách hành chính.");
        let draft = read(&text);
        assert_eq!(draft.meetings.len(), 1, "meeting kind {kind}");
        assert_eq!(draft.meetings[0].kind.as_ref().map(|k| fold(&k.value)), Some(fold(&kind)), "meeting kind {kind}");
    }
    for kind in printed_phrases("document-kinds") {
        let text = format!("Sáng 2/6, Tỉnh ủy tổ chức hội nghị triển khai {} số 12 của Tỉnh ủy.", capitalised(&kind));
        let draft = read(&text);
        let documents = &draft.meetings[0].documents;
        assert_eq!(documents.len(), 1, "document kind {kind}");
        assert_eq!(documents[0].number.as_deref(), Some("12"), "document kind {kind}");
    }
    for (short, long) in super::vocabulary::section("abbreviations").printed() {
        assert_eq!(super::names::canonical(short), super::names::canonical(long), "abbreviation {short}");
    }
    for verb in printed_phrases("chair-verbs") {
        let text =
            format!("Sáng 2/6, Tỉnh ủy tổ chức hội nghị. Đồng chí Nguyễn Văn Tâm, Bí thư Tỉnh ủy {verb} hội nghị.");
        assert_eq!(names(&read(&text).meetings[0], ParticipationRole::Chair).len(), 1, "chair verb {verb}");
    }
    for phrase in printed_phrases("chair-after") {
        let text = format!("Sáng 2/6, {phrase} đồng chí Nguyễn Văn Tâm, Bí thư Tỉnh ủy, Tỉnh ủy tổ chức hội nghị.");
        assert_eq!(names(&read(&text).meetings[0], ParticipationRole::Chair).len(), 1, "chair phrase {phrase}");
    }
    for phrase in printed_phrases("online") {
        let text = format!("Sáng 2/6, Tỉnh ủy tổ chức hội nghị {phrase}.");
        assert_eq!(
            read(&text).meetings[0].format.as_ref().map(|f| f.value),
            Some(ConferenceFormat::Online),
            "online {phrase}"
        );
    }
}

#[test]
fn a_page_dated_by_its_opening_month_and_a_review_of_the_year_before_a_plan() {
    let draft = read(&fixture("page-date.txt"));
    assert_eq!(draft.meetings.len(), 1);
    let m = &draft.meetings[0];
    assert_eq!(
        (m.date.day, m.date.month, m.date.year, m.part_of_day),
        (18, 12, Some(2023), Some(PartOfDay::Morning)),
        "Sáng nay 18/12"
    );
    assert!(m.date.inferred);
    assert_eq!(draft.quote(m.date.span), "Sáng nay 18/12");
    assert_eq!(m.organizers[0].value, "Huyện ủy Lục Yên");
    assert_eq!(names(m, ParticipationRole::Speaker), [("Hà Đức Minh", vec!["Bí thư Huyện ủy Lục Yên"])]);
    assert_eq!(m.tasks[0].due_on, NaiveDate::from_ymd_opt(2024, 3, 31), "quý I/2024");
    // Without the page's month, "đánh giá nhiệm vụ năm 2023" dates 18/12 in 2023, not 2022.
    let without = read(&fixture("page-date.txt").replacen(" date 2023-12 ", "", 1));
    assert_eq!(without.meetings[0].date.year, Some(2023));
}
