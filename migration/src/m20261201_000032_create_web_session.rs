//! Creates `web_session`: the browser sessions of the staff's web app. Each is opened with a
//! bearer token and lasts while that token does; only a hash of the session's cookie is kept.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebSession::Table)
                    .if_not_exists()
                    .col(pk_auto(WebSession::Id))
                    .col(string_uniq(WebSession::SessionHash))
                    .col(integer(WebSession::TokenId))
                    .col(string(WebSession::Csrf))
                    .col(timestamp_with_time_zone(WebSession::CreatedAt))
                    .col(timestamp_with_time_zone(WebSession::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebSession::Table, WebSession::TokenId)
                            .to(ApiToken::Table, ApiToken::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("web_session_expires_at")
                    .table(WebSession::Table)
                    .col(WebSession::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WebSession::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum WebSession {
    Table,
    Id,
    SessionHash,
    TokenId,
    Csrf,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
}
