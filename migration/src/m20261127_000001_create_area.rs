//! Creates `area`: areas: the country, provinces, districts and communes, nested by parent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Area::Table)
                    .if_not_exists()
                    .col(pk_auto(Area::Id))
                    .col(string(Area::Key))
                    .col(string(Area::Name))
                    .col(string(Area::NameFolded))
                    .col(string(Area::Kind))
                    .col(integer_null(Area::ParentId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_area_parent_id")
                            .from(Area::Table, Area::ParentId)
                            .to(Area::Table, Area::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ux_area_key").table(Area::Table).col(Area::Key).unique().to_owned())
            .await?;
        manager
            .create_index(Index::create().name("ix_area_parent_id").table(Area::Table).col(Area::ParentId).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Area::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Area {
    Table,
    Id,
    Key,
    Name,
    NameFolded,
    Kind,
    ParentId,
}
