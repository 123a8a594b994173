//! Creates `task_update`: progress updates on a task.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TaskUpdate::Table)
                    .if_not_exists()
                    .col(pk_auto(TaskUpdate::Id))
                    .col(integer(TaskUpdate::TaskId))
                    .col(date(TaskUpdate::Date))
                    .col(string(TaskUpdate::Status))
                    .col(text_null(TaskUpdate::Note))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_update_task_id")
                            .from(TaskUpdate::Table, TaskUpdate::TaskId)
                            .to(Task::Table, Task::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_update_task_id")
                    .table(TaskUpdate::Table)
                    .col(TaskUpdate::TaskId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TaskUpdate::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum TaskUpdate {
    Table,
    Id,
    TaskId,
    Date,
    Status,
    Note,
}

#[derive(DeriveIden)]
enum Task {
    Table,
    Id,
}
