//! Creates `post`: posts: positions in an organization.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Post::Table)
                    .if_not_exists()
                    .col(pk_auto(Post::Id))
                    .col(string(Post::Key))
                    .col(string(Post::Title))
                    .col(string(Post::TitleFolded))
                    .col(integer(Post::OrganizationId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_post_organization_id")
                            .from(Post::Table, Post::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ux_post_key").table(Post::Table).col(Post::Key).unique().to_owned())
            .await?;
        manager
            .create_index(
                Index::create().name("ix_post_organization_id").table(Post::Table).col(Post::OrganizationId).to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Post::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    Key,
    Title,
    TitleFolded,
    OrganizationId,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}
