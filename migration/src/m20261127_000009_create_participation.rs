//! Creates `participation`: an official's part in a conference: role, capacity as reported, organization represented.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Participation::Table)
                    .if_not_exists()
                    .col(pk_auto(Participation::Id))
                    .col(integer(Participation::ConferenceId))
                    .col(integer(Participation::OfficialId))
                    .col(string(Participation::Role))
                    .col(string_null(Participation::Capacity))
                    .col(integer_null(Participation::OrganizationId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_participation_conference_id")
                            .from(Participation::Table, Participation::ConferenceId)
                            .to(Conference::Table, Conference::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_participation_official_id")
                            .from(Participation::Table, Participation::OfficialId)
                            .to(Official::Table, Official::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_participation_organization_id")
                            .from(Participation::Table, Participation::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_participation_conference_id_official_id_role")
                    .table(Participation::Table)
                    .col(Participation::ConferenceId)
                    .col(Participation::OfficialId)
                    .col(Participation::Role)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_participation_official_id")
                    .table(Participation::Table)
                    .col(Participation::OfficialId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_participation_organization_id")
                    .table(Participation::Table)
                    .col(Participation::OrganizationId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Participation::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Participation {
    Table,
    Id,
    ConferenceId,
    OfficialId,
    Role,
    Capacity,
    OrganizationId,
}

#[derive(DeriveIden)]
enum Conference {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Official {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}
