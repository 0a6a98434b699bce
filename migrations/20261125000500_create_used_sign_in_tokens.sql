-- migrate:up
-- Single-use sign-in links: the id (jti) of every hand-off token that was redeemed, kept until the
-- token would have expired anyway. Not per-learner data (no user_id): under Citus it is a
-- reference table.
create table analytics.used_sign_in_tokens (
  jti        text primary key check (length(jti) between 8 and 200),
  expires_at timestamptz not null,
  used_at    timestamptz not null default now()
);
create index used_sign_in_tokens_expires_idx on analytics.used_sign_in_tokens (expires_at);
comment on table analytics.used_sign_in_tokens is 'Redeemed sign-in hand-off tokens (jti), so a link works once; rows past expires_at are deleted on later sign-ins.';
comment on column analytics.used_sign_in_tokens.expires_at is 'The token''s exp: after it the token is refused anyway and the row can go.';

-- migrate:down
drop table analytics.used_sign_in_tokens;
