//! Creates `directive`: directives: resolutions, directives, schemes, plans and other documents.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Directive::Table)
                    .if_not_exists()
                    .col(pk_auto(Directive::Id))
                    .col(string(Directive::Key))
                    .col(string_null(Directive::Code))
                    .col(string(Directive::Kind))
                    .col(string_null(Directive::Number))
                    .col(string(Directive::Title))
                    .col(string(Directive::SearchFolded))
                    .col(integer_null(Directive::IssuerId))
                    .col(string_null(Directive::IssuedOn))
                    .col(string_null(Directive::PeriodStart))
                    .col(string_null(Directive::PeriodEnd))
                    .col(string(Directive::Status))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_directive_issuer_id")
                            .from(Directive::Table, Directive::IssuerId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_directive_key")
                    .table(Directive::Table)
                    .col(Directive::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_directive_issuer_id")
                    .table(Directive::Table)
                    .col(Directive::IssuerId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Directive::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Directive {
    Table,
    Id,
    Key,
    Code,
    Kind,
    Number,
    Title,
    SearchFolded,
    IssuerId,
    IssuedOn,
    PeriodStart,
    PeriodEnd,
    Status,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}
