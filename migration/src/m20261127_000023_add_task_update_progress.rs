//! Adds `progress_percent` to `task_update`: how far along the task was, where staff say so.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TaskUpdate::Table)
                    .add_column(integer_null(TaskUpdate::ProgressPercent))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(TaskUpdate::Table).drop_column(TaskUpdate::ProgressPercent).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TaskUpdate {
    Table,
    ProgressPercent,
}
