//! Creates `citation`: which source states which fact (a conference, participation, tenure, directive or task).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Citation::Table)
                    .if_not_exists()
                    .col(pk_auto(Citation::Id))
                    .col(integer(Citation::SourceId))
                    .col(string(Citation::SubjectType))
                    .col(integer(Citation::SubjectId))
                    .col(text_null(Citation::Quote))
                    .col(string_null(Citation::Locator))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_citation_source_id")
                            .from(Citation::Table, Citation::SourceId)
                            .to(Source::Table, Source::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_citation_source_id_subject_type_subject_id")
                    .table(Citation::Table)
                    .col(Citation::SourceId)
                    .col(Citation::SubjectType)
                    .col(Citation::SubjectId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_citation_subject_type_subject_id")
                    .table(Citation::Table)
                    .col(Citation::SubjectType)
                    .col(Citation::SubjectId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Citation::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Citation {
    Table,
    Id,
    SourceId,
    SubjectType,
    SubjectId,
    Quote,
    Locator,
}

#[derive(DeriveIden)]
enum Source {
    Table,
    Id,
}
