//! Creates `organization`: organizations: party committees, commissions, councils, agencies; nested, with a life span.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .if_not_exists()
                    .col(pk_auto(Organization::Id))
                    .col(string(Organization::Key))
                    .col(string(Organization::Name))
                    .col(string_null(Organization::ShortName))
                    .col(string(Organization::NameFolded))
                    .col(string(Organization::Kind))
                    .col(integer_null(Organization::ParentId))
                    .col(integer_null(Organization::AreaId))
                    .col(string_null(Organization::StartedOn))
                    .col(string_null(Organization::EndedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_parent_id")
                            .from(Organization::Table, Organization::ParentId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_area_id")
                            .from(Organization::Table, Organization::AreaId)
                            .to(Area::Table, Area::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_organization_key")
                    .table(Organization::Table)
                    .col(Organization::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_organization_parent_id")
                    .table(Organization::Table)
                    .col(Organization::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_organization_area_id")
                    .table(Organization::Table)
                    .col(Organization::AreaId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Organization::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Key,
    Name,
    ShortName,
    NameFolded,
    Kind,
    ParentId,
    AreaId,
    StartedOn,
    EndedOn,
}

#[derive(DeriveIden)]
enum Area {
    Table,
    Id,
}
