//! Creates `source`: sources: published reports that state the facts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Source::Table)
                    .if_not_exists()
                    .col(pk_auto(Source::Id))
                    .col(string(Source::Key))
                    .col(string_null(Source::Url))
                    .col(string(Source::Title))
                    .col(string_null(Source::Publisher))
                    .col(timestamp_with_time_zone_null(Source::PublishedAt))
                    .col(date_null(Source::PublishedOn))
                    .col(string_null(Source::Author))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ux_source_key").table(Source::Table).col(Source::Key).unique().to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Source::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Source {
    Table,
    Id,
    Key,
    Url,
    Title,
    Publisher,
    PublishedAt,
    PublishedOn,
    Author,
}
