//! Creates `attestation`: a source says that the holder of a tenure held its post (under the
//! title it prints) on a day, recorded by hand or from a dataset. Attestations that follow from
//! a conference's participants or a tenure's citations are not stored: they are read from those.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attestation::Table)
                    .if_not_exists()
                    .col(pk_auto(Attestation::Id))
                    .col(integer(Attestation::TenureId))
                    .col(integer(Attestation::SourceId))
                    .col(string(Attestation::AttestedOn))
                    .col(string_null(Attestation::Title))
                    .col(string_null(Attestation::Quote))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attestation_tenure_id")
                            .from(Attestation::Table, Attestation::TenureId)
                            .to(Tenure::Table, Tenure::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attestation_source_id")
                            .from(Attestation::Table, Attestation::SourceId)
                            .to(Source::Table, Source::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_attestation_tenure_id")
                    .table(Attestation::Table)
                    .col(Attestation::TenureId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_attestation_source_id")
                    .table(Attestation::Table)
                    .col(Attestation::SourceId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Attestation::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Attestation {
    Table,
    Id,
    TenureId,
    SourceId,
    AttestedOn,
    Title,
    Quote,
}

#[derive(DeriveIden)]
enum Tenure {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Source {
    Table,
    Id,
}
