-- migrate:up
-- Real interview outcomes of learners, recorded by the orchestrator or an admin, so that readiness
-- can be checked against them (the validity report). Per learner: keyed by (user_id, outcome_id),
-- distributed by user_id on Citus like the other per-learner tables.
create table analytics.interview_outcomes (
  user_id     uuid not null references analytics.learners (user_id) on delete cascade,
  outcome_id  text not null check (char_length(outcome_id) between 1 and 200),
  occurred_at timestamptz not null,
  result      text not null check (result in ('passed', 'failed')),
  stage       text check (char_length(stage) between 1 and 100),
  company     text check (char_length(company) between 1 and 200),
  role_level  text check (char_length(role_level) between 1 and 100),
  notes       text check (char_length(notes) <= 4000),
  created_at  timestamptz not null default now(),
  constraint interview_outcomes_pkey primary key (user_id, outcome_id)
);
-- The validity report selects outcomes by period across learners.
create index interview_outcomes_occurred_at_idx on analytics.interview_outcomes (occurred_at);
comment on table analytics.interview_outcomes is 'One row per real interview outcome of a learner (POST /api/users/:id/outcomes); paired with the readiness as of occurred_at by the validity report. Retries are harmless: primary key (user_id, outcome_id).';
comment on column analytics.interview_outcomes.user_id is 'The learner who interviewed.';
comment on column analytics.interview_outcomes.outcome_id is 'The sender''s id of the outcome, unique per learner; a resend with the same id and payload writes nothing.';
comment on column analytics.interview_outcomes.occurred_at is 'When the interview (or decision) took place; readiness is paired as of this instant. Never in the future when written.';
comment on column analytics.interview_outcomes.result is 'passed or failed; an offer is passed at stage offer.';
comment on column analytics.interview_outcomes.stage is 'Interview stage as the sender names it, e.g. screen, onsite, offer; null when not given.';
comment on column analytics.interview_outcomes.company is 'Company interviewed with; null when not given.';
comment on column analytics.interview_outcomes.role_level is 'Seniority of the role interviewed for, as the sender names it; null when not given.';
comment on column analytics.interview_outcomes.notes is 'Free text from the sender; null when not given.';
comment on column analytics.interview_outcomes.created_at is 'When the row was first written.';

-- migrate:down
drop table analytics.interview_outcomes;
