//! Adds to `area` its life: when it began and ended (partial dates) and the area that took it
//! over (`successor_id`): provinces and districts merge (Hà Giang into Tuyên Quang, 2025).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for mut column in [string_null(Area::StartedOn), string_null(Area::EndedOn), integer_null(Area::SuccessorId)] {
            manager.alter_table(Table::alter().table(Area::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create().name("ix_area_successor_id").table(Area::Table).col(Area::SuccessorId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_area_successor_id").table(Area::Table).to_owned()).await?;
        for column in [Area::StartedOn, Area::EndedOn, Area::SuccessorId] {
            manager.alter_table(Table::alter().table(Area::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Area {
    Table,
    StartedOn,
    EndedOn,
    SuccessorId,
}
