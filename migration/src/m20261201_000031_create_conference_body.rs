//! Creates `conference_body`: an organization that took part in a conference as a body, where
//! the report names no one of it ("lãnh đạo Ủy ban MTTQ và các sở, ngành"), with its role.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConferenceBody::Table)
                    .if_not_exists()
                    .col(pk_auto(ConferenceBody::Id))
                    .col(integer(ConferenceBody::ConferenceId))
                    .col(integer(ConferenceBody::OrganizationId))
                    .col(string(ConferenceBody::Role))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_body_conference_id")
                            .from(ConferenceBody::Table, ConferenceBody::ConferenceId)
                            .to(Conference::Table, Conference::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_body_organization_id")
                            .from(ConferenceBody::Table, ConferenceBody::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_conference_body_conference_id", ConferenceBody::ConferenceId),
            ("ix_conference_body_organization_id", ConferenceBody::OrganizationId),
        ] {
            manager
                .create_index(Index::create().name(name).table(ConferenceBody::Table).col(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConferenceBody::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ConferenceBody {
    Table,
    Id,
    ConferenceId,
    OrganizationId,
    Role,
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
