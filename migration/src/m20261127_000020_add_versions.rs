//! Adds `version` to every table of nodes that staff edit: it starts at 1 and grows by one
//! with each change, so that an update naming a stale version can be refused.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 10] = [
    "area",
    "organization",
    "official",
    "post",
    "tenure",
    "source",
    "conference",
    "participation",
    "directive",
    "task",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(ColumnDef::new(Alias::new("version")).integer().not_null().default(1))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(Table::alter().table(Alias::new(table)).drop_column(Alias::new("version")).to_owned())
                .await?;
        }
        Ok(())
    }
}
