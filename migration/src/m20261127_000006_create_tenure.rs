//! Creates `tenure`: tenures: an official holds a post from a partial start date to a partial end date.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenure::Table)
                    .if_not_exists()
                    .col(pk_auto(Tenure::Id))
                    .col(integer(Tenure::OfficialId))
                    .col(integer(Tenure::PostId))
                    .col(string_null(Tenure::StartedOn))
                    .col(string_null(Tenure::EndedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tenure_official_id")
                            .from(Tenure::Table, Tenure::OfficialId)
                            .to(Official::Table, Official::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tenure_post_id")
                            .from(Tenure::Table, Tenure::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_tenure_official_id").table(Tenure::Table).col(Tenure::OfficialId).to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_tenure_post_id").table(Tenure::Table).col(Tenure::PostId).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Tenure::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Tenure {
    Table,
    Id,
    OfficialId,
    PostId,
    StartedOn,
    EndedOn,
}

#[derive(DeriveIden)]
enum Official {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
}
