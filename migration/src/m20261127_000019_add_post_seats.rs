//! Adds `seats` to `post`: how many people hold the post at once (1 for a secretary or a
//! chair), where known, so that overlapping tenures can be flagged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Post::Table).add_column(integer_null(Post::Seats)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Post::Table).drop_column(Post::Seats).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Seats,
}
