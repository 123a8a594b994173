//! govtrail's schema migrations, one per table or change, applied in order by `govtrail migrate` and at start-up.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_area;
mod m20261127_000002_create_organization;
mod m20261127_000003_create_official;
mod m20261127_000004_create_post;
mod m20261127_000005_create_source;
mod m20261127_000006_create_tenure;
mod m20261127_000007_create_conference;
mod m20261127_000008_create_conference_organizer;
mod m20261127_000009_create_participation;
mod m20261127_000010_create_directive;
mod m20261127_000011_create_directive_link;
mod m20261127_000012_create_conference_directive;
mod m20261127_000013_create_task;
mod m20261127_000014_create_task_assignee;
mod m20261127_000015_create_task_update;
mod m20261127_000016_create_citation;
mod m20261127_000017_create_search_index;
mod m20261127_000018_add_organization_successor;
mod m20261127_000019_add_post_seats;
mod m20261127_000020_add_versions;
mod m20261127_000021_create_api_token;
mod m20261127_000022_create_change;
mod m20261127_000023_add_task_update_progress;
mod m20261127_000024_add_trigram_indexes;
mod m20261127_000025_announce_changes;
mod m20261127_000026_add_task_status_due_index;
mod m20261127_000027_task_due_on_nulls_first;
mod m20261201_000028_create_attestation;
mod m20261201_000029_conference_date_precision;
mod m20261201_000030_area_life;
mod m20261201_000031_create_conference_body;
mod m20261201_000032_create_web_session;
mod m20261202_000033_task_tally;
mod m20261202_000034_search_vector;
mod m20261202_000035_conference_date_span;
mod m20261202_000036_task_due_tally;
mod m20261202_000037_search_change;
mod triggers;

/// Applies every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_area::Migration),
            Box::new(m20261127_000002_create_organization::Migration),
            Box::new(m20261127_000003_create_official::Migration),
            Box::new(m20261127_000004_create_post::Migration),
            Box::new(m20261127_000005_create_source::Migration),
            Box::new(m20261127_000006_create_tenure::Migration),
            Box::new(m20261127_000007_create_conference::Migration),
            Box::new(m20261127_000008_create_conference_organizer::Migration),
            Box::new(m20261127_000009_create_participation::Migration),
            Box::new(m20261127_000010_create_directive::Migration),
            Box::new(m20261127_000011_create_directive_link::Migration),
            Box::new(m20261127_000012_create_conference_directive::Migration),
            Box::new(m20261127_000013_create_task::Migration),
            Box::new(m20261127_000014_create_task_assignee::Migration),
            Box::new(m20261127_000015_create_task_update::Migration),
            Box::new(m20261127_000016_create_citation::Migration),
            Box::new(m20261127_000017_create_search_index::Migration),
            Box::new(m20261127_000018_add_organization_successor::Migration),
            Box::new(m20261127_000019_add_post_seats::Migration),
            Box::new(m20261127_000020_add_versions::Migration),
            Box::new(m20261127_000021_create_api_token::Migration),
            Box::new(m20261127_000022_create_change::Migration),
            Box::new(m20261127_000023_add_task_update_progress::Migration),
            Box::new(m20261127_000024_add_trigram_indexes::Migration),
            Box::new(m20261127_000025_announce_changes::Migration),
            Box::new(m20261127_000026_add_task_status_due_index::Migration),
            Box::new(m20261127_000027_task_due_on_nulls_first::Migration),
            Box::new(m20261201_000028_create_attestation::Migration),
            Box::new(m20261201_000029_conference_date_precision::Migration),
            Box::new(m20261201_000030_area_life::Migration),
            Box::new(m20261201_000031_create_conference_body::Migration),
            Box::new(m20261201_000032_create_web_session::Migration),
            Box::new(m20261202_000033_task_tally::Migration),
            Box::new(m20261202_000034_search_vector::Migration),
            Box::new(m20261202_000035_conference_date_span::Migration),
            Box::new(m20261202_000036_task_due_tally::Migration),
            Box::new(m20261202_000037_search_change::Migration),
        ]
    }
}
