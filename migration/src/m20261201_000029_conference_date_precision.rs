//! Conference dates as sure as the report: `date_precision` (DAY, MONTH or YEAR; `date` keeps
//! the first day the date can mean and `date_last` the last), `date_inferred` (the report did
//! not print it: a year taken from the publication date) and `date_note` (from what).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column a statement.
        let columns = [
            string(Conference::DatePrecision).default("DAY").to_owned(),
            date_null(Conference::DateLast),
            boolean(Conference::DateInferred).default(false).to_owned(),
            string_null(Conference::DateNote),
        ];
        for column in columns {
            let mut column = column;
            manager.alter_table(Table::alter().table(Conference::Table).add_column(&mut column).to_owned()).await?;
        }
        let fill = Query::update()
            .table(Conference::Table)
            .value(Conference::DateLast, Expr::col(Conference::Date))
            .to_owned();
        manager.exec_stmt(fill).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_conference_date_last")
                    .table(Conference::Table)
                    .col(Conference::DateLast)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_conference_date_last").table(Conference::Table).to_owned()).await?;
        for column in [Conference::DatePrecision, Conference::DateLast, Conference::DateInferred, Conference::DateNote]
        {
            manager.alter_table(Table::alter().table(Conference::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Conference {
    Table,
    Date,
    DatePrecision,
    DateLast,
    DateInferred,
    DateNote,
}
