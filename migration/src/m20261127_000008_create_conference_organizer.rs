//! Creates `conference_organizer`: which organizations organized a conference.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConferenceOrganizer::Table)
                    .if_not_exists()
                    .col(pk_auto(ConferenceOrganizer::Id))
                    .col(integer(ConferenceOrganizer::ConferenceId))
                    .col(integer(ConferenceOrganizer::OrganizationId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_organizer_conference_id")
                            .from(ConferenceOrganizer::Table, ConferenceOrganizer::ConferenceId)
                            .to(Conference::Table, Conference::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_organizer_organization_id")
                            .from(ConferenceOrganizer::Table, ConferenceOrganizer::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_conference_organizer_conference_id_organization_id")
                    .table(ConferenceOrganizer::Table)
                    .col(ConferenceOrganizer::ConferenceId)
                    .col(ConferenceOrganizer::OrganizationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_conference_organizer_organization_id")
                    .table(ConferenceOrganizer::Table)
                    .col(ConferenceOrganizer::OrganizationId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConferenceOrganizer::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConferenceOrganizer {
    Table,
    Id,
    ConferenceId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum Conference {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}
