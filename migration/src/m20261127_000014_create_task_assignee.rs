//! Creates `task_assignee`: who carries out a task: an organization or an official.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TaskAssignee::Table)
                    .if_not_exists()
                    .col(pk_auto(TaskAssignee::Id))
                    .col(integer(TaskAssignee::TaskId))
                    .col(integer_null(TaskAssignee::OrganizationId))
                    .col(integer_null(TaskAssignee::OfficialId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_assignee_task_id")
                            .from(TaskAssignee::Table, TaskAssignee::TaskId)
                            .to(Task::Table, Task::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_assignee_organization_id")
                            .from(TaskAssignee::Table, TaskAssignee::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_assignee_official_id")
                            .from(TaskAssignee::Table, TaskAssignee::OfficialId)
                            .to(Official::Table, Official::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_assignee_task_id")
                    .table(TaskAssignee::Table)
                    .col(TaskAssignee::TaskId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_assignee_organization_id")
                    .table(TaskAssignee::Table)
                    .col(TaskAssignee::OrganizationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_assignee_official_id")
                    .table(TaskAssignee::Table)
                    .col(TaskAssignee::OfficialId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TaskAssignee::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum TaskAssignee {
    Table,
    Id,
    TaskId,
    OrganizationId,
    OfficialId,
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

#[derive(DeriveIden)]
enum Task {
    Table,
    Id,
}
