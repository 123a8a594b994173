//! Creates `change`: the history of every change made through the API — which node, what was
//! done, by whom (token name), when, by which mutation, and the fields before and after.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Change::Table)
                    .if_not_exists()
                    .col(pk_auto(Change::Id))
                    .col(string(Change::NodeType))
                    .col(integer(Change::NodeId))
                    .col(string(Change::Action))
                    .col(string(Change::Operation))
                    .col(string(Change::Actor))
                    .col(timestamp_with_time_zone(Change::At))
                    .col(text_null(Change::Before))
                    .col(text_null(Change::After))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_change_node_type_node_id")
                    .table(Change::Table)
                    .col(Change::NodeType)
                    .col(Change::NodeId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Change::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Change {
    Table,
    Id,
    NodeType,
    NodeId,
    Action,
    Operation,
    Actor,
    At,
    Before,
    After,
}
