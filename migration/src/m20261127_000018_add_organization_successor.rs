//! Adds to `organization` what became of it: the body it was merged into or renamed to
//! (`successor_id`) and how it ended (`ended_as`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .add_column(integer_null(Organization::SuccessorId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Organization::Table).add_column(string_null(Organization::EndedAs)).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_organization_successor_id")
                    .table(Organization::Table)
                    .col(Organization::SuccessorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_organization_successor_id").table(Organization::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Organization::Table).drop_column(Organization::EndedAs).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Organization::Table).drop_column(Organization::SuccessorId).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    SuccessorId,
    EndedAs,
}
