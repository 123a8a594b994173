//! Creates `directive_link`: links between directives: implements, reviews, amends, replaces.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DirectiveLink::Table)
                    .if_not_exists()
                    .col(pk_auto(DirectiveLink::Id))
                    .col(integer(DirectiveLink::FromDirectiveId))
                    .col(integer(DirectiveLink::ToDirectiveId))
                    .col(string(DirectiveLink::Relation))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_directive_link_from_directive_id")
                            .from(DirectiveLink::Table, DirectiveLink::FromDirectiveId)
                            .to(Directive::Table, Directive::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_directive_link_to_directive_id")
                            .from(DirectiveLink::Table, DirectiveLink::ToDirectiveId)
                            .to(Directive::Table, Directive::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_directive_link_from_directive_id_to_directive_id_relation")
                    .table(DirectiveLink::Table)
                    .col(DirectiveLink::FromDirectiveId)
                    .col(DirectiveLink::ToDirectiveId)
                    .col(DirectiveLink::Relation)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_directive_link_to_directive_id")
                    .table(DirectiveLink::Table)
                    .col(DirectiveLink::ToDirectiveId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DirectiveLink::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum DirectiveLink {
    Table,
    Id,
    FromDirectiveId,
    ToDirectiveId,
    Relation,
}

#[derive(DeriveIden)]
enum Directive {
    Table,
    Id,
}
