-- migrate:up
-- Two helpers of the cohort statements (lib/cohorts/skills.ts).
--
-- computed_once(x) returns x. It is declared volatile so that PostgreSQL keeps a subquery whose
-- select list uses it as a subquery of its own instead of merging it into the statement around
-- it: each of that subquery's columns (a binary search over a learner's array, a lookup) is then
-- computed once per row instead of once per use above it. Unlike `offset 0`, which has the same
-- effect, it leaves the statement free to run in parallel workers. The body is inlined when the
-- subquery is planned: there is no function call per row.
create function analytics.computed_once(value anyelement) returns anyelement
  language sql volatile parallel safe
  as 'select $1';
comment on function analytics.computed_once(anyelement) is 'Returns its argument; volatile so that a subquery using it in its select list is planned on its own (its columns computed once per row) while staying parallel safe. Inlined: no call at run time.';

-- The best of a learner's sessions on a skill at positions i0 + 1 … i1 of their kept row
-- (learner_skill_sessions): the highest average sum_h / n, the earliest on a tie, as its position
-- in the arrays; null when there is none. A function rather than a correlated subquery, which
-- would keep the whole statement out of parallel workers.
create function analytics.best_session_between(sum_h int8[], n int4[], i0 int, i1 int)
  returns int
  language sql immutable parallel safe
  as $$
    select i0 + u.o::int
    from unnest(sum_h[i0 + 1:i1], n[i0 + 1:i1]) with ordinality u(s, m, o)
    order by u.s::numeric / u.m desc, u.o
    limit 1
  $$;
comment on function analytics.best_session_between(int8[], int4[], int, int) is 'Position of the best session (highest sum_h / n, earliest on a tie) among positions i0 + 1 … i1 of a learner_skill_sessions row; null when there is none.';

-- migrate:down
drop function analytics.best_session_between(int8[], int4[], int, int);
drop function analytics.computed_once(anyelement);
