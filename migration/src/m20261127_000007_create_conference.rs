//! Creates `conference`: conferences and meetings: when, where, in which form.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Conference::Table)
                    .if_not_exists()
                    .col(pk_auto(Conference::Id))
                    .col(string(Conference::Key))
                    .col(string(Conference::Title))
                    .col(string(Conference::TitleFolded))
                    .col(string(Conference::Kind))
                    .col(string(Conference::Format))
                    .col(date(Conference::Date))
                    .col(string_null(Conference::PartOfDay))
                    .col(timestamp_with_time_zone_null(Conference::StartsAt))
                    .col(timestamp_with_time_zone_null(Conference::EndsAt))
                    .col(string(Conference::TimeZone))
                    .col(string_null(Conference::Venue))
                    .col(integer_null(Conference::AreaId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_area_id")
                            .from(Conference::Table, Conference::AreaId)
                            .to(Area::Table, Area::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_conference_key")
                    .table(Conference::Table)
                    .col(Conference::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_conference_date").table(Conference::Table).col(Conference::Date).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_conference_area_id")
                    .table(Conference::Table)
                    .col(Conference::AreaId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Conference::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Conference {
    Table,
    Id,
    Key,
    Title,
    TitleFolded,
    Kind,
    Format,
    Date,
    PartOfDay,
    StartsAt,
    EndsAt,
    TimeZone,
    Venue,
    AreaId,
}

#[derive(DeriveIden)]
enum Area {
    Table,
    Id,
}
