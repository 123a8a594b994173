//! Creates `conference_directive`: directives a conference reviewed, deployed, discussed or issued.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConferenceDirective::Table)
                    .if_not_exists()
                    .col(pk_auto(ConferenceDirective::Id))
                    .col(integer(ConferenceDirective::ConferenceId))
                    .col(integer(ConferenceDirective::DirectiveId))
                    .col(string(ConferenceDirective::Relation))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_directive_conference_id")
                            .from(ConferenceDirective::Table, ConferenceDirective::ConferenceId)
                            .to(Conference::Table, Conference::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conference_directive_directive_id")
                            .from(ConferenceDirective::Table, ConferenceDirective::DirectiveId)
                            .to(Directive::Table, Directive::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_conference_directive_conference_id_directive_id_relation")
                    .table(ConferenceDirective::Table)
                    .col(ConferenceDirective::ConferenceId)
                    .col(ConferenceDirective::DirectiveId)
                    .col(ConferenceDirective::Relation)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_conference_directive_directive_id")
                    .table(ConferenceDirective::Table)
                    .col(ConferenceDirective::DirectiveId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConferenceDirective::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConferenceDirective {
    Table,
    Id,
    ConferenceId,
    DirectiveId,
    Relation,
}

#[derive(DeriveIden)]
enum Conference {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Directive {
    Table,
    Id,
}
