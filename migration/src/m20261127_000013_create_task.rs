//! Creates `task`: follow-up tasks: what, by when (a local date in a time zone), assigned where, by whom, serving which directive.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Task::Table)
                    .if_not_exists()
                    .col(pk_auto(Task::Id))
                    .col(string(Task::Key))
                    .col(string(Task::Title))
                    .col(text_null(Task::Description))
                    .col(string(Task::SearchFolded))
                    .col(string(Task::Status))
                    .col(date_null(Task::DueOn))
                    .col(string(Task::TimeZone))
                    .col(integer_null(Task::ConferenceId))
                    .col(integer_null(Task::AssignedByOrganizationId))
                    .col(integer_null(Task::AssignedByOfficialId))
                    .col(integer_null(Task::DirectiveId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_conference_id")
                            .from(Task::Table, Task::ConferenceId)
                            .to(Conference::Table, Conference::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_assigned_by_organization_id")
                            .from(Task::Table, Task::AssignedByOrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_assigned_by_official_id")
                            .from(Task::Table, Task::AssignedByOfficialId)
                            .to(Official::Table, Official::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_directive_id")
                            .from(Task::Table, Task::DirectiveId)
                            .to(Directive::Table, Directive::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ux_task_key").table(Task::Table).col(Task::Key).unique().to_owned())
            .await?;
        manager
            .create_index(Index::create().name("ix_task_due_on").table(Task::Table).col(Task::DueOn).to_owned())
            .await?;
        manager
            .create_index(
                Index::create().name("ix_task_conference_id").table(Task::Table).col(Task::ConferenceId).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_task_directive_id").table(Task::Table).col(Task::DirectiveId).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_assigned_by_organization_id")
                    .table(Task::Table)
                    .col(Task::AssignedByOrganizationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_assigned_by_official_id")
                    .table(Task::Table)
                    .col(Task::AssignedByOfficialId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Task::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Task {
    Table,
    Id,
    Key,
    Title,
    Description,
    SearchFolded,
    Status,
    DueOn,
    TimeZone,
    ConferenceId,
    AssignedByOrganizationId,
    AssignedByOfficialId,
    DirectiveId,
}

#[derive(DeriveIden)]
enum Conference {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Directive {
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
