//! Creates `official`: officials: people named in reports, with a folded name for search.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Official::Table)
                    .if_not_exists()
                    .col(pk_auto(Official::Id))
                    .col(string(Official::Key))
                    .col(string(Official::Name))
                    .col(string(Official::NameFolded))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ux_official_key").table(Official::Table).col(Official::Key).unique().to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_official_name_folded")
                    .table(Official::Table)
                    .col(Official::NameFolded)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Official::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Official {
    Table,
    Id,
    Key,
    Name,
    NameFolded,
}
