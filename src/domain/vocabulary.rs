//! The closed vocabularies of the domain: kinds of areas, organizations, conferences and
//! documents, roles, formats and statuses. Each value has a stable upper-case name, stored as
//! text in the database and used as is in the API and in dataset files.

/// Defines a vocabulary enum with its stored names; the doc of each value is its description.
macro_rules! vocabulary {
    ($(#[doc = $doc:tt])* $name:ident { $($(#[doc = $vdoc:tt])* $variant:ident = $text:tt,)+ }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, async_graphql::Enum)]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and exchanged name of the value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value with this stored name, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The stored names, for error messages.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("\"{text}\" is not one of {}", Self::names()))
                })
            }
        }
    };
}

vocabulary! {
    /// The level of an administrative area.
    AreaKind {
        /// The whole country.
        Country = "COUNTRY",
        /// A province (tỉnh).
        Province = "PROVINCE",
        /// A centrally governed city (thành phố trực thuộc Trung ương), on a par with a province.
        City = "CITY",
        /// A district (huyện) or a provincial city or town.
        District = "DISTRICT",
        /// A commune (xã).
        Commune = "COMMUNE",
        /// A ward (phường).
        Ward = "WARD",
        /// A township (thị trấn).
        Township = "TOWNSHIP",
    }
}

vocabulary! {
    /// What kind of body an organization is.
    OrganizationKind {
        /// A whole party (Đảng Cộng sản Việt Nam).
        Party = "PARTY",
        /// The party organization of an area or body (Đảng bộ tỉnh).
        PartyOrganization = "PARTY_ORGANIZATION",
        /// A party committee, its executive committee (Tỉnh ủy, Huyện ủy, BCH Trung ương).
        PartyCommittee = "PARTY_COMMITTEE",
        /// The standing committee of a party committee (BTV Tỉnh ủy).
        StandingCommittee = "STANDING_COMMITTEE",
        /// The Party Secretariat (Ban Bí thư).
        Secretariat = "SECRETARIAT",
        /// An advisory commission of a committee (Ban Dân vận, Ban Nội chính).
        Commission = "COMMISSION",
        /// A cross-agency steering committee for one programme (Ban Chỉ đạo).
        SteeringCommittee = "STEERING_COMMITTEE",
        /// An elected people's council (HĐND).
        PeoplesCouncil = "PEOPLES_COUNCIL",
        /// A people's committee, the local government (UBND).
        PeoplesCommittee = "PEOPLES_COMMITTEE",
        /// The national government or its head (Chính phủ, Thủ tướng Chính phủ).
        Government = "GOVERNMENT",
        /// The Fatherland Front or one of its committees (MTTQ).
        FatherlandFront = "FATHERLAND_FRONT",
        /// A socio-political organization (tổ chức chính trị - xã hội).
        SocioPoliticalOrganization = "SOCIO_POLITICAL_ORGANIZATION",
        /// A department or agency of government (sở, ngành).
        Department = "DEPARTMENT",
        /// A group of bodies that a report names together ("các sở, ban, ngành").
        Group = "GROUP",
        /// Any other body.
        Other = "OTHER",
    }
}

vocabulary! {
    /// How an organization's life ended.
    OrganizationEnd {
        /// Dissolved, with no successor.
        Dissolved = "DISSOLVED",
        /// Merged into its successor (Hà Giang province into Tuyên Quang, 2025).
        Merged = "MERGED",
        /// Renamed: the successor is the same body under its new name.
        Renamed = "RENAMED",
        /// Split; the successor is the main body it was split into.
        Split = "SPLIT",
    }
}

vocabulary! {
    /// What kind of gathering a conference is.
    ConferenceKind {
        /// A conference (hội nghị).
        Conference = "CONFERENCE",
        /// A thematic conference (hội nghị chuyên đề).
        ThematicConference = "THEMATIC_CONFERENCE",
        /// A congress (đại hội).
        Congress = "CONGRESS",
        /// A session of an elected council (kỳ họp).
        CouncilSession = "COUNCIL_SESSION",
        /// A working session (buổi làm việc).
        WorkingSession = "WORKING_SESSION",
        /// A meeting (cuộc họp, giao ban).
        Meeting = "MEETING",
        /// A dialogue with citizens (đối thoại).
        Dialogue = "DIALOGUE",
        /// Anything else.
        Other = "OTHER",
    }
}

vocabulary! {
    /// How people took part in a conference.
    ConferenceFormat {
        /// Everyone in one place.
        InPerson = "IN_PERSON",
        /// Online, with connected sites (trực tuyến, điểm cầu).
        Online = "ONLINE",
        /// Partly in person, partly online.
        Hybrid = "HYBRID",
        /// The report does not say.
        Unknown = "UNKNOWN",
    }
}

vocabulary! {
    /// The part of a day, where a report gives only that ("Chiều 13.7").
    PartOfDay {
        /// Morning (sáng).
        Morning = "MORNING",
        /// Afternoon (chiều).
        Afternoon = "AFTERNOON",
        /// Evening (tối).
        Evening = "EVENING",
    }
}

impl PartOfDay {
    /// The part of the day a local clock time falls in: morning before noon, afternoon until
    /// six in the evening, evening after.
    pub fn at(time: chrono::NaiveTime) -> Self {
        match chrono::Timelike::hour(&time) {
            0..12 => PartOfDay::Morning,
            12..18 => PartOfDay::Afternoon,
            _ => PartOfDay::Evening,
        }
    }

    /// Position in a day, for ordering conferences of one date.
    pub fn rank(self) -> i32 {
        match self {
            PartOfDay::Morning => 1,
            PartOfDay::Afternoon => 2,
            PartOfDay::Evening => 3,
        }
    }
}

vocabulary! {
    /// An official's role at a conference.
    ParticipationRole {
        /// Chairs or presides (chủ trì); a conference can have several chairs.
        Chair = "CHAIR",
        /// Gives a speech, such as the directing speech (phát biểu chỉ đạo).
        Speaker = "SPEAKER",
        /// Presents a report (báo cáo).
        Reporter = "REPORTER",
        /// Attends (dự, cùng dự).
        Attendee = "ATTENDEE",
        /// Attends as an invited guest (khách mời).
        Guest = "GUEST",
    }
}

vocabulary! {
    /// What kind of document a directive is.
    DirectiveKind {
        /// Resolution (Nghị quyết, NQ).
        Resolution = "RESOLUTION",
        /// Directive (Chỉ thị, CT).
        Directive = "DIRECTIVE",
        /// Conclusion (Kết luận, KL).
        Conclusion = "CONCLUSION",
        /// Decision (Quyết định, QĐ).
        Decision = "DECISION",
        /// Regulation (Quy định, QĐi; Quy chế).
        Regulation = "REGULATION",
        /// Scheme or project (Đề án, ĐA).
        Scheme = "SCHEME",
        /// Plan (Kế hoạch, KH).
        Plan = "PLAN",
        /// Programme (Chương trình, CTr).
        Programme = "PROGRAMME",
        /// Notice, such as the conclusions of a meeting (Thông báo, TB).
        Notice = "NOTICE",
        /// Guidance (Hướng dẫn, HD).
        Guidance = "GUIDANCE",
        /// Report (Báo cáo, BC).
        Report = "REPORT",
        /// Any other document.
        Other = "OTHER",
    }
}

impl DirectiveKind {
    /// The Vietnamese name of the kind, as reports write it before a number ("Đề án 06").
    pub fn vietnamese_name(self) -> &'static str {
        match self {
            DirectiveKind::Resolution => "Nghị quyết",
            DirectiveKind::Directive => "Chỉ thị",
            DirectiveKind::Conclusion => "Kết luận",
            DirectiveKind::Decision => "Quyết định",
            DirectiveKind::Regulation => "Quy định",
            DirectiveKind::Scheme => "Đề án",
            DirectiveKind::Plan => "Kế hoạch",
            DirectiveKind::Programme => "Chương trình",
            DirectiveKind::Notice => "Thông báo",
            DirectiveKind::Guidance => "Hướng dẫn",
            DirectiveKind::Report => "Báo cáo",
            DirectiveKind::Other => "Văn bản",
        }
    }
}

vocabulary! {
    /// Whether a directive is still in force.
    DirectiveStatus {
        /// In force or being carried out.
        InEffect = "IN_EFFECT",
        /// Its period is over or its work done (a scheme after its final review).
        Completed = "COMPLETED",
        /// Replaced by a later document.
        Superseded = "SUPERSEDED",
        /// Repealed.
        Repealed = "REPEALED",
        /// The reports do not say.
        Unknown = "UNKNOWN",
    }
}

vocabulary! {
    /// How one directive relates to another.
    DirectiveRelation {
        /// Carries out the other (a provincial programme implements a central directive).
        Implements = "IMPLEMENTS",
        /// Reviews the implementation of the other.
        Reviews = "REVIEWS",
        /// Amends the other.
        Amends = "AMENDS",
        /// Replaces the other.
        Replaces = "REPLACES",
    }
}

vocabulary! {
    /// What a conference did with a directive.
    ConferenceDirectiveRelation {
        /// Reviewed its implementation (tổng kết, sơ kết).
        Reviews = "REVIEWS",
        /// Deployed it or directed that it be carried out (triển khai).
        Deploys = "DEPLOYS",
        /// Discussed it.
        Discusses = "DISCUSSES",
        /// Issued it.
        Issues = "ISSUES",
    }
}

vocabulary! {
    /// Where a follow-up task stands.
    TaskStatus {
        /// Assigned, not started.
        Open = "OPEN",
        /// Under way.
        InProgress = "IN_PROGRESS",
        /// Done.
        Done = "DONE",
        /// Called off.
        Cancelled = "CANCELLED",
    }
}

impl TaskStatus {
    /// Whether work is still owed (neither done nor cancelled).
    pub fn is_active(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::InProgress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in DirectiveKind::ALL {
            assert_eq!(DirectiveKind::parse(kind.as_str()), Some(*kind));
        }
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(TaskStatus::parse("done"), None);
    }

    #[test]
    fn parts_of_day_order_within_a_day() {
        assert!(PartOfDay::Morning.rank() < PartOfDay::Afternoon.rank());
        assert!(PartOfDay::Afternoon.rank() < PartOfDay::Evening.rank());
    }
}
